// Public surface of the WebNN polyfill.
import type { MLContext, PolyfillEngine } from '../types.ts';
import { PolyfillContext } from './context.ts';
import { engineRecord } from './engines.ts';

export { graphArena, type GraphArena } from './arena.ts';
export { PolyfillGraphBuilder } from './builder.ts';
export { PolyfillContext } from './context.ts';
export { configurePolyfill, polyfillConfig, type PolyfillConfig } from './config.ts';
export { CPU_ENGINES, ENGINES, enginesFrom, engineRecord, type EngineRecord } from './engines.ts';
export { dispatchChoosingThreads, wasmThreads, type WasmThreads } from './wasm-threads.ts';

/** Creates a polyfill context on exactly `engine`; rejects if that engine cannot initialise here. */
export function createPolyfillContext(engine: PolyfillEngine): Promise<PolyfillContext> {
  const record = engineRecord(engine);
  if (!record) return Promise.reject(new TypeError(`createContext: unknown engine "${String(engine)}"`));
  return record.createContext();
}

export function isPolyfillContext(context: MLContext): context is PolyfillContext {
  return context instanceof PolyfillContext;
}

/**
 * Not in the spec: the engine's live tensor count and bytes, for leak tests. On TensorFlow.js's engines the
 * counters are page-wide (all tfjs users and engines), so compare before/after on the same page.
 */
export function engineMemory(context: MLContext): { tensors: number; bytes: number } {
  if (!(context instanceof PolyfillContext)) throw new TypeError('engineMemory: not a polyfill context');
  return context.memory();
}
