// What a (possibly corrupt) model file leads to, for the fuzz tests and `npm run fuzz`: a typed
// ModelFormatError, a model that reads (and, at the graph stage, builds and runs), or a bug: any other error.
import { buildNetwork } from '../../model/graph/load-network.ts';
import type { ModelSpec } from '../../model/model-specs.ts';
import { ModelFormatError, type ImportedModel } from '../../model/readers/imported-model.ts';
import { readOnnx } from '../../model/readers/onnx.ts';
import { readTflite } from '../../model/readers/tflite.ts';
import type { MLContext } from '../../webnn/index.ts';

export type ReadOutcome =
  | { outcome: 'format-error'; message: string }
  | { outcome: 'read'; model: ImportedModel }
  | { outcome: 'untyped-error'; message: string };

export type GraphOutcome = { outcome: 'format-error' | 'runs' | 'untyped-error'; message: string };

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function readOutcome(bytes: Uint8Array, format: 'tflite' | 'onnx', source: string): ReadOutcome {
  try {
    return { outcome: 'read', model: (format === 'tflite' ? readTflite : readOnnx)(bytes, source) };
  } catch (error) {
    return { outcome: error instanceof ModelFormatError ? 'format-error' : 'untyped-error', message: describe(error) };
  }
}

/**
 * Everything of a read model that decides how its graph is built: operators, attributes, tensor names,
 * types and shapes, and the values of every small or integer constant (shapes, paddings, axes, scales).
 * Two models with the same signature differ only in the values of their weight tensors, so they build
 * the same graph and run the same kernels on the same shapes.
 */
export function structureSignature(model: ImportedModel): string {
  const tensors = [...model.tensors.values()].map((tensor) => {
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    const decisive = tensor.data && (elements <= 64 || tensor.dataType === 'int32' || tensor.dataType === 'int64');
    return [tensor.name, tensor.dataType, tensor.shape, tensor.data ? (decisive ? Array.from(tensor.data) : 'weights') : 'activation'];
  });
  return JSON.stringify([model.format, model.inputs, model.outputs, model.opsetVersion, model.operators, tensors], (_, value: unknown) =>
    value instanceof Uint8Array ? Array.from(value) : value,
  );
}

/** Builds the network from `bytes` on `context` and runs it once on a zero image. */
export async function graphOutcome(bytes: Uint8Array, spec: ModelSpec, source: string, context: MLContext): Promise<GraphOutcome> {
  try {
    const network = await buildNetwork(spec, bytes, source, context, 'float32');
    const [input, regressors, scores] = await Promise.all([
      context.createTensor({ dataType: 'float32', shape: network.inputShape, writable: true }),
      context.createTensor({ dataType: 'float32', shape: network.regressorsShape, readable: true }),
      context.createTensor({ dataType: 'float32', shape: network.scoresShape, readable: true }),
    ]);
    try {
      context.dispatch(network.graph, { input }, { regressors, scores });
      const values = new Float32Array(await context.readTensor(scores));
      return { outcome: 'runs', message: `${values.length} scores` };
    } finally {
      for (const tensor of [input, regressors, scores]) tensor.destroy();
      network.graph.destroy();
    }
  } catch (error) {
    return { outcome: error instanceof ModelFormatError ? 'format-error' : 'untyped-error', message: describe(error) };
  }
}
