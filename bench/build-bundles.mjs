// Builds bench/dist/{ours,theirs}.js: each library as one minified ES bundle with the app's build settings,
// so cold start and bytes compare what a site would ship, not the dev server's hundreds of unbundled modules.
import { resolve } from 'node:path';
import { build } from 'vite';
import { minifyKeepingTypeofGuards } from '../tools/minify.mjs';

export async function buildBenchBundles() {
  const root = resolve(import.meta.dirname, '..');
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir: resolve(root, 'bench/dist'),
      emptyOutDir: true,
      target: 'es2022',
      lib: { entry: { ours: resolve(root, 'bench/cold-ours.ts'), theirs: resolve(root, 'bench/cold-theirs.ts') }, formats: ['es'] },
      rolldownOptions: { output: { minify: minifyKeepingTypeofGuards } },
    },
  });
}
