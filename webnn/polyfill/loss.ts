// Engine loss detection for MLContext.lost: the WebGL canvas's webglcontextlost event and the WebGPU
// device's lost promise. CPU engines are never lost.
import type { PolyfillEngine } from '../types.ts';
import type { Tf } from './tf.ts';

interface WebGLBackendShape {
  gpgpu?: { gl?: { canvas?: EventTarget } };
}
interface WebGPUBackendShape {
  device?: { lost?: Promise<{ message?: string }> };
}

export function watchEngineLoss(tf: Tf, engine: PolyfillEngine, onLost: (message: string) => void): void {
  const backend: unknown = tf.findBackend(engine);
  if (engine === 'webgl') {
    const canvas = (backend as WebGLBackendShape | null)?.gpgpu?.gl?.canvas;
    canvas?.addEventListener('webglcontextlost', () => onLost('the WebGL context was lost'), { once: true });
  } else if (engine === 'webgpu') {
    void (backend as WebGPUBackendShape | null)?.device?.lost?.then((info) => onLost(`the WebGPU device was lost: ${info.message ?? ''}`));
  }
}
