// redact() in real browsers: no face the full model can find is left in the output, in any mode; outside the masks
// the picture is the source's to ±2 per channel; a phone's JPEG is turned upright by its EXIF orientation and none
// of its metadata (GPS, camera serial) is in the output; bad input and options give typed errors.
import { expect } from 'chai';
import { InvalidImageError, InvalidOptionError } from '../../model/errors.ts';
import { FaceDetector } from '../../model/face-detector.ts';
import type { Face } from '../../model/face.ts';
import { redact } from '../../model/redact-image.ts';
import { REDACTION_MIN_SCORE, Redactor, type RedactionMode } from '../../model/redactor.ts';
import { cameraSerial, containsText, withExif } from '../helpers/exif-jpeg.ts';
import { photo, twoFaces } from '../helpers/element-harness.ts';
import { fetchOk, seedFixtures, seedImages } from '../helpers/fixtures.ts';
import { rejection } from '../helpers/rejection.ts';

const green = [0, 255, 0] as const;
const fill = { mode: 'fill', color: `rgb(${green.join(',')})` } as const;
const pictures = [...seedImages.map((name) => `${seedFixtures}${name}`), photo, twoFaces, '/samples/sample.jpg'];

async function bitmapOf(url: string): Promise<ImageBitmap> {
  return createImageBitmap(await (await fetchOk(url)).blob());
}

function pixelsOf(image: CanvasImageSource & { width: number; height: number }): ImageData {
  const context = new OffscreenCanvas(image.width, image.height).getContext('2d', { willReadFrequently: true })!;
  context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, image.width, image.height);
}

async function pixelsOfBlob(blob: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(blob);
  const pixels = pixelsOf(bitmap);
  bitmap.close();
  return pixels;
}

const isGreen = (pixels: ImageData, x: number, y: number) => {
  const at = (Math.round(y) * pixels.width + Math.round(x)) * 4;
  return pixels.data[at]! < 30 && pixels.data[at + 1]! > 225 && pixels.data[at + 2]! < 30;
};

