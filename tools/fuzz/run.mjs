// `npm run fuzz -- --n 10000 [--seed 1] [--model short] [--engine wasm]`: mutates each of the four model files n times
// (seeds seed..seed+n-1; see test/helpers/model-mutator.ts) and prints how every case ended, per model.
// Bugs are cases that end in anything but a ModelFormatError or a graph that builds and runs: an untyped
// error, a hang (no answer within --timeout seconds) or an out-of-memory (the worker's heap limit, --heap MB).
// Exits with status 1 when there is any. Runs in Node (the readers need no browser), on our wasm engine (the
// default; --engine cpu or tfjs-wasm for TensorFlow.js's).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { assetsDir, packagedFiles, stageAssets } from '../assets.mjs';

const { values: options } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    model: { type: 'string', multiple: true },
    timeout: { type: 'string', default: '60' },
    heap: { type: 'string', default: '1024' },
    engine: { type: 'string', default: 'wasm' },
  },
});
const count = Number(options.n);
const firstSeed = Number(options.seed);
const timeoutMs = Number(options.timeout) * 1000;
const heapMb = Number(options.heap);
const root = resolve(import.meta.dirname, '../..');

const models = [
  { model: 'short', format: 'tflite', path: 'models/face_detection_short_range.tflite' },
  { model: 'full', format: 'tflite', path: 'models/face_detection_full_range.tflite' },
  { model: 'front', format: 'onnx', path: 'models/face_detection_front_128x128_barracuda.onnx' },
  { model: 'back', format: 'onnx', path: 'models/face_detection_back_256x256_barracuda.onnx' },
].filter(({ model }) => !options.model || options.model.includes(model));
stageAssets();
const assets = packagedFiles();
const files = models.map(({ model, format, path }) => ({ model, format, bytes: readFileSync(assets[path]) }));

const bundle = resolve(root, 'node_modules/.cache/blaze-face-fuzz/worker.mjs');
await build({
  entryPoints: [resolve(import.meta.dirname, 'worker.mjs')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});

const BUGS = new Set(['read: untyped error', 'graph: untyped error', 'hang', 'out-of-memory']);
const tally = new Map(); // model -> outcome -> count
const bugs = [];
const record = (model, outcome, result) => {
  const counts = tally.get(model) ?? new Map();
  counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  tally.set(model, counts);
  if (BUGS.has(outcome)) {
    bugs.push({ model, outcome, ...result });
    console.log(`  bug: ${model} seed ${result.seed} (${result.kind}: ${result.detail}): ${outcome}: ${result.message}`);
  }
};

/** One worker at a time; a hang or out-of-memory costs that worker, and a fresh one takes the next case. */
function startWorker() {
  const worker = new Worker(bundle, { workerData: { files, engine: options.engine, wasmFolder: pathToFileURL(`${assetsDir}/wasm/`).href }, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
  const ready = new Promise((resolveReady, reject) => {
    worker.once('message', ({ engine }) => {
      // A named engine that cannot start falls back to the next: say which one runs the graph stage.
      if (engine !== options.engine) console.log(`note: the graph stage runs on ${engine}, not ${options.engine}`);
      resolveReady();
    });
    worker.once('error', reject);
  });
  return { worker, ready };
}

async function runCase(state, fileIndex, seed) {
  await state.current.ready;
  const { worker } = state.current;
  return new Promise((resolveCase) => {
    const finish = (result, restart) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      if (restart) {
        void worker.terminate();
        state.current = startWorker();
      }
      resolveCase(result);
    };
    const onMessage = (result) => finish(result, false);
    const onError = (error) =>
      finish({ outcome: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out-of-memory' : 'graph: untyped error', message: String(error) }, true);
    const timer = setTimeout(() => finish({ outcome: 'hang', message: `no answer in ${timeoutMs / 1000} s` }, true), timeoutMs);
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.postMessage({ fileIndex, seed });
  });
}

const started = Date.now();
const state = { current: startWorker() };
for (const [fileIndex, { model }] of models.entries()) {
  for (let seed = firstSeed; seed < firstSeed + count; seed++) {
    const result = await runCase(state, fileIndex, seed);
    record(model, result.outcome, { seed, kind: result.kind, detail: result.detail, message: result.message });
    if ((seed - firstSeed + 1) % 1000 === 0 && seed - firstSeed + 1 < count) console.log(`${model}: ${seed - firstSeed + 1} cases`);
  }
  const counts = JSON.stringify(Object.fromEntries(tally.get(model) ?? []));
  console.log(`${model}: ${count} cases done (${((Date.now() - started) / 1000).toFixed(0)} s): ${counts}`);
}
await state.current.worker.terminate();

const outcomes = [...new Set([...tally.values()].flatMap((counts) => [...counts.keys()]))].sort();
console.log(`\nFuzzed model files: seeds ${firstSeed}..${firstSeed + count - 1} per model, ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.table(Object.fromEntries(models.map(({ model }) => [model, Object.fromEntries(outcomes.map((o) => [o, tally.get(model)?.get(o) ?? 0]))])));
if (bugs.length > 0) {
  console.log(`\n${bugs.length} case(s) ended in a bug; replay with --model <model> --seed <seed> --n 1:`);
  for (const bug of bugs.slice(0, 20)) console.log(`  ${bug.model} seed ${bug.seed} (${bug.kind}: ${bug.detail}): ${bug.outcome}: ${bug.message}`);
  process.exitCode = 1;
} else {
  console.log('\nNo bugs: every case ended in a ModelFormatError or a graph that builds and runs.');
}
