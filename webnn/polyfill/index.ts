// Public surface of the TensorFlow.js-based WebNN polyfill.
import type { MLContext, PolyfillEngine } from '../types.ts';
import { PolyfillContext } from './context.ts';
import { loadEngine } from './engines.ts';

export { PolyfillGraphBuilder } from './builder.ts';
export { PolyfillContext } from './context.ts';
export { configurePolyfill, polyfillConfig, type PolyfillConfig } from './config.ts';
export { dispatchChoosingThreads, wasmThreads, type WasmThreads } from './wasm-threads.ts';

/** Creates a polyfill context on exactly `engine`; rejects if that engine cannot initialise here. */
export async function createPolyfillContext(engine: PolyfillEngine): Promise<PolyfillContext> {
  const tf = await loadEngine(engine);
  return new PolyfillContext(tf, engine);
}

export function isPolyfillContext(context: MLContext): context is PolyfillContext {
  return context instanceof PolyfillContext;
}

/**
 * Not in the spec: TensorFlow.js's live tensor count and bytes, for leak tests. The counters are page-wide
 * (all tfjs users and engines), so compare before/after on the same page.
 */
export function engineMemory(context: MLContext): { tensors: number; bytes: number } {
  if (!(context instanceof PolyfillContext)) throw new TypeError('engineMemory: not a polyfill context');
  context.activate();
  const memory = context.tf.memory();
  return { tensors: memory.numTensors, bytes: memory.numBytes };
}
