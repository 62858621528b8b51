// The fuzz worker (bundled by tools/fuzz/run.mjs with esbuild, since it imports the TypeScript readers):
// mutates one model file per message and reports how the readers, then the graph builder and engine, end.
// It runs in a worker thread with a memory limit, so a runaway allocation or a hang kills only the worker.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { modelSpecs } from '../../model/model-specs.ts';
import { configurePolyfill, createContext, describeContext } from '../../webnn/index.ts';
import { graphOutcome, readOutcome, structureSignature } from '../../test/helpers/fuzz-outcome.ts';
import { mapStructure, mutate } from '../../test/helpers/model-mutator.ts';

const { files, engine, wasmFolder } = workerData; // files: [{ model, format, bytes }]
// Node's fetch() reads no file: URLs; our wasm engine fetches its binary from wasmFolder, a file: URL.
const nodeFetch = globalThis.fetch;
globalThis.fetch = (url, init) => String(url).startsWith('file:')
  ? Promise.resolve(new Response(readFileSync(fileURLToPath(String(url)))))
  : nodeFetch(url, init);
configurePolyfill({ wasmPath: wasmFolder });
const prepared = files.map(({ model, format, bytes }) => {
  const pristine = new Uint8Array(bytes);
  const read = readOutcome(pristine, format, model);
  if (read.outcome !== 'read') throw new Error(`the pristine ${model} model does not read: ${read.message}`);
  return { model, format, pristine, structure: mapStructure(pristine, format), signature: structureSignature(read.model) };
});
// Our wasm engine by default (--engine names another): the graph stage checks that what reads also builds and
// runs there, or ends in a typed error: never a trap, an out-of-bounds access, a hang or running out of memory.
const { context } = await createContext({ engine });
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
parentPort.postMessage({ ready: true, engine: describeContext(context).engine });
