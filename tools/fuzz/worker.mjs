// The fuzz worker (bundled by tools/fuzz/run.mjs with esbuild, since it imports the TypeScript readers):
// mutates one model file per message and reports how the readers, then the graph builder and engine, end.
// It runs in a worker thread with a memory limit, so a runaway allocation or a hang kills only the worker.
import { parentPort, workerData } from 'node:worker_threads';
import { modelSpecs } from '../../model/model-specs.ts';
import { createContext } from '../../webnn/index.ts';
import { graphOutcome, readOutcome, structureSignature } from '../../test/helpers/fuzz-outcome.ts';
import { mapStructure, mutate } from '../../test/helpers/model-mutator.ts';

const { files } = workerData; // [{ model, format, bytes }]
const prepared = files.map(({ model, format, bytes }) => {
  const pristine = new Uint8Array(bytes);
  const read = readOutcome(pristine, format, model);
  if (read.outcome !== 'read') throw new Error(`the pristine ${model} model does not read: ${read.message}`);
  return { model, format, pristine, structure: mapStructure(pristine, format), signature: structureSignature(read.model) };
});
// The plain JavaScript engine: the graph stage checks that what reads also builds and runs, not its speed.
const { context } = await createContext({ engine: 'cpu' });
// The graph stage is only meaningful if the pristine files build and run there.
for (const file of prepared) {
  const graph = await graphOutcome(file.pristine, modelSpecs[file.model], file.model, context);
  if (graph.outcome !== 'runs') throw new Error(`the pristine ${file.model} model does not run: ${graph.message}`);
}

parentPort.on('message', async ({ fileIndex, seed }) => {
  const file = prepared[fileIndex];
  const mutation = mutate(file.pristine, file.structure, file.format, seed);
  const source = `${file.model}-seed-${seed}`;
  const read = readOutcome(mutation.bytes, file.format, source);
  let outcome;
  let message = '';
  if (read.outcome !== 'read') {
    outcome = read.outcome === 'format-error' ? 'read: ModelFormatError' : 'read: untyped error';
    message = read.message;
  } else if (structureSignature(read.model) === file.signature) {
    // Only weight values changed: the same graph as the pristine file's, which builds and runs.
    outcome = 'read: weights only';
  } else {
    const graph = await graphOutcome(mutation.bytes, modelSpecs[file.model], source, context);
    outcome = { 'format-error': 'graph: ModelFormatError', runs: 'graph: builds and runs', 'untyped-error': 'graph: untyped error' }[graph.outcome];
    message = graph.message;
  }
  parentPort.postMessage({ fileIndex, seed, kind: mutation.kind, detail: mutation.detail, outcome, message });
});
parentPort.postMessage({ ready: true });
