// What runs the detector (native WebNN or the polyfill, and its engine), and how fast: for video, frames per
// second and the latency per frame, from the element's faces events; for a photo, the time of a steady-state
// call (the photo's first call also builds the engine's kernels, so its time says little about the next one).
import type { BlazeFaceElement } from '../components/blaze-face.ts';

const window_ = 1000;

const faceCount = (count: number) => `${count} face${count === 1 ? '' : 's'}`;

/** How long detect() takes on the photo at `url` once warm: the second of two calls, in milliseconds. */
async function steadyPhotoMs(element: BlazeFaceElement, url: string): Promise<number> {
  const photo = await createImageBitmap(await (await fetch(url)).blob());
  try {
    await element.detect(photo);
    const started = performance.now();
    await element.detect(photo);
    return performance.now() - started;
  } finally {
    photo.close();
  }
}

export function showStats(element: BlazeFaceElement, runtime: HTMLElement, stats: HTMLElement): void {
  let frames: number[] = [];
  let photoTimed: string | undefined;
  element.addEventListener('ready', (event) => {
    const { implementation, engine } = event.detail.backend;
    runtime.textContent = implementation === 'native' ? `Native WebNN (${engine})` : `WebNN polyfill on ${engine}`;
  });
  element.addEventListener('error', (event) => {
    runtime.textContent = event.detail.message;
  });
  element.addEventListener('faces', (event) => {
    const { faces, latencyMs, model } = event.detail;
    const url = element.src;
    if (url) {
      // A photo is analysed once: no rate, and its time is measured again once warm.
      const shown = `${faceCount(faces.length)} · ${model} model`;
      stats.textContent = shown;
      photoTimed = url;
      void steadyPhotoMs(element, url).then(
        (ms) => {
          if (photoTimed === url && element.src === url) stats.textContent = `${shown} · ${ms.toFixed(1)} ms`;
        },
        () => undefined,
      );
      return;
    }
    photoTimed = undefined;
    const now = performance.now();
    frames = frames.filter((time) => now - time < window_);
    frames.push(now);
    stats.textContent = `${faceCount(faces.length)} · ${model} model · ${latencyMs.toFixed(1)} ms per frame · ${frames.length} fps`;
  });
}
