// A synthetic video for the redaction tests: a 640×480 canvas, captured as a MediaStream, on which two of the
// seed's faces move across 300 frames on a plain grey background, as the script below says:
// - "steady" (the one-face seed photo) crosses the upper half at a constant speed;
// - "jumper" (the middle face of the three-face seed photo) drifts in the lower half, jumps 210 px at frame 90,
//   then slides out of the picture by its left edge, stays out, slides back in and drifts again.
// Each frame carries its index in a code of black and white blocks in the bottom-right corner, far from the
// faces' paths (and from their padded, held masks), so that a frame taken from the redacted output (a canvas, a
// captured stream) can be mapped back to the frame drawn, and so to where its faces are. A frame whose code cannot
// be read is one whose corner is hidden: for a redacted output, that must be the whole picture hidden.
// The faces' regions are the seed's own detections (its PyTorch front model, test/fixtures/seed/reference.json),
// not this project's: they are known from how the video is made.
import { loadImageData, seedReference } from './fixtures.ts';

export const syntheticWidth = 640;
export const syntheticHeight = 480;
export const syntheticFrameCount = 300;
/** Side of a face's close-up on the frame, in pixels; the face (the seed's box) in it is about 73 px across. */
const tileSide = 160;
/** The close-up is this many times the face box's larger side, around the box's centre. */
const cropScale = 2.2;
const background = '#777';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A face of a frame: its region on the picture (it may reach past the picture's edges). */
export interface KnownFace {
  name: string;
  region: Rect;
}

/** The code: 9 bits (0…511) in a row of blocks, their complements in the row below (so any doubt reads as unreadable). */
const codeBits = 9;
const codeCell = 12;
const codeLeft = syntheticWidth - 4 - codeBits * codeCell;
const codeTop = syntheticHeight - 4 - 2 * codeCell;
/** The corner the code takes: no face's path (nor mask) comes near it. */
export const codeRect: Rect = { x: codeLeft, y: codeTop, width: codeBits * codeCell, height: 2 * codeCell };

const lerp = (from: number, to: number, t: number) => from + (to - from) * t;
/** `from`→`to` over frames [start, end], linearly. */
const along = (index: number, start: number, end: number, from: number, to: number) => lerp(from, to, (index - start) / (end - start));

/** The lower face's height: its mask, even held and grown half as much again, stays above the code. */
const band = 180;

/** Where each face's close-up has its top-left corner in frame `index`, or null while it is out of the picture. */
function placements(index: number): { steady: [number, number]; jumper: [number, number] | null } {
  const steady: [number, number] = [along(index, 0, 299, 30, 450), along(index, 0, 299, 20, 40)];
  let jumper: [number, number] | null;
  if (index < 90) jumper = [along(index, 0, 89, 420, 330), band];
  else if (index < 140) jumper = [along(index, 90, 139, 120, 70), band]; // the jump: 210 px left at frame 90
  else if (index < 180) jumper = [along(index, 140, 179, 70, -170), band]; // out by the left edge, 6 px a frame
  else if (index < 220) jumper = null; // gone
  else if (index < 260) jumper = [along(index, 220, 259, -170, 70), band]; // back in by the same edge
  else jumper = [along(index, 260, 299, 70, 110), band];
  return { steady, jumper };
}

/** A part of the picture read back (from an ImageData, a canvas…), with its size. */
export interface PixelReader {
  width: number;
  height: number;
  /** The pixels of a rectangle of the picture (within it), as RGBA. */
  read(x: number, y: number, width: number, height: number): ImageData;
}

/** A reader over pixels already read. */
export function imageDataReader(pixels: ImageData): PixelReader {
  return {
    width: pixels.width,
    height: pixels.height,
    read(x, y, width, height) {
      if (x === 0 && y === 0 && width === pixels.width && height === pixels.height) return pixels;
      const part = new ImageData(width, height);
      for (let row = 0; row < height; row++) {
        const from = ((y + row) * pixels.width + x) * 4;
        part.data.set(pixels.data.subarray(from, from + width * 4), row * width * 4);
      }
      return part;
    },
  };
}

/** A reader of a 2D canvas, reading only the rectangles it is asked for. */
export function canvasReader(canvas: HTMLCanvasElement | OffscreenCanvas): PixelReader {
  const context = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  return { width: canvas.width, height: canvas.height, read: (x, y, width, height) => context.getImageData(x, y, width, height) };
}

/** The hidden colour: RGB, and how far each channel may be from it (a stream's colour conversion moves it a little). */
export interface FillColor {
  rgb: readonly [number, number, number];
  tolerance: number;
}

/** What one output frame shows. */
export interface OutputFrameCheck {
  /** The input frame it was made from, or 'unreadable' (its code is hidden or garbled). */
  index: number | 'unreadable';
  /** Each face visible in that input frame: its region's pixels inside the picture and the fraction hidden. */
  faces: { name: string; pixels: number; hidden: number }[];
  /** For an unreadable frame: the fraction of the whole picture that is hidden (filled, or blank: see check()). */
  wholeHidden?: number;
}

export interface SyntheticFacesVideo {
  stream: MediaStream;
  canvas: HTMLCanvasElement;
  readonly frameCount: number;
  /** The frame on the canvas now. */
  readonly index: number;
  /** Draws frame `index` (clamped to the last); the canvas is also redrawn every 33 ms, so the stream keeps going. */
  show(index: number): void;
  /** The faces in frame `index`, in picture pixels (regions may reach past the picture), those out of it left out. */
  facesIn(index: number): KnownFace[];
  /**
   * Reads an output frame of any size with the picture's aspect ratio: its index, and how hidden each face's region
   * is (filled). A frame without a readable code is measured whole, where `blank` pixels count as hidden too:
   * 'transparent' ones (a canvas with nothing drawn there) or 'black' ones (a stream's frame with nothing drawn).
   */
  check(frame: PixelReader, fill: FillColor, options?: { blank?: 'transparent' | 'black' }): OutputFrameCheck;
  stop(): void;
}

/** The close-up of one seed face (`faceAt`: 0 is its leftmost), `tileSize` pixels square, and the face's region in it. */
export async function closeUp(file: string, faceAt: number, tileSize = tileSide): Promise<{ tile: OffscreenCanvas; face: Rect }> {
  const [image, reference] = await Promise.all([loadImageData(`/test/fixtures/seed/${file}`), seedReference()]);
  const detections = reference.detections[file]!.front;
  // The seed's faces left to right: `faceAt` picks one.
  const [ymin, xmin, ymax, xmax] = [...detections].sort((a, b) => a[1]! - b[1]!)[faceAt]!.map((value) => value * image.width);
  const side = cropScale * Math.max(xmax! - xmin!, ymax! - ymin!);
  const [left, top] = [(xmin! + xmax!) / 2 - side / 2, (ymin! + ymax!) / 2 - side / 2];
  const source = new OffscreenCanvas(image.width, image.height);
  source.getContext('2d')!.putImageData(image, 0, 0);
  const tile = new OffscreenCanvas(tileSize, tileSize);
  const context = tile.getContext('2d')!;
  context.fillStyle = background;
  context.fillRect(0, 0, tileSize, tileSize);
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, left, top, side, side, 0, 0, tileSize, tileSize);
  const scale = tileSize / side;
  return { tile, face: { x: (xmin! - left) * scale, y: (ymin! - top) * scale, width: (xmax! - xmin!) * scale, height: (ymax! - ymin!) * scale } };
}

