// The polyfill's engines, one record each: everything else (the fallback order, which engines a context's
// options try, the GPU checks, what a context reports) reads it from here.
// Only TensorFlow.js itself is loaded on demand (tfjs-engines.ts imports it when an engine of its starts): the
// modules here are small, and a dynamically imported chunk that shares classes with the rest (PolyfillContext)
// would get a second copy of them on a dev server that serves a worker's entry under another URL (Vite's).
import type { PolyfillEngine, TfjsEngine } from '../types.ts';
import type { PolyfillContext } from './context.ts';
import { POLYFILL_ENGINES } from './engine-names.ts';
import { TfjsContext } from './tfjs-context.ts';
import { loadEngine } from './tfjs-engines.ts';
import { createWasmContext } from './wasm/context.ts';

export interface EngineRecord {
  /** Its name in createContext()'s `engine` option and in Backend.engine. */
  readonly name: PolyfillEngine;
  /** Whether it computes on a GPU: tried only for powerPreference 'high-performance', and checked for speed there. */
  readonly gpu: boolean;
  /** Starts the engine (once per page) and makes a context on it; rejects if it cannot run here. */
  createContext(): Promise<PolyfillContext>;
}

async function tfjsContext(engine: TfjsEngine): Promise<PolyfillContext> {
  return new TfjsContext(await loadEngine(engine), engine);
}

/**
 * In POLYFILL_ENGINES's order, from most to least capable; a failing engine falls back to the next one. `wasm`, our own engine, is the CPU
 * engine of choice: for a small ~100-op per-frame graph like BlazeFace it beats GPU engines, whose per-op
 * dispatch and read-back stalls dominate, and it neither competes with the page's rendering nor drains a
 * laptop's battery through the GPU. `tfjs-wasm` (XNNPACK) and `cpu` (plain JavaScript) remain behind it.
 */
const RECORDS: { readonly [name in PolyfillEngine]: Omit<EngineRecord, 'name'> } = {
  webgpu: { gpu: true, createContext: () => tfjsContext('webgpu') },
  webgl: { gpu: true, createContext: () => tfjsContext('webgl') },
  wasm: { gpu: false, createContext: createWasmContext },
  'tfjs-wasm': { gpu: false, createContext: () => tfjsContext('tfjs-wasm') },
  cpu: { gpu: false, createContext: () => tfjsContext('cpu') },
};
export const ENGINES: readonly EngineRecord[] = POLYFILL_ENGINES.map((name) => ({ name, ...RECORDS[name] }));

/** The record of `name`, or undefined for a name that is no engine. */
export function engineRecord(name: string): EngineRecord | undefined {
  return ENGINES.find((engine) => engine.name === name);
}

/** `name` and the engines after it: what a named engine falls back through. */
export function enginesFrom(name: PolyfillEngine): readonly EngineRecord[] {
  return ENGINES.slice(ENGINES.findIndex((engine) => engine.name === name));
}

/** The CPU engines, in fallback order. */
export const CPU_ENGINES: readonly EngineRecord[] = ENGINES.filter((engine) => !engine.gpu);
