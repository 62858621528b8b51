// Compiles the wasm engine's kernels (webnn/polyfill/wasm/kernels/, AssemblyScript) into assets/wasm/, where
// the engine's module finds them with `new URL('../../../assets/wasm/…', import.meta.url)` like every other
// asset. Two builds of the same source: plain WebAssembly SIMD, and relaxed SIMD (fused multiply-add where the
// browser validates it). Nothing but the `assemblyscript` package is needed; a build is skipped while its
// output is newer than every source file. `node tools/build-engine.mjs` builds by hand.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const sources = join(root, 'webnn/polyfill/wasm/kernels');
const sharedSources = [join(root, 'webnn/polyfill/wasm/opcodes.ts')];
const outDir = join(root, 'assets/wasm');

/** The engine's binaries: file name under assets/wasm/ -> extra WebAssembly features of that build. */
export const engineBuilds = {
  'blaze-face-engine.wasm': [],
  'blaze-face-engine-relaxed.wasm': ['relaxed-simd'],
};

function newestSource() {
  const files = [...readdirSync(sources).filter((f) => f.endsWith('.ts')).map((f) => join(sources, f)), ...sharedSources];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/** The binaries that are missing or older than their sources. */
export function staleEngineBuilds() {
  const newest = newestSource();
  return Object.keys(engineBuilds).filter((file) => {
    const target = join(outDir, file);
    return !existsSync(target) || statSync(target).mtimeMs < newest;
  });
}

/** Builds each binary that is missing or older than its sources (all with `force`); throws with the compiler's output on error. */
export async function buildEngine({ force = false } = {}) {
  mkdirSync(outDir, { recursive: true });
  const stale = force ? Object.keys(engineBuilds) : staleEngineBuilds();
  const { default: asc } = await import('assemblyscript/asc');
  for (const [file, features] of Object.entries(engineBuilds)) {
    const target = join(outDir, file);
    if (!stale.includes(file)) continue;
    let log = '';
    const output = { write: (text) => (log += text) };
    const { error } = await asc.main([
      join(sources, 'index.ts'),
      '--outFile', target,
      '--runtime', 'stub',
      '--optimizeLevel', '3',
      '--shrinkLevel', '0',
      '--noAssert',
      '--enable', 'simd',
      ...features.flatMap((feature) => ['--enable', feature]),
      '--initialMemory', '1',
    ], { stdout: output, stderr: output });
    if (error) throw new Error(`build-engine: ${file} failed: ${error.message}\n${log}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildEngine({ force: process.argv.includes('--force') });
}
