// <blaze-face> in a real page: a canvas stream of a test photo goes in, faces events and overlay pixels
// come out; the fake camera, a refused camera, lifecycle and attributes are exercised for real.

import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../components/index.ts';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { BlazeFaceErrorDetail, BlazeFaceFacesDetail } from '../../components/events.ts';
import { FaceDetector } from '../../model/face-detector.ts';
import { boxColor, createElement, expectSameFaces, frameRefusingCamera, useElementSources } from '../helpers/element-harness.ts';
import { delay, until } from '../helpers/waits.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { withFaultyWorkers } from '../helpers/native-faults.ts';
import {
  describeForNative, expectNetworkBackend, itForPolyfill, itWithFakeCamera, testBrowser,
} from '../helpers/test-browser.ts';

const photo = '/node_modules/@vladmandic/face-api/demo/sample2.jpg';
const twoFaces = '/node_modules/@vladmandic/face-api/demo/sample3.jpg';

/** How many faces events `element` fires during `ms` milliseconds. */
async function facesEventsDuring(element: HTMLElement, ms: number): Promise<number> {
  let count = 0;
  const listener = () => count++;
  element.addEventListener('faces', listener);
  await delay(ms);
  element.removeEventListener('faces', listener);
  return count;
}

const announcement = (count: number) => (count === 0 ? 'No faces in view' : count === 1 ? '1 face in view' : `${count} faces in view`);

function overlayPixels(element: BlazeFaceElement): ImageData {
  const canvas = element.shadowRoot!.querySelector('canvas')!;
  return canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
}

/** Whether any pixel within `radius` of (x, y) (canvas pixels) has the box colour. */
function boxColoredNear(pixels: ImageData, x: number, y: number, radius = 3): boolean {
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const px = Math.round(x + dx);
      const py = Math.round(y + dy);
      if (px < 0 || py < 0 || px >= pixels.width || py >= pixels.height) continue;
      const at = (py * pixels.width + px) * 4;
      const [r, g, b, a] = pixels.data.subarray(at, at + 4);
      if (a > 200 && Math.abs(r - boxColor[0]) < 40 && g < 60 && Math.abs(b - boxColor[2]) < 40) return true;
    }
  }
  return false;
}

function countOpaque(pixels: ImageData): number {
  let count = 0;
  for (let i = 3; i < pixels.data.length; i += 4) if (pixels.data[i] > 0) count++;
  return count;
}

