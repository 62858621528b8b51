// Shared test harness: one polyfill context per engine, a one-call "build, dispatch, read" helper, and
// tolerance-aware comparison.
import { expect } from 'chai';
import { createGraphBuilder } from '../../webnn/index.ts';
import { createPolyfillContext } from '../../webnn/polyfill/index.ts';
import type { MLContext, MLGraphBuilder, MLOperand, MLOperandDataType, PolyfillEngine } from '../../webnn/index.ts';
import { testBrowser } from '../helpers/test-browser.ts';

/** The polyfill engines that start in this browser (its GPU engines are declared in web-test-runner.config.mjs). */
export const ENGINES: readonly PolyfillEngine[] = ['wasm', 'tfjs-wasm', 'cpu', ...testBrowser.gpuEngines];

/**
 * Relative tolerances. The CPU engines compute float32 like the reference up to summation order (and, on
 * wasm's relaxed-SIMD build, fused multiply-adds). The GPU
 * engines here run on software renderers (SwiftShader, llvmpipe) through WebGL/WebGPU shaders, whose transcendental functions (sigmoid's
 * exp) and reordered sums are allowed ~1e-4 relative error, so they get 1e-4 (with a 1e-5 absolute floor).
 */
export const TOLERANCE: Record<PolyfillEngine, { rel: number; abs: number }> = {
  cpu: { rel: 1e-5, abs: 1e-6 },
  wasm: { rel: 1e-5, abs: 1e-6 },
  'tfjs-wasm': { rel: 1e-5, abs: 1e-6 },
  webgl: { rel: 1e-4, abs: 1e-5 },
  webgpu: { rel: 1e-4, abs: 1e-5 },
};

const contexts = new Map<PolyfillEngine, Promise<MLContext>>();

/** A context on exactly `engine`; fails the test (never silently substitutes) if that engine can't start. */
export async function contextFor(engine: PolyfillEngine): Promise<MLContext> {
  let promise = contexts.get(engine);
  if (!promise) {
    // createPolyfillContext never falls back, so an engine that cannot start fails with its own reason.
    promise = createPolyfillContext(engine).catch((error: unknown) => {
      throw new Error(`engine ${engine} could not initialise in this browser: ${error instanceof Error ? error.message : String(error)}`);
    });
    contexts.set(engine, promise);
  }
  return promise;
}

export interface Feed {
  dataType?: MLOperandDataType;
  shape: readonly number[];
  data: ArrayLike<number>;
}

type Typed = Float32Array | Int32Array;

function typed(dataType: MLOperandDataType, data: ArrayLike<number>): Typed {
  return dataType === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
}

/** Builds a graph from `define`, feeds `feeds` as inputs named like the keys, and reads every output. */
export async function runGraph(
  context: MLContext,
  feeds: Record<string, Feed>,
  define: (b: MLGraphBuilder, inputs: Record<string, MLOperand>) => Record<string, MLOperand>,
): Promise<Record<string, Typed>> {
  const builder = createGraphBuilder(context);
  const inputs: Record<string, MLOperand> = {};
  for (const [name, feed] of Object.entries(feeds)) inputs[name] = builder.input(name, { dataType: feed.dataType ?? 'float32', shape: feed.shape });
  const outputs = define(builder, inputs);
  const graph = await builder.build(outputs);
  const inTensors: Record<string, Awaited<ReturnType<MLContext['createTensor']>>> = {};
  for (const [name, feed] of Object.entries(feeds)) {
    const dataType = feed.dataType ?? 'float32';
    inTensors[name] = await context.createTensor({ dataType, shape: feed.shape, writable: true });
    context.writeTensor(inTensors[name]!, typed(dataType, feed.data));
  }
  const outTensors: typeof inTensors = {};
  for (const [name, operand] of Object.entries(outputs)) {
    outTensors[name] = await context.createTensor({ dataType: operand.dataType, shape: operand.shape, readable: true });
  }
  context.dispatch(graph, inTensors, outTensors);
  const results: Record<string, Typed> = {};
  for (const [name, tensor] of Object.entries(outTensors)) {
    const buffer = await context.readTensor(tensor);
    results[name] = tensor.dataType === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer);
    tensor.destroy();
  }
  for (const t of Object.values(inTensors)) t.destroy();
  graph.destroy();
  return results;
}

export function expectClose(engine: PolyfillEngine, actual: ArrayLike<number>, expected: ArrayLike<number>, what = 'values'): void {
  expect(actual.length, `${what}: element count`).to.equal(expected.length);
  const { rel, abs } = TOLERANCE[engine];
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (!(Math.abs(a - e) <= abs + rel * Math.abs(e))) {
      expect.fail(`${what}[${i}] on ${engine}: got ${a}, expected ${e} (tolerance rel ${rel}, abs ${abs})`);
    }
  }
}

/** Constant helper: float32 data with a descriptor. */
export function f32(builder: MLGraphBuilder, shape: readonly number[], data: ArrayLike<number>): MLOperand {
  return builder.constant({ dataType: 'float32', shape }, Float32Array.from(data));
}
