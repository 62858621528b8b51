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
import { closeUp } from '../helpers/synthetic-faces.ts';
import { testBrowser } from '../helpers/test-browser.ts';
import { drawBackground } from '../helpers/walking-faces-video.ts';
import {
  axeViolations, closeApp, command, evaluate, fromBase64, keepDownloads, openApp, openInGallery, waitFor, waitForControl, type Download,
} from './app-driver.ts';

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

/** The big photo: 24 MP, as cameras take them; the detector sees a copy 2048 pixels wide, the export is this size. */
const [BIG_WIDTH, BIG_HEIGHT] = [6000, 4000];
/** Side of each face's close-up on the big photo; the face in it is about 800 pixels wide (about 270 on the detector's copy). */
const BIG_TILE = 1800;
/** The close-ups' top-left corners: a row across the middle, from three seed photos. */
const bigFaces = [['1face.png', 0, 200, 1100], ['3faces.png', 0, 2100, 1100], ['3faces.png', 2, 4000, 1100]] as const;
/** Rows of the big photo that no face's mask reaches (the close-ups span rows 1100 to 2900, their faces about 1490 to 2310). */
const rowsAwayFromFaces = [[0, 1000], [3000, BIG_HEIGHT]] as const;

/** The big photo as a JPEG: the video tests' background, its stripes and checks 2.5 times as large, and the faces. */
async function bigPhoto(): Promise<Uint8Array<ArrayBuffer>> {
  const canvas = new OffscreenCanvas(BIG_WIDTH, BIG_HEIGHT);
  const context = canvas.getContext('2d')!;
  drawBackground(context, 2.5);
  for (const [file, faceAt, x, y] of bigFaces) context.drawImage((await closeUp(file, faceAt, BIG_TILE)).tile, x, y);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 })).arrayBuffer());
}

/** `pixels` scaled down to `width` (its aspect kept), as a bitmap for the detector. */
const downscaled = (pixels: ImageData, width: number) =>
  createImageBitmap(pixels, { resizeWidth: width, resizeHeight: Math.round((width * pixels.height) / pixels.width), resizeQuality: 'high' });

/** The mean absolute difference of `a` and `b` per RGB channel over rows [top, bottom) and columns [left, right). */
function meanDifference(a: ImageData, b: ImageData, [left, top, right, bottom]: readonly [number, number, number, number]): number {
  let sum = 0;
  for (let y = top; y < bottom; y++) {
    for (let at = (y * a.width + left) * 4; at < (y * a.width + right) * 4; at += 4) {
      sum += Math.abs(a.data[at]! - b.data[at]!) + Math.abs(a.data[at + 1]! - b.data[at + 1]!) + Math.abs(a.data[at + 2]! - b.data[at + 2]!);
    }
  }
  return sum / (3 * (bottom - top) * (right - left));
}

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
    const download = await evaluate<Download>('return window.downloads[0]');
    expect(download.name).to.equal('photos-blurred.zip');
    const files = unzipSync(fromBase64(download.base64));
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
    const download = await evaluate<Download>('return window.downloads[0]');
    expect(download.name).to.equal('3faces-blurred.png');
    const output = await pixelsOf(fromBase64(download.base64));
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

  it('opens a 24 MP photo and exports it at full resolution, its faces hidden and the rest as it was', async () => {
    const source = await bigPhoto();
    await openApp({ view: 'start' });
    await command('pwa-click', { selector: '#open-gallery' });
    await keepDownloads();
    const opened = performance.now();
    await openInGallery(source, 'big.jpg', 'image/jpeg');
    await galleryReady(1);
    const shownMs = performance.now() - opened;
    expect(await evaluate<string>("return document.getElementById('gallery-status').textContent")).to.equal('1 photo, 3 faces found and hidden.');
    await command('pwa-click', { selector: `${photoItem(0)} figcaption button[aria-label^="Download"]` });
    await waitFor('window.downloads.length === 1');
    const download = await evaluate<Download>('return window.downloads[0]');
    const exportedMs = performance.now() - opened;
    expect(download.name).to.equal('big-blurred.jpg');
    const exported = fromBase64(download.base64);
    console.log(`gallery: a ${BIG_WIDTH}×${BIG_HEIGHT} JPEG of ${(source.length / 1e6).toFixed(1)} MB shown with its faces hidden in ${shownMs.toFixed(0)} ms, exported (${(exported.length / 1e6).toFixed(1)} MB) by ${exportedMs.toFixed(0)} ms`);

    const [original, output] = [await pixelsOf(source), await pixelsOf(exported)];
    expect([output.width, output.height], 'the export at full resolution').to.deep.equal([BIG_WIDTH, BIG_HEIGHT]);
    // The full model finds the faces in a 1500-pixel copy of the photo, and none in the same copy of the export.
    const scores = async (pixels: ImageData) => {
      const image = await downscaled(pixels, 1500);
      const faces = await full.detect(image, { settings: { minScore: 0.5 } });
      image.close();
      return faces.map((face) => face.score.toFixed(2));
    };
    expect((await scores(original)).length, 'faces in the photo').to.equal(bigFaces.length);
    expect(await scores(output), 'faces left in the export').to.deep.equal([]);
    // Each face's box (the middle of its close-up, as wide as the face) changed; the rows away from the faces only as
    // much as a JPEG encoded again changes them.
    for (const [file, , x, y] of bigFaces) {
      const [left, top] = [x + BIG_TILE * 0.3, y + BIG_TILE * 0.3];
      const changed = meanDifference(original, output, [left, top, left + BIG_TILE * 0.4, top + BIG_TILE * 0.4]);
      console.log(`gallery: the face from ${file} changed by ${changed.toFixed(1)} a channel on average`);
      expect(changed, `mean change on the face from ${file}`).to.be.greaterThan(8);
    }
    for (const [top, bottom] of rowsAwayFromFaces) {
      const changed = meanDifference(original, output, [0, top, BIG_WIDTH, bottom]);
      console.log(`gallery: rows ${top} to ${bottom} changed by ${changed.toFixed(2)} a channel on average`);
      expect(changed, `mean change on rows ${top} to ${bottom}`).to.be.below(2.5);
    }
  });
});
