// The installed app opened with files, on the production build: photos shared to it (the manifest's share_target,
// posted by a form submission navigation as the share sheet does, answered by the service worker) and photos it is
// launched with (file_handlers: the app's launch consumer called with file handles, since no test browser has
// window.launchQueue) open in the gallery with their faces hidden, which the shown pixels say.
import { expect } from 'chai';
import { FaceDetector } from '../../model/face-detector.ts';
import { laplacianVariance } from '../helpers/picture-measures.ts';
import { closeApp, command, evaluate, openApp, waitFor, waitForControl } from './app-driver.ts';

const sources = ['test/fixtures/seed/3faces.png', 'node_modules/@vladmandic/face-api/demo/sample1.jpg'];

interface ShareTarget {
  action: string;
  method: string;
  enctype: string;
  params: { files: Array<{ name: string }> };
}

/** The pixels of a picture (a URL, data: URLs too), turned upright by its EXIF orientation as the gallery turns it; at `size` if given. */
async function uprightPixels(url: string, size?: [number, number]): Promise<ImageData> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob(), { imageOrientation: 'from-image' });
  const [width, height] = size ?? [bitmap.width, bitmap.height];
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return context.getImageData(0, 0, width, height);
}

/** Adds a file input to the app page and picks `files` in it, as a person would; its selector. */
async function pickFiles(input: string, files: string[]): Promise<string> {
  await command('pwa-upload', { selector: input, files });
  expect(await evaluate<number>(`return document.querySelector('${input}').files.length`)).to.equal(files.length);
  return input;
}

describe('PWA launches and shares', function () {
  this.timeout(240000);
  let full: FaceDetector;
  before(async () => (full = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } })));
  after(async () => {
    full.dispose();
    await closeApp();
  });

  /** Until the gallery shows `sources`, all searched; then each one's faces are hidden in what it paints. */
  async function expectGalleryHidesFaces(): Promise<void> {
    await waitFor(`document.querySelectorAll('#gallery-photos li').length === ${sources.length} && document.getElementById('gallery-photos').getAttribute('aria-busy') === 'false'`);
    expect(await evaluate<string>('return location.hash'), 'the gallery shows').to.equal('#gallery');
    expect(await evaluate<string>("return document.getElementById('gallery').hidden ? 'hidden' : 'shown'")).to.equal('shown');
    for (const [index, source] of sources.entries()) {
      const shown = await uprightPixels(await evaluate<string>(`return document.querySelector('#gallery-photos li:nth-child(${index + 1}) canvas').toDataURL()`));
      const whole = await uprightPixels(`/${source}`);
      // The grid shows a copy (at most 1024 pixels on its long side): the source is compared at that size.
      expect(shown.width / shown.height, `${source}: its shape`).to.be.closeTo(whole.width / whole.height, 0.01);
      expect(shown.width, `${source}: no larger than it is`).to.be.at.most(whole.width);
      const original = await uprightPixels(`/${source}`, [shown.width, shown.height]);
      const [originalImage, shownImage] = [await createImageBitmap(original), await createImageBitmap(shown)];
      const faces = await full.detect(originalImage, { settings: { minScore: 0.5 } });
      const left = await full.detect(shownImage, { settings: { minScore: 0.5 } });
      originalImage.close();
      shownImage.close();
      expect(faces.length, `faces in ${source}`).to.be.greaterThan(0);
      expect(left.map((face) => face.score.toFixed(2)), `faces left in ${source} as the gallery shows it`).to.deep.equal([]);
      for (const { box } of faces) {
        const [x, y] = [Math.round(((box.xMin + box.xMax) / 2) * original.width), Math.round(((box.yMin + box.yMax) / 2) * original.height)];
        const radius = Math.max(3, Math.round((box.xMax - box.xMin) * original.width * 0.3));
        const [sharp, hidden] = [laplacianVariance(original, x, y, radius), laplacianVariance(shown, x, y, radius)];
        expect(hidden, `detail left on the face at ${x}, ${y} of ${source} (${sharp.toFixed(1)} before)`).to.be.below(sharp / 4);
      }
    }
  }

  it('opens photos shared to it in the gallery: the service worker keeps them, redirects, and the page takes them', async () => {
    const { origin } = await openApp({ view: 'start' });
    await waitForControl();
    const manifest = await evaluate<{ share_target: ShareTarget }>("return (await fetch('manifest.webmanifest')).json()");
    const target = manifest.share_target;
    expect([target.method, target.enctype]).to.deep.equal(['POST', 'multipart/form-data']);

    // The form the share sheet would submit, built from the manifest's share_target.
    await evaluate(`
      const form = document.createElement('form');
      Object.assign(form, { method: ${JSON.stringify(target.method)}, enctype: ${JSON.stringify(target.enctype)}, action: ${JSON.stringify(target.action)} });
      const input = Object.assign(document.createElement('input'), { type: 'file', multiple: true, id: 'shared', name: ${JSON.stringify(target.params.files[0]!.name)} });
      const submit = Object.assign(document.createElement('button'), { id: 'share', textContent: 'Share' });
      form.append(input, submit);
      document.body.append(form);`);
    await pickFiles('#shared', sources);
    await command('pwa-click', { selector: '#share', navigation: true });
    await expectGalleryHidesFaces();

    expect(await evaluate<string>('return location.href'), "the share's id gone from the URL").to.equal(`${origin}/#gallery`);
    const kept = await evaluate<number[]>('return Promise.all((await caches.keys()).filter((name) => name.includes("shared")).map(async (name) => (await (await caches.open(name)).keys()).length))');
    expect(kept, 'shared files still kept after the page took them').to.deep.equal([0]);
  });

  it('opens the files it is launched with in the gallery', async () => {
    await openApp({ view: 'start' });
    await evaluate(`document.body.append(Object.assign(document.createElement('input'), { type: 'file', multiple: true, id: 'launched' }));`);
    await pickFiles('#launched', sources);
    // LaunchParams as Chromium hands it: file handles, each reading its File.
    await evaluate(`
      const handles = [...document.getElementById('launched').files].map((file) => ({ kind: 'file', name: file.name, getFile: async () => file }));
      void window.blazeFaceApp.openLaunchedFiles({ targetURL: location.href, files: handles });`);
    await expectGalleryHidesFaces();
  });
});
