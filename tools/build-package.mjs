// `npm run build:package` (and `npm pack`, through prepack): the package's dist/.
//   1. vite.package.config.ts: the drop-in dist/blaze-face.js, its worker, engines, models and wasm binaries.
//   2. tsc (tsconfig.lib.json): dist/lib/, the sources compiled one to one, with .d.ts, for bundlers. They
//      keep the literal `new URL('…', import.meta.url)` asset references of the sources, so a consumer's
//      bundler finds the worker, the model files and the wasm binaries by itself. The worker they start is
//      the drop-in's, already bundled: a bundler's dev server serves a dependency's worker file as it is,
//      without converting the CommonJS inside TensorFlow.js (Vite: "module is not defined").
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
const lib = join(root, 'dist/lib');

await build({ root, configFile: join(root, 'vite.package.config.ts'), logLevel: 'warn' });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });

// In model/worker/shared-workers.ts, which starts the page's detector workers.
const sourceWorker = "new URL('./detector-worker.ts', import.meta.url)";
const bundledWorker = "new URL('../../../worker/detector-worker.js', import.meta.url)";

// In model/redact-stream.ts: redactStream()'s redaction worker, which has no CommonJS inside, is its compiled module.
const sourceRedactionWorker = "new URL('./worker/redaction-worker.ts', import.meta.url)";
const compiledRedactionWorker = "new URL('./worker/redaction-worker.js', import.meta.url)";

/**
 * What tsc leaves as in the sources but must change in dist/lib/: the detector's worker is the bundled one, the
 * redaction worker the compiled one, and the assets, staged in assets/ beside the sources, ship once, in
 * dist/models/ and dist/wasm/ beside dist/lib/ (one folder further up, hence one more '../').
 */
function rewrite(source) {
  return source
    .replace(sourceWorker, bundledWorker)
    .replace(sourceRedactionWorker, compiledRedactionWorker)
    .replace(/new URL\('((?:\.\.\/)+)assets\//g, "new URL('$1../");
}

// The worker's own module, compiled, would be dead weight beside the bundled one.
for (const file of ['detector-worker.js', 'detector-worker.d.ts']) rmSync(join(lib, 'model/worker', file));
let [workerRewritten, redactionWorkerRewritten] = [false, false];
for (const entry of readdirSync(lib, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
  const file = join(entry.parentPath, entry.name);
  const before = readFileSync(file, 'utf8');
  const after = rewrite(before);
  workerRewritten ||= after.includes(bundledWorker);
  redactionWorkerRewritten ||= after.includes(compiledRedactionWorker);
  if (after !== before) writeFileSync(file, after);
}
if (!workerRewritten) throw new Error(`build-package: ${sourceWorker} not found in dist/lib/; update tools/build-package.mjs`);
if (!redactionWorkerRewritten) throw new Error(`build-package: ${sourceRedactionWorker} not found in dist/lib/; update tools/build-package.mjs`);
