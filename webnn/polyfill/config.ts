// How the polyfill loads its engines, set by the page. A module of its own, so a page that only configures
// (and hands the settings to a worker, as WorkerFaceDetector does) loads none of the engine code.

export interface PolyfillConfig {
  /**
   * Folder (URL ending in '/') serving the wasm binaries: the polyfill's own engine's and tfjs-backend-wasm*.wasm.
   * Default: the binaries packaged with this module.
   */
  wasmPath?: string;
  /**
   * Threads for the tfjs-wasm engine (the polyfill's own wasm engine runs on one) when the page is cross-origin
   * isolated, used as they are. Default: measured, the
   * fastest of 1, 2 and 4 (up to navigator.hardwareConcurrency) on the first detector's graph (wasm-threads.ts).
   * 1 loads the single-threaded binary, which starts no workers of its own.
   */
  wasmThreads?: number;
  /** Let 'high-performance' choose WebGPU/WebGL on software adapters (SwiftShader, llvmpipe); the speed check still applies. Default false. */
  allowSoftwareGpu?: boolean;
}

const config: PolyfillConfig = {};

/** Sets where and how the polyfill loads its engines; call before the first wasm context is created. */
export function configurePolyfill(options: PolyfillConfig): void {
  Object.assign(config, options);
}

/** What configurePolyfill() has set, to hand on to a worker that runs its own engines. */
export function polyfillConfig(): PolyfillConfig {
  return { ...config };
}
