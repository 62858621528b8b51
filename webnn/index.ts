// blaze-face's entry to WebNN: a native context when the browser has a working one, otherwise the polyfill
// (our own wasm engine, or one of TensorFlow.js's); callers get the same MLContext/MLGraphBuilder interfaces either way.
import type {
  Backend, ML, MLContext, MLContextOptions, MLGraph, MLGraphBuilder, MLGraphBuilderConstructor, MLNamedTensors, PolyfillEngine,
} from './types.ts';
import {
  CPU_ENGINES, dispatchChoosingThreads, ENGINES, enginesFrom, engineRecord, isPolyfillContext, PolyfillGraphBuilder, wasmThreads,
  type EngineRecord, type PolyfillContext,
} from './polyfill/index.ts';

export * from './types.ts';
export { configurePolyfill, engineMemory, graphArena, polyfillConfig, type GraphArena, type PolyfillConfig } from './polyfill/index.ts';

export type CreateContextOptions = MLContextOptions & { engine?: PolyfillEngine | 'native' };

export interface CreatedContext extends Backend {
  context: MLContext;
}

/** Marks the ML object installPolyfill() puts on navigator, so it is never mistaken for a native one. */
const POLYFILL_ML = Symbol('blaze-face WebNN polyfill');

type GlobalWithWebNN = typeof globalThis & { MLGraphBuilder?: MLGraphBuilderConstructor };
type NavigatorWithWebNN = Navigator & { ml?: ML & { [POLYFILL_ML]?: true }; gpu?: { requestAdapter(): Promise<unknown> } };

function nativeML(): ML | undefined {
  const ml = (globalThis.navigator as NavigatorWithWebNN | undefined)?.ml;
  return ml && !ml[POLYFILL_ML] ? ml : undefined;
}

async function hasGpuAdapter(): Promise<boolean> {
  try {
    const gpu = (navigator as NavigatorWithWebNN).gpu;
    return Boolean(gpu && (await gpu.requestAdapter()));
  } catch {
    return false;
  }
}

/** The polyfill engines to try, in order, for the spec's context options. */
async function enginesFor(options: MLContextOptions): Promise<readonly EngineRecord[]> {
  // powerPreference wins over accelerated when they disagree (see MLContextOptions in types.ts).
  if (options.powerPreference === 'high-performance') {
    return (await hasGpuAdapter()) ? ENGINES : ENGINES.filter((engine) => engine.name !== 'webgpu');
  }
  // Everything else, default included, runs on the CPU engines (see engines.ts for why).
  return CPU_ENGINES;
}

