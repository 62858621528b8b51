// <blaze-face redact> in a real page: the picture shown is the redacted one, never the raw media element; the
// faces are hidden (filled, blurred or pixelated) and the rest of the picture is untouched; a face that drops out
// stays hidden for redact-hold; before the first result and while the detector is rebuilt nothing of the picture is
// shown raw; snapshots are redacted.
import { expect } from 'chai';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { BlazeFaceFacesDetail } from '../../components/events.ts';
import type { Face } from '../../model/face.ts';
import { FaceDetector } from '../../model/face-detector.ts';
import { overlayPixels, presentedPixels, usePhotoReference, useElementSources } from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { delay, until } from '../helpers/waits.ts';

const fill = [0, 255, 0] as const;

/** Where the face's keypoints land on the element's canvas (the stream is 640×480, shown at the element's size). */
function keypointPixels(pixels: ImageData, face: Face): [number, number][] {
  const scale = pixels.width / 640;
  return face.keypoints.map((point) => [Math.round(point.x * 640 * scale), Math.round(point.y * 480 * scale)]);
}

function pixelAt(pixels: ImageData, x: number, y: number): number[] {
  const at = (y * pixels.width + x) * 4;
  return [...pixels.data.subarray(at, at + 4)];
}

const isFill = ([r, g, b, a]: number[]) => a! > 250 && r! < 30 && g! > 225 && b! < 30;

/** The mean absolute difference between horizontal neighbours in a square around (x, y): how sharp the picture is there. */
function sharpness(pixels: ImageData, x: number, y: number, radius: number): number {
  let sum = 0;
  let count = 0;
  for (let py = y - radius; py <= y + radius; py++) {
    for (let px = x - radius; px < x + radius; px++) {
      const a = pixelAt(pixels, px, py);
      const b = pixelAt(pixels, px + 1, py);
      sum += Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!) + Math.abs(a[2]! - b[2]!);
      count++;
    }
  }
  return sum / count;
}

