// Image sources a page can hand a detector that have no readable pixels, each with the InvalidImageError
// reason it must give. Shared by the FaceDetector/WorkerFaceDetector tests and the element's.
import type { InvalidImageReason } from '../../model/errors.ts';
import type { ImageSource } from '../../model/image-source.ts';

export interface BadSource {
  name: string;
  reason: InvalidImageReason;
  make(): Promise<ImageSource>;
}

function canvasOf(width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

/** A fixture image from the test server's other origin (127.0.0.1 vs localhost): no CORS, so it taints. */
export function crossOriginUrl(path: string): string {
  const other = location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  return `${location.protocol}//${other}:${location.port}${path}?corp=cross-origin`;
}

export async function loadedImage(url: string): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = url;
  await image.decode();
  return image;
}

export const badSources: BadSource[] = [
  { name: 'a zero-size canvas', reason: 'empty', make: async () => canvasOf(0, 0) },
  { name: 'a 20000×20000 canvas (over the browser limits)', reason: 'too-large', make: async () => canvasOf(20000, 20000) },
  { name: 'a 20000×20000 OffscreenCanvas', reason: 'too-large', make: async () => new OffscreenCanvas(20000, 20000) },
  {
    name: 'a closed ImageBitmap',
    reason: 'closed',
    make: async () => {
      const bitmap = await createImageBitmap(new ImageData(16, 16));
      bitmap.close();
      return bitmap;
    },
  },
  {
    name: 'a closed VideoFrame',
    reason: 'closed',
    make: async () => {
      const frame = new VideoFrame(canvasOf(16, 16), { timestamp: 0 });
      frame.close();
      return frame;
    },
  },
  { name: 'a video with no frame yet (readyState 0)', reason: 'not-loaded', make: async () => document.createElement('video') },
  {
    name: 'a cross-origin image without CORS (tainted)',
    reason: 'cross-origin',
    make: () => loadedImage(crossOriginUrl('/test/fixtures/seed/1face.png')),
  },
];