/** The code's bits for `index`, drawn on `context`. */
function drawCode(context: CanvasRenderingContext2D, index: number): void {
  context.fillStyle = '#808080';
  context.fillRect(codeRect.x - 4, codeRect.y - 4, codeRect.width + 8, codeRect.height + 8);
  for (let bit = 0; bit < codeBits; bit++) {
    const one = ((index >> bit) & 1) === 1;
    context.fillStyle = one ? '#fff' : '#000';
    context.fillRect(codeLeft + bit * codeCell, codeTop, codeCell, codeCell);
    context.fillStyle = one ? '#000' : '#fff';
    context.fillRect(codeLeft + bit * codeCell, codeTop + codeCell, codeCell, codeCell);
  }
}

/** 1 for a white block, 0 for a black one, null for anything else (a fill, a blur, a garbled picture). */
function readCell(pixels: ImageData): 0 | 1 | null {
  let [low, high] = [255, 0];
  for (let i = 0; i < pixels.data.length; i += 4) {
    for (let channel = 0; channel < 3; channel++) {
      const value = pixels.data[i + channel]!;
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
  }
  if (high < 70) return 0;
  if (low > 185) return 1;
  return null;
}

/** The frame index an output frame's code says, or 'unreadable'. */
export function readFrameIndex(frame: PixelReader): number | 'unreadable' {
  const [sx, sy] = [frame.width / syntheticWidth, frame.height / syntheticHeight];
  // The middle of each block, a third of its side across, in the output's pixels.
  const half = Math.max(1, Math.round((codeCell / 6) * Math.min(sx, sy)));
  let index = 0;
  for (let bit = 0; bit < codeBits; bit++) {
    const cells: (0 | 1 | null)[] = [0, 1].map((row) => {
      const cx = Math.round((codeLeft + (bit + 0.5) * codeCell) * sx);
      const cy = Math.round((codeTop + (row + 0.5) * codeCell) * sy);
      return readCell(frame.read(cx - half, cy - half, 2 * half, 2 * half));
    });
    if (cells[0] === null || cells[1] === null || cells[0] === cells[1]) return 'unreadable';
    index |= cells[0] << bit;
  }
  return index < syntheticFrameCount ? index : 'unreadable';
}

/** The fraction of the output's pixels within `rect` (picture pixels, clipped to the picture) that are hidden, and how many. */
function hiddenIn(frame: PixelReader, rect: Rect, isHidden: (data: Uint8ClampedArray, at: number) => boolean): { pixels: number; hidden: number } {
  const [sx, sy] = [frame.width / syntheticWidth, frame.height / syntheticHeight];
  // Output pixels whose centres lie in the rectangle.
  const x0 = Math.max(0, Math.ceil(rect.x * sx - 0.5));
  const y0 = Math.max(0, Math.ceil(rect.y * sy - 0.5));
  const x1 = Math.min(frame.width, Math.ceil((rect.x + rect.width) * sx - 0.5));
  const y1 = Math.min(frame.height, Math.ceil((rect.y + rect.height) * sy - 0.5));
  if (x1 <= x0 || y1 <= y0) return { pixels: 0, hidden: 1 };
  const pixels = frame.read(x0, y0, x1 - x0, y1 - y0);
  let hidden = 0;
  for (let at = 0; at < pixels.data.length; at += 4) if (isHidden(pixels.data, at)) hidden++;
  const count = pixels.data.length / 4;
  return { pixels: count, hidden: hidden / count };
}

/** The synthetic video, showing frame 0; stop() it after use. */
export async function syntheticFacesVideo(): Promise<SyntheticFacesVideo> {
  const [steady, jumper] = await Promise.all([closeUp('1face.png', 0), closeUp('3faces.png', 1)]);
  const canvas = document.createElement('canvas');
  canvas.width = syntheticWidth;
  canvas.height = syntheticHeight;
  const context = canvas.getContext('2d')!;
  let current = 0;
  const paint = () => {
    context.fillStyle = background;
    context.fillRect(0, 0, syntheticWidth, syntheticHeight);
    const places = placements(current);
    context.drawImage(steady.tile, ...places.steady);
    if (places.jumper) context.drawImage(jumper.tile, ...places.jumper);
    drawCode(context, current);
  };
  paint();
  const stream = canvas.captureStream();
  const timer = setInterval(paint, 33);

  const facesIn = (index: number): KnownFace[] => {
    const places = placements(index);
    const faces: KnownFace[] = [];
    for (const [name, place, { face }] of [['steady', places.steady, steady], ['jumper', places.jumper, jumper]] as const) {
      if (!place) continue;
      const region = { x: place[0] + face.x, y: place[1] + face.y, width: face.width, height: face.height };
      const inside = region.x < syntheticWidth && region.y < syntheticHeight && region.x + region.width > 0 && region.y + region.height > 0;
      if (inside) faces.push({ name, region });
    }
    return faces;
  };

  return {
    stream,
    canvas,
    frameCount: syntheticFrameCount,
    get index() {
      return current;
    },
    show(index) {
      current = Math.max(0, Math.min(syntheticFrameCount - 1, Math.round(index)));
      paint();
    },
    facesIn,
    check(frame, fill, { blank } = {}) {
      const [r, g, b] = fill.rgb;
      const near = (value: number, target: number) => Math.abs(value - target) <= fill.tolerance;
      const isFill = (data: Uint8ClampedArray, at: number) => data[at + 3]! > 200 && near(data[at]!, r) && near(data[at + 1]!, g) && near(data[at + 2]!, b);
      const isBlank = {
        transparent: (data: Uint8ClampedArray, at: number) => data[at + 3]! < 16,
        black: (data: Uint8ClampedArray, at: number) => data[at]! < 16 && data[at + 1]! < 16 && data[at + 2]! < 16,
        none: () => false,
      }[blank ?? 'none'];
      const index = readFrameIndex(frame);
      if (index === 'unreadable') {
        const whole = hiddenIn(frame, { x: 0, y: 0, width: syntheticWidth, height: syntheticHeight }, (data, at) => isFill(data, at) || isBlank(data, at));
        return { index, faces: [], wholeHidden: whole.hidden };
      }
      return { index, faces: facesIn(index).map(({ name, region }) => ({ name, ...hiddenIn(frame, region, isFill) })) };
    },
    stop() {
      clearInterval(timer);
      stream.getTracks().forEach((track) => track.stop());
    },
  };
}
