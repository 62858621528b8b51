// The photo gallery on the production build, offline after one visit: three photos opened at once, one face shown
// again, one region hidden by hand, a second one undone with Ctrl+Z, a third made, moved, resized and removed from
// the keyboard, all exported as one zip; the zip is unpacked here (fflate) and its photos checked against their
// sources with real pixels. axe-core checks the first screen and the gallery. In Chromium, photos dropped on the first screen open in the gallery, one downloaded alone at the
// strongest strength.
import { expect } from 'chai';
import { unzipSync } from 'fflate';
import { FaceDetector } from '../../model/face-detector.ts';
import { REDACTION_MIN_SCORE, Redactor } from '../../model/redactor.ts';
import { containsText } from '../helpers/exif-jpeg.ts';
import { fetchOk } from '../helpers/fixtures.ts';
import { laplacianVariance } from '../helpers/picture-measures.ts';
import { testBrowser } from '../helpers/test-browser.ts';
import { axeViolations, closeApp, command, evaluate, openApp, waitFor, waitForControl } from './app-driver.ts';

// A lossless photo (the shown face must come back exactly) and two camera JPEGs carrying EXIF with a GPS position.
const sources = ['test/fixtures/seed/3faces.png', 'node_modules/@vladmandic/face-api/demo/sample1.jpg', 'node_modules/@vladmandic/face-api/demo/sample4.jpg'];
const exportNames = ['3faces-blurred.png', 'sample1-blurred.jpg', 'sample4-blurred.jpg'];
const photoItem = (index: number) => `#gallery-photos li:nth-child(${index + 1})`;
/** The region hidden by hand in the second photo, as fractions of it: its bottom-left corner, no face there. */
const manualRegion = { from: [0.02, 0.75], to: [0.3, 0.98] } as const;

async function pixelsOf(bytes: Uint8Array<ArrayBuffer> | Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(bytes instanceof Blob ? bytes : new Blob([bytes]), { imageOrientation: 'from-image' });
  const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, context.canvas.width, context.canvas.height);
}

const imageOf = (pixels: ImageData) => createImageBitmap(pixels);

/** Keeps the app page's downloads for the test instead of saving them: window.downloads, each a name and bytes. */
const keepDownloads = () => evaluate(`
  window.downloads = [];
  HTMLAnchorElement.prototype.click = function () {
    window.downloads.push(fetch(this.href).then((response) => response.arrayBuffer()).then((buffer) => ({ name: this.download, bytes: [...new Uint8Array(buffer)] })));
  };`);

/** Keeps the pixels photo `index` shows, in the app page, as `name`. */
const keepPixels = (index: number, name: string) => evaluate(`
  const canvas = document.querySelector('${photoItem(index)} canvas');
  window['${name}'] = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;`);

/**
 * How many pixels photo `index` shows differ by more than 2 in a channel from those kept as `name`: a repaint of the
 * same picture may differ by a rounding where the canvas's backing changed between paints.
 */
const changedPixels = (index: number, name: string) => evaluate<number>(`
  const canvas = document.querySelector('${photoItem(index)} canvas');
  const now = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const kept = window['${name}'];
  let changed = 0;
  for (let i = 0; i < now.length; i += 4) {
    if (Math.abs(now[i] - kept[i]) > 2 || Math.abs(now[i + 1] - kept[i + 1]) > 2 || Math.abs(now[i + 2] - kept[i + 2]) > 2) changed++;
  }
  return changed;`);

/** Until the gallery lists `count` photos, all searched. */
const galleryReady = (count: number) =>
  waitFor(`document.querySelectorAll('#gallery-photos li').length === ${count} && document.getElementById('gallery-photos').getAttribute('aria-busy') === 'false'`);