async function firstWorkingEngine(engines: readonly EngineRecord[]): Promise<PolyfillContext> {
  const failures: string[] = [];
  for (const engine of engines) {
    try {
      return await engine.createContext();
    } catch (error) {
      failures.push(`${engine.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new DOMException(`No WebNN polyfill engine could start (${failures.join('; ')})`, 'NotSupportedError');
}

/** A polyfill context for spec options, choosing and falling back through engines. */
async function polyfillContextFor(options: CreateContextOptions): Promise<PolyfillContext> {
  const { engine } = options;
  // A named engine is forced: no software-adapter or speed check.
  if (engine && engine !== 'native') {
    if (!engineRecord(engine)) throw new TypeError(`createContext: unknown engine "${String(engine)}"`);
    return firstWorkingEngine(enginesFrom(engine));
  }
  const engines = await enginesFor(options);
  if (options.powerPreference !== 'high-performance') return firstWorkingEngine(engines);
  // Loaded only here: the default CPU path (a drop-in's first result) does without its bytes.
  const { usableGpuContext } = await import('./polyfill/gpu-choice.ts');
  const { context, refusals } = await usableGpuContext(engines);
  if (context) return context;
  const fallback = await firstWorkingEngine(CPU_ENGINES);
  fallback.reason = `high-performance runs on ${fallback.engine}: ${refusals.join('; ') || 'no GPU engine here'}`;
  return fallback;
}

/**
 * A WebNN context: native (`navigator.ml`) unless a polyfill engine is named or native WebNN is missing or
 * refuses (e.g. "not supported on this platform"); then the polyfill. `engine: 'native'` never falls back.
 */
export async function createContext(options: CreateContextOptions = {}): Promise<CreatedContext> {
  const { engine, ...specOptions } = options;
  if (engine === undefined || engine === 'native') {
    const ml = nativeML();
    if (ml) {
      try {
        return { context: await ml.createContext(specOptions), implementation: 'native', engine: 'webnn' };
      } catch (error) {
        if (engine === 'native') throw error;
      }
    } else if (engine === 'native') {
      throw new DOMException('This browser has no navigator.ml', 'NotSupportedError');
    }
  }
  const context = await polyfillContextFor(options);
  return { context, ...describeContext(context) };
}

/** A polyfill context for spec options (engines chosen as createContext() does), native WebNN not tried. */
export async function createPolyfillContextFor(options: MLContextOptions = {}): Promise<CreatedContext> {
  const context = await polyfillContextFor(options);
  return { context, ...describeContext(context) };
}

/** Which implementation and engine run `context`, and why (Backend.reason) when that is not the preferred one. */
export function describeContext(context: MLContext): Backend {
  if (!isPolyfillContext(context)) return { implementation: 'native', engine: 'webnn' };
  const threads = context.engine === 'wasm' ? 1 : context.engine === 'tfjs-wasm' ? wasmThreads()?.threads : undefined;
  return {
    implementation: 'polyfill',
    engine: context.engine,
    ...(threads ? { threads } : {}),
    ...(context.reason ? { reason: context.reason } : {}),
  };
}

/**
 * context.dispatch(graph, inputs, outputs); on the polyfill's tfjs-wasm engine, timed toward its choice of thread
 * count while that is open (polyfill/wasm-threads.ts). Not in the spec: a detector's dispatches go through here.
 */
export function dispatchGraph(context: MLContext, graph: MLGraph, inputs: MLNamedTensors, outputs: MLNamedTensors): void {
  if (isPolyfillContext(context) && context.engine === 'tfjs-wasm') {
    dispatchChoosingThreads(graph as MLGraph & { readonly destroyed: boolean }, () => context.dispatch(graph, inputs, outputs));
  } else {
    context.dispatch(graph, inputs, outputs);
  }
}

/** A graph builder for `context`, native or polyfill to match it. */
export function createGraphBuilder(context: MLContext): MLGraphBuilder {
  if (isPolyfillContext(context)) return new PolyfillGraphBuilder(context);
  const Native = (globalThis as GlobalWithWebNN).MLGraphBuilder;
  if (!Native) throw new TypeError('createGraphBuilder: this native context has no MLGraphBuilder constructor');
  return new Native(context);
}

/**
 * Installs the polyfill as navigator.ml and globalThis.MLGraphBuilder, but only when the browser has no
 * working WebNN (missing, or createContext() rejects). Resolves with whether it installed.
 */
export async function installPolyfill(): Promise<boolean> {
  const ml = nativeML();
  if (ml) {
    try {
      (await ml.createContext()).destroy();
      return false;
    } catch {
      // Present but unusable here: replace it.
    }
  } else if ((navigator as NavigatorWithWebNN).ml?.[POLYFILL_ML]) {
    return false; // already installed
  }
  const polyfill: ML & { [POLYFILL_ML]: true } = {
    [POLYFILL_ML]: true,
    createContext: (options: MLContextOptions = {}) => polyfillContextFor(options),
  };
  Object.defineProperty(navigator, 'ml', { value: polyfill, configurable: true, enumerable: true });
  Object.defineProperty(globalThis, 'MLGraphBuilder', { value: PolyfillGraphBuilder, configurable: true, writable: true });
  return true;
}