describe('<blaze-face>', function () {
  let image: ImageData;
  let reference: FaceDetector;
  const { streamOf, elementOn, afterTest } = useElementSources();

  before(async () => {
    image = await loadImageData(photo);
    reference = await FaceDetector.create({ context: { engine: 'wasm' } });
  });
  after(() => reference.dispose());
  describe('detection and drawing from a MediaStream', () => {
    it('emits the faces the model finds and draws their boxes where they are', async () => {
      const source = streamOf(image);
      const expected = await reference.detect(source.canvas);
      expect(expected.length, 'the test photo has faces').to.be.greaterThan(0);

      const element = elementOn(source, (element) => {
        element.keypoints = false;
      });
      await element.updateComplete;
      expect(element.state).to.equal('loading');
      expect(element.shadowRoot!.querySelector('[part=status]')!.textContent).to.contain('Loading');
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
      expect(element.state).to.equal('running');
      expectNetworkBackend(element.backend!, { precision: 'float32' });
      expect(element.matches(':state(running)')).to.equal(true);
      expect(element.isMirrored, 'a stream is not mirrored by default').to.equal(false);
      // The stream passes through video encoding (YUV), so its pixels differ slightly from the canvas.
      expectSameFaces(detail.faces, expected, 0.02);
      expect(detail.latencyMs).to.be.greaterThan(0);

      const pixels = overlayPixels(element);
      const ratio = pixels.width / 640;
      for (const face of detail.faces) {
        const { xMin, yMin, xMax, yMax } = face.box;
        const toX = (x: number) => x * 640 * ratio;
        const toY = (y: number) => y * 480 * ratio;
        const midX = toX((xMin + xMax) / 2);
        const midY = toY((yMin + yMax) / 2);
        expect(boxColoredNear(pixels, midX, toY(yMin)), 'top edge').to.equal(true);
        expect(boxColoredNear(pixels, midX, toY(yMax)), 'bottom edge').to.equal(true);
        expect(boxColoredNear(pixels, toX(xMin), midY), 'left edge').to.equal(true);
        expect(boxColoredNear(pixels, toX(xMax), midY), 'right edge').to.equal(true);
        expect(boxColoredNear(pixels, midX, midY, 2), 'inside the box').to.equal(false);
      }
      expect(boxColoredNear(pixels, 5, 5), 'far corner').to.equal(false);
      expect(boxColoredNear(pixels, pixels.width - 5, pixels.height - 5), 'far corner').to.equal(false);

      // Nothing but our own origin was asked for anything (model, engine files, scripts).
      const foreign = performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((url) => new URL(url).origin !== location.origin);
      expect(foreign).to.deep.equal([]);
    });

    it('snapshot() returns the frame with the overlay at the video size', async () => {
      const source = streamOf(image);
      const element = elementOn(source, (element) => {
        element.keypoints = false;
      });
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
      const bitmap = await createImageBitmap(await element.snapshot());
      expect([bitmap.width, bitmap.height]).to.deep.equal([640, 480]);
      const canvas = new OffscreenCanvas(640, 480);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const pixels = context.getImageData(0, 0, 640, 480);
      const face = detail.faces[0];
      expect(boxColoredNear(pixels, ((face.box.xMin + face.box.xMax) / 2) * 640, face.box.yMin * 480)).to.equal(true);
    });

    it('paused stops processing frames and resumes when cleared', async () => {
      const source = streamOf(image);
      const element = elementOn(source);
      await nextEvent(element, 'faces');
      element.paused = true;
      await element.updateComplete;
      expect(element.state).to.equal('paused');
      // A frame already in flight may still finish right after pausing.
      await delay(200);
      expect(await facesEventsDuring(element, 600)).to.equal(0);
      element.paused = false;
      await nextEvent(element, 'faces');
      expect(element.state).to.equal('running');
    });

    it('mirrors the faces and the drawing when mirrored', async () => {
      const source = streamOf(image);
      const expected = await reference.detect(source.canvas, { mirrored: true });
      const element = elementOn(source, (element) => {
        element.keypoints = false;
        element.mirrored = true;
      });
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
      expectSameFaces(detail.faces, expected, 0.02);
      const pixels = overlayPixels(element);
      const ratio = pixels.width / 640;
      const face = detail.faces[0];
      const midY = ((face.box.yMin + face.box.yMax) / 2) * 480 * ratio;
      expect(boxColoredNear(pixels, face.box.xMin * 640 * ratio, midY)).to.equal(true);
      const unmirroredLeft = (1 - face.box.xMax) * 640 * ratio;
      if (Math.abs(unmirroredLeft - face.box.xMin * 640 * ratio) > 20) {
        expect(boxColoredNear(pixels, unmirroredLeft, midY, 2), 'nothing at the unmirrored position').to.equal(false);
      }
    });
  });

  describe('camera', () => {
    itWithFakeCamera('starts the (fake) camera, reaches running and emits faces events', async () => {
      const element = createElement(() => undefined);
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces');
      expect(detail.faces).to.be.an('array');
      expect(element.state).to.equal('running');
      expect(element.isMirrored, 'the user-facing camera is mirrored').to.equal(true);
      const stream = element.shadowRoot!.querySelector('video')!.srcObject as MediaStream;
      expect(stream.getVideoTracks()[0].readyState).to.equal('live');
    });

    it('reports camera-denied with a message and a retry button where the camera is refused, and "Try again" asks again', async () => {
      const frame = await frameRefusingCamera();
      afterTest(frame.remove);
      const element = createElement(() => undefined, frame.document);
      const error = await nextEvent<BlazeFaceErrorDetail>(element, 'error');
      expect(error.type).to.equal('camera-denied');
      expect(element.state).to.equal('error');
      const status = element.shadowRoot!.querySelector('[part=status]') as HTMLElement;
      await element.updateComplete;
      expect(status.textContent).to.contain('denied');
      const retry = status.querySelector('button')!;
      expect(retry.textContent).to.contain('Try again');

      const again = nextEvent<BlazeFaceErrorDetail>(element, 'error');
      retry.click();
      expect((await again).type, 'asked the browser again, and refused again').to.equal('camera-denied');
      expect(element.state).to.equal('error');
    });
  });

  describe('lifecycle', () => {
    itWithFakeCamera('stops every camera track when removed and restarts when added again', async () => {
      const element = createElement(() => undefined);
      await nextEvent(element, 'faces');
      const stream = element.shadowRoot!.querySelector('video')!.srcObject as MediaStream;
      element.remove();
      expect(stream.getTracks().every((track) => track.readyState === 'ended')).to.equal(true);

      document.body.append(element);
      await nextEvent(element, 'faces');
      const restarted = element.shadowRoot!.querySelector('video')!.srcObject as MediaStream;
      expect(restarted).to.not.equal(stream);
      expect(restarted.getVideoTracks()[0].readyState).to.equal('live');
    });

    itForPolyfill('keeps engine memory flat over 500 frames', async function () {
      this.timeout(240000);
      const source = streamOf(image);
      const element = elementOn(source);
      await nextEvent(element, 'faces');
      expect(element.backend?.engine).to.equal('wasm');
      const before = await element.engineMemory();
      expect(before?.bytes, 'the engine holds the model').to.be.greaterThan(0);
      let frames = 0;
      await new Promise<void>((resolve) => {
        element.addEventListener('faces', () => {
          if (++frames === 500) resolve();
        });
      });
      const after = await element.engineMemory();
      expect(after, 'engine tensors and bytes').to.deep.equal(before);
    });
  });

  describeForNative('native WebNN that cannot run the network', () => {
    it("falls back to the polyfill inside the detector's worker, says why in backend, and detects", async () => {
      const source = streamOf(image);
      const element = await withFaultyWorkers({ buildRejectsOp: 'maxPool2d' }, async () => {
        const created = elementOn(source);
        await nextEvent(created, 'ready');
        return created;
      });
      expect(element.backend).to.deep.include({ implementation: 'polyfill', engine: 'wasm', precision: 'float32', fallbackFrom: 'native' });
      expect(element.backend!.reason).to.contain('maxPool2d is not supported on this device');
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
      expectSameFaces(detail.faces, await reference.detect(source.canvas), 0.02);
    });
  });

  describe('page visibility', () => {
    afterEach(() => executeServerCommand('page-visibility', { hidden: false }));

    itWithFakeCamera('stops detecting and disables the camera while the page is hidden, and resumes when it is shown', async () => {
      const element = createElement(() => undefined);
      await nextEvent(element, 'faces');
      const video = element.shadowRoot!.querySelector('video')!;
      const track = (video.srcObject as MediaStream).getVideoTracks()[0];

      const hidden = new Promise((resolve) => document.addEventListener('visibilitychange', resolve, { once: true }));
      await executeServerCommand('page-visibility', { hidden: true });
      await hidden;
      expect(document.visibilityState).to.equal('hidden');
      expect(video.paused, 'video paused').to.equal(true);
      expect(track.enabled, 'camera track disabled').to.equal(false);
      expect(track.readyState, 'but not released').to.equal('live');
      // A frame already in flight may still finish right after hiding.
      await delay(200);
      expect(await facesEventsDuring(element, 1000)).to.equal(0);

      const resumed = nextEvent(element, 'faces');
      await executeServerCommand('page-visibility', { hidden: false });
      await resumed;
      expect(document.visibilityState).to.equal('visible');
      expect(video.paused).to.equal(false);
      expect(track.enabled).to.equal(true);
      expect(element.state).to.equal('running');
    });

    itWithFakeCamera('does not start detecting when it starts on a hidden page, until the page is shown', async () => {
      await executeServerCommand('page-visibility', { hidden: true });
      expect(document.visibilityState).to.equal('hidden');
      const element = createElement(() => undefined);
      await element.ready;
      const video = element.shadowRoot!.querySelector('video')!;
      if (testBrowser.engine === 'webkit') {
        // WebKit holds getUserMedia() until the page is shown: the element waits for its camera.
        await delay(1000);
        expect(element.state).to.equal('loading');
      } else {
        // Chromium and Firefox open the camera on a hidden page: the element keeps it, disabled.
        await until(() => element.state === 'running', 'running');
        const track = (video.srcObject as MediaStream).getVideoTracks()[0];
        expect(track.enabled, 'camera track disabled').to.equal(false);
      }
      expect(await facesEventsDuring(element, 1000)).to.equal(0);

      const started = nextEvent(element, 'faces');
      await executeServerCommand('page-visibility', { hidden: false });
      await started;
      expect((video.srcObject as MediaStream).getVideoTracks()[0].enabled).to.equal(true);
    });
  });

  describe('aria-live summary', () => {
    it('says how many faces are in view, changing its text only when the count changes, at most every 1.5 s', async function () {
      this.timeout(180000);
      // Two clear faces (scores 0.9 and 0.8), so the count is steady from frame to frame.
      const source = streamOf(await loadImageData(twoFaces));
      const expected = (await reference.detect(source.canvas)).length;
      expect(expected, 'the photo has two faces').to.equal(2);
      const element = elementOn(source);
      await element.updateComplete;
      const region = element.shadowRoot!.querySelector('.announcer') as HTMLElement;
      expect(region.getAttribute('aria-live')).to.equal('polite');

      // Every text change, with the faces event of the frame that caused it (the text is set just before it).
      const log: { time: number; count: number; text: string }[] = [];
      element.addEventListener('faces', (event) => {
        log.push({ time: performance.now(), count: event.detail.faces.length, text: region.textContent ?? '' });
      });
      let mutations = 0;
      const observer = new MutationObserver((records) => (mutations += records.length));
      observer.observe(region, { childList: true, characterData: true, subtree: true });
      afterTest(() => observer.disconnect());
      await until(() => region.textContent === announcement(expected), `"${announcement(expected)}"`);

      // Faces come and go every 250 ms, for 10 s: far more often than the summary may change, and long enough
      // for a few changes where frames are slow (WebKit here).
      for (let i = 0; i < 40; i++) {
        source.showImage(i % 2 === 1);
        await delay(250);
      }
      source.showImage(false);
      await until(() => region.textContent === 'No faces in view', '"No faces in view"', 10000);
      observer.disconnect();

      const changes = log.filter((entry, index) => entry.text !== (index > 0 ? log[index - 1].text : ''));
      const countChanges = log.filter((entry, index) => index > 0 && entry.count !== log[index - 1].count).length;
      expect(changes.length, 'the summary kept up with the scene').to.be.greaterThan(2);
      expect(countChanges, 'and skipped changes faster than its interval').to.be.greaterThan(changes.length);
      for (const change of changes) expect(change.text, 'the text says that frame\'s count').to.equal(announcement(change.count));
      for (let i = 1; i < changes.length; i++) {
        expect(changes[i].time - changes[i - 1].time, `gap before "${changes[i].text}"`).to.be.at.least(1490);
      }
      expect(mutations, 'the text is never rewritten with the same count').to.equal(changes.length);
    });
  });

  describe('attributes', () => {
    it('min-score="0.99" removes weaker faces and max-faces="1" keeps the best', async () => {
      const source = streamOf(image);
      const all = await reference.detect(source.canvas);
      const element = elementOn(source);
      await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === all.length);

      element.setAttribute('max-faces', '1');
      const best = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === 1);
      expect(Math.abs(best.faces[0].score - all[0].score)).to.be.below(0.02);

      element.removeAttribute('max-faces');
      element.setAttribute('min-score', '0.99');
      const strong = all.filter((face) => face.score >= 0.99).length;
      expect(strong, 'the photo has faces under 0.99').to.be.below(all.length);
      await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === strong);
    });

    it('rejects bad values with an error event and keeps the last good setting', async () => {
      const source = streamOf(image);
      const element = elementOn(source);
      await nextEvent(element, 'faces');

      const modelError = nextEvent<BlazeFaceErrorDetail>(element, 'error');
      element.setAttribute('model', 'nope');
      const modelDetail = await modelError;
      expect(modelDetail.type).to.equal('invalid-attribute');
      expect(modelDetail.message).to.contain('model must be auto or one of short, full, front, back');
      expect(element.model).to.equal('short');

      const scoreError = nextEvent<BlazeFaceErrorDetail>(element, 'error');
      element.setAttribute('min-score', '2');
      const scoreDetail = await scoreError;
      expect(scoreDetail.message).to.contain('min-score must be a number from 0 to 1');
      expect(element.minScore).to.equal(undefined);
      await nextEvent(element, 'faces');
      expect(element.state).to.equal('running');
    });

    it('analyses an image src, and a broken src gives unsupported-source', async () => {
      const element = createElement((element) => {
        element.src = photo;
      });
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces');
      const expected = await reference.detect(image);
      expectSameFaces(detail.faces, expected, 1e-6);

      const error = nextEvent<BlazeFaceErrorDetail>(element, 'error');
      element.src = '/no/such/image.jpg';
      expect((await error).type).to.equal('unsupported-source');
      expect(element.state).to.equal('error');
    });

    it('switches model at run time without reloading', async () => {
      const element = createElement((element) => {
        element.src = photo;
      });
      await nextEvent(element, 'faces');
      const full = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } });
      const expected = await full.detect(image);
      full.dispose();
      element.model = 'full';
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces');
      expectSameFaces(detail.faces, expected, 1e-6);
      expect(countOpaque(overlayPixels(element))).to.be.greaterThan(0);
    });

    it('switches model while a stream is being analysed', async () => {
      const source = streamOf(image);
      const full = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } });
      const expected = await full.detect(source.canvas);
      full.dispose();
      const element = elementOn(source);
      await nextEvent(element, 'faces');
      // Frames follow each other without a gap here, so the switch catches one in flight on the old model.
      const ready = nextEvent(element, 'ready');
      element.model = 'full';
      await ready;
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces');
      expectSameFaces(detail.faces, expected, 0.02);
      expect(element.state).to.equal('running');
    });
  });
});