describe('redact()', function () {
  let full: FaceDetector;
  before(async () => (full = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } })));
  after(() => full.dispose());

  const facesAbove = async (image: ImageBitmap, score: number) => full.detect(image, { settings: { minScore: score } });

  for (const mode of ['blur', 'pixelate', 'fill'] as RedactionMode[]) {
    it(`${mode}: the full model finds no face (score ≥ 0.5) in the seed photos, the element's photos or the app's sample`, async () => {
      for (const url of pictures) {
        const source = await bitmapOf(url);
        const found = (await facesAbove(source, 0.5)).length;
        expect(found, `faces in ${url}`).to.be.greaterThan(0);
        const output = await redact(source, { mode, detector: full, output: 'bitmap' });
        expect([output.width, output.height], url).to.deep.equal([source.width, source.height]);
        const left = (await facesAbove(output, 0.5)).map((face) => face.score.toFixed(2));
        expect(left, `faces left in ${url} (of ${found})`).to.deep.equal([]);
        source.close();
        output.close();
      }
    });
  }

  for (const mode of ['fill', 'blur'] as RedactionMode[]) {
    it(`${mode}: outside the masks, the output is the source within ±2 per channel`, async () => {
      const source = await bitmapOf(twoFaces);
      // The faces redact() hides: those down to its own threshold.
      const faces: Face[] = await full.detect(source, { settings: { minScore: REDACTION_MIN_SCORE } });
      expect(faces.length).to.be.greaterThan(0);
      const output = await pixelsOfBlob(await redact(source, { mode, color: fill.color, detector: full }));
      const raw = pixelsOf(source);
      const masks = new Redactor().masks(faces, raw.width, raw.height, 0);
      /** Inside a mask or within 2 pixels of its edge (antialiasing). */
      const masked = (x: number, y: number) => masks.some(({ x: cx, y: cy, radiusX, radiusY, rotation }) => {
        const [dx, dy] = [x + 0.5 - cx, y + 0.5 - cy];
        const [u, v] = [dx * Math.cos(rotation) + dy * Math.sin(rotation), -dx * Math.sin(rotation) + dy * Math.cos(rotation)];
        return Math.hypot(u / (radiusX + 2), v / (radiusY + 2)) <= 1;
      });
      let compared = 0;
      let worst = 0;
      let hidden = 0;
      for (let y = 0; y < raw.height; y++) {
        for (let x = 0; x < raw.width; x++) {
          const at = (y * raw.width + x) * 4;
          if (masked(x, y)) {
            if (mode === 'fill' && isGreen(output, x, y)) hidden++;
            continue;
          }
          compared++;
          for (let c = 0; c < 4; c++) worst = Math.max(worst, Math.abs(output.data[at + c]! - raw.data[at + c]!));
        }
      }
      expect(compared, 'pixels outside the masks').to.be.greaterThan(raw.width * raw.height * 0.5);
      expect(worst, 'largest difference outside the masks').to.be.at.most(2);
      if (mode === 'fill') expect(hidden, 'filled pixels inside the masks').to.be.greaterThan(0);
      source.close();
    });
  }

  it('turns a phone JPEG upright by its EXIF orientation, and leaves none of its metadata in the output', async () => {
    const upright = await bitmapOf(photo);
    // Stored as a phone held sideways stores it: turned 90° counter-clockwise, with Orientation 6 (turn clockwise to view).
    const stored = new OffscreenCanvas(upright.height, upright.width);
    const storedContext = stored.getContext('2d')!;
    storedContext.setTransform(0, -1, 1, 0, 0, upright.width);
    storedContext.drawImage(upright, 0, 0);
    const jpeg = new Uint8Array(await (await stored.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer());
    const file = new Blob([withExif(jpeg, 6)], { type: 'image/jpeg' });
    const input = new Uint8Array(await file.arrayBuffer());
    expect(containsText(input, 'Exif') && containsText(input, cameraSerial), 'the input carries the metadata').to.equal(true);

    const faces = await full.detect(upright);
    expect(faces.length).to.be.greaterThan(0);
    for (const type of ['image/png', 'image/jpeg']) {
      const output = await redact(file, { ...fill, detector: full, type });
      expect(output.type).to.equal(type);
      const bytes = new Uint8Array(await output.arrayBuffer());
      expect(containsText(bytes, 'Exif'), `${type}: an EXIF segment`).to.equal(false);
      expect(containsText(bytes, cameraSerial), `${type}: the camera serial`).to.equal(false);
      expect(containsText(bytes, 'GPS'), `${type}: GPS`).to.equal(false);
      const pixels = await pixelsOfBlob(output);
      expect([pixels.width, pixels.height], `${type}: upright`).to.deep.equal([upright.width, upright.height]);
      // The upright photo's faces are where the output is hidden: it was detected and drawn upright.
      for (const face of faces) {
        for (const point of face.keypoints.slice(0, 4)) {
          expect(type === 'image/jpeg' || isGreen(pixels, point.x * pixels.width, point.y * pixels.height), `${type}: keypoint ${point.name}`).to.equal(true);
        }
      }
    }
    upright.close();
  });

  it('makes and disposes a full-model detector when none is given, and answers an ImageBitmap when asked', async () => {
    const source = await bitmapOf(twoFaces);
    const output = await redact(source, { output: 'bitmap' });
    expect(output).to.be.instanceOf(ImageBitmap);
    expect((await facesAbove(output, 0.5)).length).to.equal(0);
    output.close();
    source.close();
  });

  it('rejects what it cannot read or do with typed errors', async () => {
    const notAnImage = new Blob([new TextEncoder().encode('not an image')], { type: 'image/jpeg' });
    const unreadable = await rejection(redact(notAnImage, { detector: full }));
    expect(unreadable).to.be.instanceOf(InvalidImageError);
    expect((unreadable as InvalidImageError).reason).to.equal('unsupported');
    const source = await bitmapOf(seedFixtures + seedImages[0]);
    for (const [options, option] of [
      [{ mode: 'smudge' }, 'mode'], [{ padding: -1 }, 'padding'], [{ cells: 0 }, 'cells'], [{ quality: 2 }, 'quality'], [{ output: 'png' }, 'output'],
    ] as const) {
      const error = await rejection(redact(source, { ...(options as object), detector: full }));
      expect(error, JSON.stringify(options)).to.be.instanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).to.equal(option);
    }
    const empty = await rejection(redact(new OffscreenCanvas(0, 0), { detector: full }));
    expect(empty).to.be.instanceOf(InvalidImageError);
    source.close();
  });
});
