// What runs the detector (native WebNN or the polyfill, and its engine), frames per second and per-frame
// latency, from the element's ready and faces events.
import type { BlazeFaceElement } from '../components/blaze-face.ts';

const window_ = 1000;

export function showStats(element: BlazeFaceElement, runtime: HTMLElement, stats: HTMLElement): void {
  let frames: number[] = [];
  element.addEventListener('ready', (event) => {
    const { implementation, engine } = event.detail.backend;
    runtime.textContent = implementation === 'native' ? `Native WebNN (${engine})` : `WebNN polyfill on ${engine}`;
  });
  element.addEventListener('error', (event) => {
    runtime.textContent = event.detail.message;
  });
  element.addEventListener('faces', (event) => {
    const now = performance.now();
    frames = frames.filter((time) => now - time < window_);
    frames.push(now);
    const { faces, latencyMs } = event.detail;
    // A photo is analysed once, so a rate would be meaningless there.
    const rate = element.src ? '' : ` · ${frames.length} fps`;
    stats.textContent = `${faces.length} face${faces.length === 1 ? '' : 's'} · ${latencyMs.toFixed(1)} ms per frame${rate}`;
  });
}