describe('PWA photo gallery', function () {
  this.timeout(360000);
  let full: FaceDetector;
  before(async () => (full = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } })));
  after(async () => {
    full.dispose();
    await closeApp();
  });

  it('opens three photos offline, shows one face again, hides a region by hand, undoes, and exports a zip without metadata', async () => {
    await openApp({ view: 'start' });
    await waitForControl();
    await command('pwa-offline');
    await command('pwa-reload');
    expect(await axeViolations(), 'axe on the first screen').to.deep.equal([]);
    expect(await evaluate<string[]>("return [...document.querySelectorAll('#start button')].map((button) => button.textContent)"))
      .to.deep.equal(['Blur faces in photos or a video', 'Live camera']);

    await command('pwa-click', { selector: '#open-gallery' });
    expect(await evaluate<string>('return document.activeElement.id'), 'focus on the new view').to.equal('gallery-heading');
    await keepDownloads();

    const opened = performance.now();
    await command('pwa-upload', { selector: '#gallery-files', files: sources });
    await galleryReady(3);
    const redactedMs = performance.now() - opened;
    console.log(`gallery: 3 photos opened, searched and redacted in ${redactedMs.toFixed(0)} ms`);
    const faceCounts = await evaluate<number[]>(`return [...document.querySelectorAll('#gallery-photos li')].map((item) => item.querySelectorAll('button.face').length)`);
    faceCounts.forEach((count, index) => expect(count, `faces found in ${sources[index]}`).to.be.greaterThan(0));
    expect(await axeViolations(), 'axe on the gallery').to.deep.equal([]);

    // The first photo's first face shown again; where it is, as fractions of the photo.
    const shownFace = `${photoItem(0)} button.face[data-face="0"]`;
    await command('pwa-click', { selector: shownFace });
    expect(await evaluate<string>(`return document.querySelector('${shownFace}').getAttribute('aria-pressed')`)).to.equal('true');
    const shownBox = await evaluate<[number, number, number, number]>(`
      const { left, top, width, height } = document.querySelector('${shownFace}').style;
      return [left, top, width, height].map((value) => parseFloat(value) / 100);`);

    await command('pwa-mouse-drag', { selector: `${photoItem(1)} canvas`, ...manualRegion });
    // A second region on the third photo, undone with Ctrl+Z: the photo is painted as before.
    await keepPixels(2, 'unmarked');
    await command('pwa-mouse-drag', { selector: `${photoItem(2)} canvas`, from: [0.4, 0.02], to: [0.6, 0.2] });
    expect(await changedPixels(2, 'unmarked'), 'pixels changed: a region hidden').to.be.greaterThan(1000);
    await command('pwa-press', { key: 'z', modifiers: ['Control'] });
    expect(await changedPixels(2, 'unmarked'), 'pixels changed: the region undone').to.equal(0);
    // From the keyboard: "Hide a region" (Enter), moved with an arrow key, grown with Shift and an arrow key, removed with Delete.
    await evaluate(`document.querySelector('${photoItem(2)} figcaption button').focus()`);
    expect(await evaluate<string>('return document.activeElement.textContent'), 'focus on the region button').to.equal('Hide a region');
    await command('pwa-press', { key: 'Enter' });
    const outline = `document.querySelector('${photoItem(2)} button.region')`;
    expect(await evaluate<boolean>(`return document.activeElement === ${outline}`), 'focus on the new region').to.equal(true);
    expect(await changedPixels(2, 'unmarked'), 'pixels changed: a region hidden from the keyboard').to.be.greaterThan(1000);
    await keepPixels(2, 'placed');
    await command('pwa-press', { key: 'ArrowRight' });
    await command('pwa-press', { key: 'ArrowDown', modifiers: ['Shift'] });
    expect(await evaluate<string[]>(`const { left, height } = ${outline}.style; return [left, height]`), 'moved right, grown down').to.deep.equal(['37%', '32%']);
    expect(await changedPixels(2, 'placed'), 'pixels changed: the region painted where it went').to.be.greaterThan(100);
    await command('pwa-press', { key: 'Delete' });
    expect(await evaluate<boolean>(`return ${outline} === null`), 'the region removed').to.equal(true);
    expect(await changedPixels(2, 'unmarked'), 'pixels changed: the photo as before the region').to.equal(0);

    await command('pwa-click', { selector: '#gallery-zip' });
    await waitFor('window.downloads.length === 1');
    const download = await evaluate<{ name: string; bytes: number[] }>('return window.downloads[0]');
    expect(download.name).to.equal('photos-blurred.zip');
    const files = unzipSync(new Uint8Array(download.bytes));
    expect(Object.keys(files).sort()).to.deep.equal([...exportNames].sort());

    for (const [index, source] of sources.entries()) {
      const bytes = files[exportNames[index]!]!;
      expect(containsText(bytes, 'Exif'), `${exportNames[index]}: an EXIF segment`).to.equal(false);
      const input = new Uint8Array(await (await fetchOk(`/${source}`)).arrayBuffer());
      expect(containsText(input, 'Exif') || index === 0, `${source} carries EXIF`).to.equal(true);
      const [original, output] = [await pixelsOf(input), await pixelsOf(bytes)];
      expect([output.width, output.height], `${exportNames[index]}: full resolution`).to.deep.equal([original.width, original.height]);
      const outputImage = await imageOf(output);
      const left = await full.detect(outputImage, { settings: { minScore: 0.5 } });
      outputImage.close();

      if (index === 0) {
        // Only the face shown again is left, exactly as it was, apart from where the other faces' masks reach into it.
        const sourceImage = await imageOf(original);
        const others = (await full.detect(sourceImage, { settings: { minScore: REDACTION_MIN_SCORE } }))
          .filter(({ box }) => !(Math.abs(box.xMin - shownBox[0]) < 0.05 && Math.abs(box.yMin - shownBox[1]) < 0.05));
        sourceImage.close();
        const masks = new Redactor().masks(others, original.width, original.height, 0);
        const masked = (x: number, y: number) => masks.some(({ x: cx, y: cy, radiusX, radiusY, rotation }) => {
          const [dx, dy] = [x + 0.5 - cx, y + 0.5 - cy];
          const [u, v] = [dx * Math.cos(rotation) + dy * Math.sin(rotation), -dx * Math.sin(rotation) + dy * Math.cos(rotation)];
          return Math.hypot(u / (radiusX + 2), v / (radiusY + 2)) <= 1;
        });
        const [x0, y0, width, height] = shownBox.map((value, i) => Math.round(value * (i % 2 === 0 ? original.width : original.height)));
        let [compared, worst] = [0, 0];
        for (let y = y0!; y < y0! + height!; y++) {
          for (let x = x0!; x < x0! + width!; x++) {
            if (masked(x, y)) continue;
            compared++;
            const at = (y * original.width + x) * 4;
            for (let c = 0; c < 4; c++) worst = Math.max(worst, Math.abs(output.data[at + c]! - original.data[at + c]!));
          }
        }
        console.log(`gallery: the shown face compared on ${compared} of ${width! * height!} pixels`);
        expect(compared, "pixels of the shown face outside the others' masks").to.be.greaterThan((width! * height!) / 4);
        expect(worst, 'largest difference on the shown face').to.be.at.most(2);
        for (const { box } of left) {
          const [cx, cy] = [(box.xMin + box.xMax) / 2, (box.yMin + box.yMax) / 2];
          expect(cx > shownBox[0] && cx < shownBox[0] + shownBox[2] && cy > shownBox[1] && cy < shownBox[1] + shownBox[3], `a face left at ${cx.toFixed(2)}, ${cy.toFixed(2)} that is not the shown one`).to.equal(true);
        }
        expect(left.length, 'the shown face is still a face').to.be.greaterThan(0);
      } else {
        expect(left.map((face) => face.score.toFixed(2)), `faces left in ${exportNames[index]}`).to.deep.equal([]);
      }

      if (index === 1) {
        // The region hidden by hand has lost its fine detail.
        const [fx, fy] = [(manualRegion.from[0] + manualRegion.to[0]) / 2, (manualRegion.from[1] + manualRegion.to[1]) / 2];
        const [x, y] = [Math.round(fx * original.width), Math.round(fy * original.height)];
        const radius = Math.round(0.08 * original.height);
        const [sharp, hidden] = [laplacianVariance(original, x, y, radius), laplacianVariance(output, x, y, radius)];
        console.log(`gallery: the region hidden by hand, detail ${sharp.toFixed(1)} before, ${hidden.toFixed(1)} after`);
        expect(hidden, 'detail left in the region hidden by hand').to.be.below(sharp / 4);
      }
    }
  });

  it('opens photos dropped on the first screen in the gallery and downloads one alone, at the strongest strength (Chromium: trusted drag events through DevTools)', async function () {
    if (!testBrowser.devtools) this.skip();
    await openApp({ view: 'start' });
    await keepDownloads();
    const dropped = [sources[1]!, 'package.json', sources[0]!];
    await command('pwa-drag-file', { selector: '#start', files: dropped, step: 'over' });
    await command('pwa-drag-file', { selector: '#start', files: dropped, step: 'drop' });
    await galleryReady(2);
    expect(await evaluate<boolean>("return !document.getElementById('gallery').hidden && location.hash === '#gallery'")).to.equal(true);
    expect(await evaluate<string>("return document.getElementById('gallery-status').textContent"), 'the file left out').to.match(/^2 photos, \d+ faces found and hidden\. 1 file left out: not a JPEG, PNG, WebP or HEIC photo, or an MP4, WebM or MOV video\.$/);
    // An iPhone's HEIC photo (its file type box alone), which this browser does not decode: said so by name.
    await evaluate(`
      const box = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0, ...new TextEncoder().encode('mif1heic')]);
      const transfer = new DataTransfer();
      transfer.items.add(new File([box], 'iphone.heic', { type: 'image/heic' }));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer }));`);
    await waitFor("document.getElementById('gallery-status').textContent.includes('iphone.heic')");
    expect(await evaluate<string>("return document.getElementById('gallery-status').textContent"), 'the HEIC photo not decoded')
      .to.match(/iphone\.heic could not be opened: this browser cannot decode HEIC photos/);

    // The strongest strength: each face averaged into one cell, so its box is a single colour.
    await keepPixels(1, 'strong');
    await evaluate("const strength = document.getElementById('gallery-strength'); strength.value = '1'; strength.dispatchEvent(new Event('change'));");
    expect(await changedPixels(1, 'strong'), 'pixels changed: repainted stronger').to.be.greaterThan(100);
    const boxes = await evaluate<[number, number, number, number][]>(`
      return [...document.querySelectorAll('${photoItem(1)} button.face')].map(({ style }) => [style.left, style.top, style.width, style.height].map((value) => parseFloat(value) / 100));`);
    await command('pwa-click', { selector: `${photoItem(1)} figcaption button[aria-label^="Download"]` });
    await waitFor('window.downloads.length === 1');
    const download = await evaluate<{ name: string; bytes: number[] }>('return window.downloads[0]');
    expect(download.name).to.equal('3faces-blurred.png');
    const output = await pixelsOf(new Uint8Array(download.bytes));
    expect([output.width, output.height]).to.deep.equal([128, 128]);
    const image = await imageOf(output);
    expect(await full.detect(image, { settings: { minScore: 0.5 } }), 'faces left').to.deep.equal([]);
    image.close();
    expect(boxes.length, 'faces in the photo').to.be.greaterThan(0);
    for (const [x, y, width, height] of boxes) {
      let [low, high] = [255, 0];
      for (let py = Math.ceil(y * 128); py < Math.floor((y + height) * 128); py++) {
        for (let px = Math.ceil(x * 128); px < Math.floor((x + width) * 128); px++) {
          const green = output.data[(py * 128 + px) * 4 + 1]!;
          [low, high] = [Math.min(low, green), Math.max(high, green)];
        }
      }
      expect(high - low, `the spread of green in the face box at ${x.toFixed(2)}, ${y.toFixed(2)}`).to.be.at.most(2);
    }
  });
});
