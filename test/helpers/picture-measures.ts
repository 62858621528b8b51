// Measures of a picture read back in a test: how much fine detail a region has (a redacted face has almost none), and
// where a face's region is, in the 640×480 test streams' pixels.
import type { Face } from '../../model/face.ts';

export const [STREAM_WIDTH, STREAM_HEIGHT] = [640, 480];

/** The variance of the 4-neighbour Laplacian of the grey levels in a square around (x, y): how much fine detail is there. */
export function laplacianVariance(pixels: ImageData, x: number, y: number, radius: number): number {
  const grey = (px: number, py: number) => {
    const at = (py * pixels.width + px) * 4;
    return 0.299 * pixels.data[at]! + 0.587 * pixels.data[at + 1]! + 0.114 * pixels.data[at + 2]!;
  };
  const values: number[] = [];
  for (let py = Math.max(1, y - radius); py <= Math.min(pixels.height - 2, y + radius); py++) {
    for (let px = Math.max(1, x - radius); px <= Math.min(pixels.width - 2, x + radius); px++) {
      values.push(4 * grey(px, py) - grey(px - 1, py) - grey(px + 1, py) - grey(px, py - 1) - grey(px, py + 1));
    }
  }
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
}

/** The face's centre and a radius well inside its eyes-to-mouth box, in stream pixels. */
export function faceSpot(face: Face): { x: number; y: number; radius: number } {
  const { xMin, yMin, xMax, yMax } = face.box;
  return {
    x: Math.round(((xMin + xMax) / 2) * STREAM_WIDTH),
    y: Math.round(((yMin + yMax) / 2) * STREAM_HEIGHT),
    radius: Math.max(4, Math.round((xMax - xMin) * STREAM_WIDTH * 0.35)),
  };
}

/** A muted <video> added to the page, playing `stream` (play() is the caller's to await, or not); `remove()` it after. */
export function videoOf(stream: MediaStream): { video: HTMLVideoElement; playing: Promise<void> } {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.body.append(video);
  return { video, playing: video.play() };
}
