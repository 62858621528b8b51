// Loads TensorFlow.js core and exactly one backend per engine, on demand, with import(). tfjs-core keeps a
// single global registry, so each backend is initialised once per page and shared by all contexts on it.
import type { TfjsEngine } from '../types.ts';
import type { Tf } from './tf.ts';
import { polyfillConfig } from './config.ts';
import { maxWasmThreads, threadPoolWatcher, wasmEngineStarted } from './wasm-threads.ts';

/**
 * The wasm binaries packaged with this module, one literal `new URL(…, import.meta.url)` each: the pattern by
 * which bundlers find, copy and rewrite an asset, and by which an unbundled module finds it beside itself.
 */
function packagedWasmFiles(): Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string> {
  return {
    'tfjs-backend-wasm.wasm': new URL('../../assets/wasm/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('../../assets/wasm/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('../../assets/wasm/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href,
  };
}

const loading = new Map<TfjsEngine, Promise<Tf>>();
/**
 * Engines initialise one at a time: tf.setBackend() on an async backend (wasm, webgpu) leaves tfjs-core in a
 * "pending init" state in which every op throws, and two overlapping inits would race on the global backend.
 * For the same reason, don't dispatch on one engine while a context on another engine is still being created.
 */
let queue: Promise<unknown> = Promise.resolve();

/** tfjs's own name for an engine's backend. */
export function tfjsBackend(engine: TfjsEngine): string {
  return engine === 'tfjs-wasm' ? 'wasm' : engine;
}

async function initialise(engine: TfjsEngine): Promise<Tf> {
  const tf = await import('./tf.ts');
  const backend = tfjsBackend(engine);
  let setBackend = () => tf.setBackend(backend);
  let threaded = false;
  switch (engine) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      break;
    case 'webgpu': {
      // Checked first so a missing adapter fails fast instead of inside tfjs's backend factory.
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (!gpu || !(await gpu.requestAdapter())) throw new Error('webgpu: no GPU adapter');
      await import('@tensorflow/tfjs-backend-webgpu');
      break;
    }
    case 'tfjs-wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Serve the binaries from our own origin. tfjs picks tfjs-backend-wasm-threaded-simd.wasm by itself when
      // WebAssembly SIMD and threads are available, else -simd, else the plain binary; it sizes its XNNPACK
      // thread pool from setThreadsCount.
      wasm.setWasmPaths(polyfillConfig().wasmPath ?? packagedWasmFiles());
      // Threads need shared memory, which a cross-origin isolated page does not always have: WebKitGTK leaves
      // SharedArrayBuffer out unless told otherwise, and Firefox can switch shared memory off. tfjs's own check
      // (a SharedArrayBuffer posted, a threaded module validated) decides which binary it loads, so it decides here.
      // One configured thread needs no pool: the flag set false makes tfjs load its single-threaded binary, whose
      // module starts no workers (a detector worker falls back to it when its pool does not start in time).
      if (polyfillConfig().wasmThreads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      threaded = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') === true;
      if (threaded) {
        const max = maxWasmThreads(polyfillConfig().wasmThreads);
        // A configured count is used as it is; otherwise the engine starts on one thread and the first detector
        // measures which count runs fastest (wasm-threads.ts).
        wasm.setThreadsCount(polyfillConfig().wasmThreads === undefined ? 1 : max);
        // tfjs caps every pool at half of navigator.hardwareConcurrency (it assumes two hyper-threads per core),
        // so a 2-core machine would get 1 thread. Its wasm reads that number once, while the module initialises.
        setBackend = () => withLogicalCores(2 * max, () => tf.setBackend(backend));
      }
      break;
    }
  }
  // Every context switches the global backend to its own before it runs anything (see context.ts). The threaded
  // module starts its pool's workers while it initialises, and is up only once every one of them has loaded.
  if (threaded) threadPoolWatcher?.starting();
  const ok = await setBackend().finally(() => threaded && threadPoolWatcher?.settled());
  if (!ok) throw new Error(`${engine}: TensorFlow.js backend failed to initialise`);
  if (engine === 'tfjs-wasm') {
    const { registerWasmAddRelu } = await import('./wasm-add-relu.ts');
    registerWasmAddRelu(tf);
    const configured = polyfillConfig().wasmThreads;
    wasmEngineStarted(tf.findBackend('wasm'), threaded ? maxWasmThreads(configured) : 1, configured !== undefined);
  }
  return tf;
}

/** Runs `init` while navigator.hardwareConcurrency reads `cores` (an own property shadowing the getter). */
async function withLogicalCores<T>(cores: number, init: () => Promise<T>): Promise<T> {
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: cores, configurable: true });
  try {
    return await init();
  } finally {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/** Resolves with tfjs once `engine` is initialised; rejects if it cannot run here. */
export function loadEngine(engine: TfjsEngine): Promise<Tf> {
  let promise = loading.get(engine);
  if (!promise) {
    promise = queue.then(() => initialise(engine));
    queue = promise.catch(() => undefined);
    // A failure is not cached, so a later attempt (e.g. after a GPU reset) can retry.
    promise.catch(() => loading.delete(engine));
    loading.set(engine, promise);
  }
  return promise;
}