describe('<blaze-face> redaction', function () {
  const sample = usePhotoReference();
  const { streamOf, elementOn } = useElementSources();
  /** The model that finds the most faces, small ones included: a redacted picture must give it none. */
  let full: FaceDetector;
  before(async () => (full = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } })));
  after(() => full.dispose());

  /**
   * The faces the full model still finds, with a score of 0.5 or more, in the element's redacted snapshot (the
   * picture that leaves the device, checked for faces left by the element's own detector).
   */
  async function facesLeft(element: BlazeFaceElement): Promise<number> {
    const snapshot = await createImageBitmap(await element.redactedSnapshot());
    const faces = await full.detect(snapshot, { settings: { minScore: 0.5 } });
    snapshot.close();
    return faces.length;
  }

  function redacting(mode: string, setup: (element: BlazeFaceElement) => void = () => undefined) {
    const source = streamOf(sample.image);
    const element = elementOn(source, (element) => {
      // The full model: the one whose faces a redacted picture is checked for (the short one misses this photo's far faces).
      element.model = 'full';
      element.setAttribute('redact', mode);
      element.style.setProperty('--blaze-face-redact-color', `rgb(${fill.join(',')})`);
      setup(element);
    });
    return { source, element };
  }

  it('fills every face and shows the rest of the picture as it is, never the media element', async () => {
    const { source, element } = redacting('fill');
    const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    await element.updateComplete;
    const video = element.shadowRoot!.querySelector('video')!;
    expect(getComputedStyle(video).visibility, 'the raw video').to.equal('hidden');
    const pixels = await presentedPixels(element);
    for (const face of detail.faces) {
      for (const [x, y] of keypointPixels(pixels, face)) expect(isFill(pixelAt(pixels, x, y)), `keypoint at ${x}, ${y}`).to.equal(true);
    }
    // Far from the faces: the picture itself (the stream's canvas, scaled to the element's).
    const scale = pixels.width / 640;
    const raw = source.canvas.getContext('2d')!.getImageData(20, 20, 1, 1).data;
    const shown = pixelAt(pixels, Math.round(20 * scale), Math.round(20 * scale));
    expect(shown[3], 'opaque').to.equal(255);
    for (let channel = 0; channel < 3; channel++) expect(Math.abs(shown[channel]! - raw[channel]!), `channel ${channel}`).to.be.below(24);

    const snapshot = await createImageBitmap(await element.snapshot());
    const context = new OffscreenCanvas(640, 480).getContext('2d')!;
    context.drawImage(snapshot, 0, 0);
    const snapped = context.getImageData(0, 0, 640, 480);
    for (const [x, y] of keypointPixels(snapped, detail.faces[0]!)) expect(isFill(pixelAt(snapped, x, y)), `snapshot keypoint at ${x}, ${y}`).to.equal(true);
    expect((await full.detect(source.canvas, { settings: { minScore: 0.5 } })).length, 'faces in the source').to.be.greaterThan(0);
    expect(await facesLeft(element), 'faces the full model finds in the redacted picture').to.equal(0);
  });

  for (const mode of ['blur', 'pixelate']) {
    it(`${mode} leaves a face region far less sharp than the picture's`, async () => {
      const { source, element } = redacting(mode);
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
      const pixels = overlayPixels(element);
      const scale = pixels.width / 640;
      const raw = source.canvas.getContext('2d')!.getImageData(0, 0, 640, 480);
      const face = detail.faces[0]!;
      const [x, y] = [(face.box.xMin + face.box.xMax) / 2 * 640, (face.box.yMin + face.box.yMax) / 2 * 480];
      const radius = Math.max(4, Math.round((face.box.xMax - face.box.xMin) * 640 * 0.3));
      const before = sharpness(raw, Math.round(x), Math.round(y), radius);
      const after = sharpness(pixels, Math.round(x * scale), Math.round(y * scale), Math.round(radius * scale));
      expect(before, 'the photo is sharp there').to.be.greaterThan(2);
      expect(after / scale, `${mode}: ${after.toFixed(2)} against ${before.toFixed(2)}`).to.be.below(before / 3);
      expect(await facesLeft(element), 'faces the full model finds in the redacted picture').to.equal(0);
    });
  }

  it('keeps a face that drops out hidden for redact-hold, then shows the picture', async () => {
    const { source, element } = redacting('fill', (element) => element.setAttribute('redact-hold', '3'));
    const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    source.showImage(false);
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === 0);
    const held = await presentedPixels(element);
    for (const [x, y] of keypointPixels(held, detail.faces[0]!)) expect(isFill(pixelAt(held, x, y)), `held at ${x}, ${y}`).to.equal(true);
    element.setAttribute('redact-hold', '0');
    await element.updateComplete;
    await nextEvent(element, 'faces');
    const released = overlayPixels(element);
    const [x, y] = keypointPixels(released, detail.faces[0]!)[2]!;
    expect(isFill(pixelAt(released, x, y)), 'no face, no hold: the (black) picture').to.equal(false);
  });

  it('hides the whole picture while its detector is rebuilt', async () => {
    const { element } = redacting('fill');
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    element.engine = 'wasm'; // a new detector: no face is known until it answers
    await until(() => element.state === 'loading', 'loading');
    const pixels = overlayPixels(element);
    let [raw, hidden] = [0, 0];
    for (let i = 0; i < pixels.data.length; i += 4) {
      const pixel = [...pixels.data.subarray(i, i + 4)];
      if (isFill(pixel)) hidden++;
      else if (pixel[3]! > 0) raw++;
    }
    expect(raw, 'pixels of the picture shown').to.equal(0);
    expect(hidden, 'the picture, hidden whole').to.be.greaterThan(pixels.data.length / 4 / 2);
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
  });

  it('shows nothing of the picture raw before its first result', async () => {
    const { element } = redacting('fill');
    await element.updateComplete;
    const video = element.shadowRoot!.querySelector('video')!;
    // The moment the source has its first frame, the detector may not have answered: the picture is not shown.
    await new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true }));
    expect(getComputedStyle(video).visibility).to.equal('hidden');
    const pixels = overlayPixels(element);
    let raw = 0;
    for (let i = 0; i < pixels.data.length; i += 4) if (pixels.data[i + 3]! > 0 && !isFill([...pixels.data.subarray(i, i + 4)])) raw++;
    expect(raw, 'pixels neither empty nor hidden').to.equal(0);
    await nextEvent(element, 'faces');
    await delay(0);
  });
});
