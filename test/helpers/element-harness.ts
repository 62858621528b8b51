// What the <blaze-face> element tests share: a canvas stream of a test photo (the element's video source), the
// element styled so its overlay pixels can be checked, the overlay's pixels read back, and face comparison.
// useElementSources() gives a suite streams and elements that are stopped and removed after each of its tests.
import { expect } from 'chai';
import '../../components/index.ts';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { Face } from '../../model/face.ts';
import { FaceDetector } from '../../model/face-detector.ts';
import { loadImageData } from './fixtures.ts';
import { delay } from './waits.ts';

/** The element tests' photo (faces near the camera) and one with two clear faces. */
export const photo = '/node_modules/@vladmandic/face-api/demo/sample2.jpg';
export const twoFaces = '/node_modules/@vladmandic/face-api/demo/sample3.jpg';

/**
 * For the suite it is called in: the photo's pixels and the in-page detector whose faces the element's are
 * compared with, loaded before its tests and disposed after them.
 */
export function usePhotoReference(): { readonly image: ImageData; readonly reference: FaceDetector } {
  const sample = {} as { image: ImageData; reference: FaceDetector };
  before(async () => {
    sample.image = await loadImageData(photo);
    sample.reference = await FaceDetector.create({ context: { engine: 'wasm' } });
  });
  after(() => sample.reference.dispose());
  return sample;
}

/** How many faces events `element` fires during `ms` milliseconds. */
export async function facesEventsDuring(element: HTMLElement, ms: number): Promise<number> {
  let count = 0;
  const listener = () => count++;
  element.addEventListener('faces', listener);
  await delay(ms);
  element.removeEventListener('faces', listener);
  return count;
}

/**
 * The element's canvas once what it painted has been presented. Read at once after a result, Debian's Chromium
 * under load now and then returns the canvas with the result's frame drawn but not what was painted over it in the
 * same task (seen for a held mask, read back correct 30 ms later); what is presented is the whole paint.
 */
export async function presentedPixels(element: BlazeFaceElement): Promise<ImageData> {
  for (let frame = 0; frame < 2; frame++) await new Promise(requestAnimationFrame);
  return overlayPixels(element);
}

export function overlayPixels(element: BlazeFaceElement): ImageData {
  const canvas = element.shadowRoot!.querySelector('canvas')!;
  return canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
}

/** Whether any pixel within `radius` of (x, y) (canvas pixels) has the box colour. */
export function boxColoredNear(pixels: ImageData, x: number, y: number, radius = 3): boolean {
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

export function countOpaque(pixels: ImageData): number {
  let count = 0;
  for (let i = 3; i < pixels.data.length; i += 4) if (pixels.data[i] > 0) count++;
  return count;
}

/** The box colour the elements of these tests draw in (a colour no test photo has). */
export const boxColor = [255, 0, 255] as const;

export type PaintedStream = ReturnType<typeof paintedStream>;

/**
 * A 640x480 canvas showing `image` letterboxed, repainted every 30 ms so its stream keeps producing frames;
 * `showImage(false)` paints it black instead (a scene without faces) until `showImage(true)`.
 */
export function paintedStream(image: ImageData): {
  stream: MediaStream;
  canvas: HTMLCanvasElement;
  showImage(visible: boolean): void;
  stop(): void;
} {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 480;
  const context = canvas.getContext('2d')!;
  const bitmapCanvas = new OffscreenCanvas(image.width, image.height);
  bitmapCanvas.getContext('2d')!.putImageData(image, 0, 0);
  const scale = Math.min(640 / image.width, 480 / image.height);
  let visible = true;
  const paint = () => {
    context.fillStyle = '#000';
    context.fillRect(0, 0, 640, 480);
    if (!visible) return;
    const width = image.width * scale;
    const height = image.height * scale;
    context.drawImage(bitmapCanvas, (640 - width) / 2, (480 - height) / 2, width, height);
  };
  paint();
  const timer = setInterval(paint, 30);
  const stream = canvas.captureStream(30);
  return {
    stream,
    canvas,
    showImage: (show) => {
      visible = show;
      paint();
    },
    stop: () => (clearInterval(timer), stream.getTracks().forEach((track) => track.stop())),
  };
}

/** A <blaze-face> styled for these tests, configured by `setup` and added to `page` (this page by default). */
export function createElement(setup: (element: BlazeFaceElement) => void, page: Document = document): BlazeFaceElement {
  const element = page.createElement('blaze-face');
  element.style.width = '640px';
  element.style.height = '480px';
  element.style.setProperty('--blaze-face-box-color', `rgb(${boxColor.join(',')})`);
  element.style.setProperty('--blaze-face-line-width', '4');
  // The short model, which the references of these tests use (unless `setup` sets another); auto's own choice
  // is tested in auto-model.test.ts.
  element.model = 'short';
  setup(element);
  page.body.append(element);
  return element;
}

/**
 * A same-origin frame whose permissions policy keeps the camera from it (`allow="camera 'none'"`), with
 * <blaze-face> defined inside: there every browser's getUserMedia rejects with NotAllowedError, as it does
 * when a person refuses the camera. `remove()` takes the frame away (the tests give it to useElementSources' afterTest).
 */
export async function frameRefusingCamera(): Promise<{ document: Document; remove(): void }> {
  const frame = document.createElement('iframe');
  frame.allow = "camera 'none'";
  frame.src = '/test/helpers/camera-refused-frame.html';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const page = frame.contentDocument!;
  await frame.contentWindow!.customElements.whenDefined('blaze-face');
  return { document: page, remove: () => frame.remove() };
}


export function expectSameFaces(actual: readonly Face[], expected: readonly Face[], tolerance: number): void {
  expect(actual.length, 'face count').to.equal(expected.length);
  expected.forEach((face, index) => {
    for (const key of ['xMin', 'yMin', 'xMax', 'yMax'] as const) {
      expect(Math.abs(actual[index].box[key] - face.box[key]), `face ${index} ${key}`).to.be.below(tolerance);
    }
  });
}


/** For the suite it is called in: painted streams and elements on them, stopped and removed after each test. */
export function useElementSources(): {
  streamOf(picture: ImageData): PaintedStream;
  elementOn(source: PaintedStream, setup?: (element: BlazeFaceElement) => void): BlazeFaceElement;
  afterTest(step: () => void): void;
} {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const step of cleanup.splice(0)) step();
    document.querySelectorAll('blaze-face').forEach((element) => element.remove());
  });
  return {
    /** A painted stream of `picture`, stopped after the test. */
    streamOf(picture) {
      const source = paintedStream(picture);
      cleanup.push(source.stop);
      return source;
    },
    /** An element analysing `source`, configured first by `setup`. */
    elementOn(source, setup = () => undefined) {
      return createElement((element) => {
        setup(element);
        element.srcObject = source.stream;
      });
    },
    /** Runs `step` after the test, with the streams' and elements' clean-up. */
    afterTest(step) {
      cleanup.push(step);
    },
  };
}
