// One run of the built network: where the input tensor is written and where the two outputs are read. On our
// wasm engine that is the graph's own memory (graphArena), so the resampler writes the input in place and the
// decoder reads the outputs where the network left them; on every other engine, MLTensors copied through.

import { dispatchGraph, graphArena } from '../../webnn/index.ts';
import type { MLContext, MLTensor } from '../../webnn/types.ts';
import type { Network } from './load-network.ts';

export interface NetworkRun {
  /** NHWC, pixels in [-1, 1]: filled before run(). */
  readonly input: Float32Array;
  /** The outputs of the latest run(), until the next. */
  readonly regressors: Float32Array;
  readonly scores: Float32Array;
  run(): Promise<void>;
  /** Frees the tensors (the graph is the caller's). */
  destroy(): void;
}

/** The network's run on `context`: in the graph's own memory where the engine offers it. */
export async function networkRun(context: MLContext, network: Network): Promise<NetworkRun> {
  const arena = graphArena(network.graph);
  const input = arena?.inputs.get('input');
  const regressors = arena?.outputs.get('regressors');
  const scores = arena?.outputs.get('scores');
  if (arena && input && regressors && scores) {
    return {
      input, regressors, scores,
      run: async () => arena.dispatch(),
      destroy: () => undefined,
    };
  }
  return tensorRun(context, network);
}

async function tensorRun(context: MLContext, network: Network): Promise<NetworkRun> {
  const created = await Promise.allSettled([
    context.createTensor({ dataType: 'float32', shape: network.inputShape, writable: true }),
    context.createTensor({ dataType: 'float32', shape: network.regressorsShape, readable: true }),
    context.createTensor({ dataType: 'float32', shape: network.scoresShape, readable: true }),
  ]);
  const tensors = created.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = created.find((result) => result.status === 'rejected');
  if (failed) {
    for (const tensor of tensors) tensor.destroy();
    throw failed.reason;
  }
  const [inputTensor, regressorsTensor, scoresTensor] = tensors as [MLTensor, MLTensor, MLTensor];
  const values = (shape: number[]) => new Float32Array(shape.reduce((a, b) => a * b, 1));
  const run: NetworkRun = {
    input: values(network.inputShape),
    regressors: values(network.regressorsShape),
    scores: values(network.scoresShape),
    async run() {
      context.writeTensor(inputTensor, run.input);
      dispatchGraph(context, network.graph, { input: inputTensor }, { regressors: regressorsTensor, scores: scoresTensor });
      await Promise.all([context.readTensor(regressorsTensor, run.regressors), context.readTensor(scoresTensor, run.scores)]);
    },
    destroy() {
      for (const tensor of tensors) tensor.destroy();
    },
  };
  return run;
}
