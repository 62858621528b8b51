// The soak's page (tools/soak/run.mjs drives it): one <blaze-face> on its default path, a canvas stream into
// its worker, fed until it has processed `frames` frames. The canvas shows a seed photo for a while, then an
// empty scene (faces in and out of view); the model changes every `switchEvery` frames. Just before each
// switch, and at the end, the page samples the engine's live tensors and bytes (inside the worker) and the
// JS heap of the page and its detector worker.
import '../../components/index.ts';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { ModelName } from '../../model/model-specs.ts';

export interface SoakOptions {
  frames: number;
  switchEvery: number;
  models: ModelName[];
  /** Frames with the photo in view, then frames of an empty scene, repeated. */
  facesInView: number;
  facesOutOfView: number;
}

export interface SoakSample {
  frame: number;
  model: ModelName;
  tensors: number;
  engineBytes: number;
  /** The page and its detector worker (DevTools, after a collection), or the page alone (performance.memory). */
  heapBytes: number;
  heapSource: 'devtools' | 'performance.memory';
  /** Frames per second and frames with faces in the window that ended here. */
  fps: number;
  framesWithFaces: number;
}

async function heap(): Promise<Pick<SoakSample, 'heapBytes' | 'heapSource'>> {
  // From the runner over DevTools: the page's and the detector worker's used JS heap after a collection.
  // (measureUserAgentSpecificMemory() would wait 60 s for the wasm engine's threads, parked in Atomics.wait.)
  if (window.soakHeapBytes) return { heapBytes: await window.soakHeapBytes(), heapSource: 'devtools' };
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return { heapBytes: memory?.usedJSHeapSize ?? Number.NaN, heapSource: 'performance.memory' };
}

async function loadPhoto(url: string): Promise<ImageBitmap> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return createImageBitmap(await response.blob());
}

async function soak(options: SoakOptions): Promise<SoakSample[]> {
  const photo = await loadPhoto('/test/fixtures/seed/3faces.png');
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 480;
  const context = canvas.getContext('2d')!;
  const scale = Math.min(canvas.width / photo.width, canvas.height / photo.height);
  const paint = (visible: boolean) => {
    context.fillStyle = '#000';
    context.fillRect(0, 0, canvas.width, canvas.height);
    if (visible) {
      const width = photo.width * scale;
      const height = photo.height * scale;
      context.drawImage(photo, (canvas.width - width) / 2, (canvas.height - height) / 2, width, height);
    }
  };

  const element = document.createElement('blaze-face') as BlazeFaceElement;
  element.model = options.models[0]!;
  let frame = 0;
  let photoInView = true;
  // The window since the last sample: timed from its first result, so a new detector's loading is left out.
  let windowStart: number | undefined;
  let windowFrames = 0;
  let framesWithFaces = 0;
  let sampling = false;
  const samples: SoakSample[] = [];
  const done = new Promise<void>((resolve, reject) => {
    element.addEventListener('error', (event) => reject(new Error(`element error: ${JSON.stringify(event.detail)}`)));
    element.addEventListener('faces', async (event) => {
      if (sampling) return; // a frame already in flight when the element paused
      frame++;
      windowFrames++;
      windowStart ??= performance.now();
      if (event.detail.faces.length > 0) framesWithFaces++;
      photoInView = frame % (options.facesInView + options.facesOutOfView) < options.facesInView;
      if (frame % options.switchEvery !== 0 && frame !== options.frames) return;
      // Paused while sampling (measuring memory can take seconds), and sampled before the model switch, so
      // every sample measures a detector that has run a whole window.
      sampling = true;
      element.paused = true;
      const fps = ((windowFrames - 1) * 1000) / (performance.now() - windowStart);
      const engine = await element.engineMemory();
      const memory = await heap();
      samples.push({
        frame, model: element.activeModel, tensors: engine?.tensors ?? Number.NaN, engineBytes: engine?.bytes ?? Number.NaN,
        ...memory, fps, framesWithFaces,
      });
      console.log(`frame ${frame}: ${JSON.stringify(samples.at(-1))}`);
      windowStart = undefined;
      windowFrames = 0;
      framesWithFaces = 0;
      if (frame >= options.frames) return resolve();
      element.model = options.models[(frame / options.switchEvery) % options.models.length]!;
      element.paused = false;
      sampling = false;

    });
  });
  // The stream captures a frame only when the canvas was painted: paint every animation frame.
  let painting = true;
  const repaint = () => {
    if (!painting) return;
    paint(photoInView);
    requestAnimationFrame(repaint);
  };
  requestAnimationFrame(repaint);
  element.srcObject = canvas.captureStream(60);
  document.body.append(element);
  try {
    await done;
  } finally {
    painting = false;
    element.remove();
  }
  return samples;
}

declare global {
  interface Window {
    soak: typeof soak;
    soakReady: boolean;
    /** Set by tools/soak/run.mjs. */
    soakHeapBytes?: () => Promise<number>;
  }
}
window.soak = soak;
window.soakReady = true;
