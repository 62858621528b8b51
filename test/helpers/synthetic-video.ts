// Synthetic video for the tracking and smoothing tests: frames of a 640×480 canvas showing close-ups of the
// seed's one-face photo wherever a test puts them, as a camera would see people move.
import { FaceDetector } from '../../model/face-detector.ts';
import { loadImageData } from './fixtures.ts';

export const frameWidth = 640;
export const frameHeight = 480;
/** The frames' timing: 30 frames per second. */
export const frameMs = 1000 / 30;
/** Side of a close-up on the frame, in pixels; the face in it is about 85 px wide. */
export const tileSide = 180;

/** A close-up of the seed's face (its box, enlarged 2.2×, around its centre), found by `detector`. */
export async function faceCloseUp(detector: FaceDetector): Promise<OffscreenCanvas> {
  const image = await loadImageData('/test/fixtures/seed/1face.png');
  const [face] = await detector.detect(image);
  if (!face) throw new Error('the seed photo shows no face');
  const source = new OffscreenCanvas(image.width, image.height);
  source.getContext('2d')!.putImageData(image, 0, 0);
  const side = face.box.width * image.width * 2.2;
  const x = ((face.box.xMin + face.box.xMax) / 2) * image.width - side / 2;
  const y = ((face.box.yMin + face.box.yMax) / 2) * image.height - side / 2;
  const tile = new OffscreenCanvas(tileSide, tileSide);
  const context = tile.getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, x, y, side, side, 0, 0, tileSide, tileSide);
  return tile;
}

/** One frame: grey, with `tile` drawn with its top-left corner at each of `places` (pixels, fractions allowed). */
export function drawFrame(canvas: OffscreenCanvas, tile: OffscreenCanvas, places: readonly (readonly [number, number])[]): OffscreenCanvas {
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#777';
  context.fillRect(0, 0, canvas.width, canvas.height);
  for (const [x, y] of places) context.drawImage(tile, x, y);
  return canvas;
}

/** Uniform numbers in [-1, 1) from a fixed seed, so every run shakes the face the same way. */
export function seededShakes(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
}
