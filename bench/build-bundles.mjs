// Builds the package's drop-in (dist/) and bench/dist/{ours,theirs}.js: each library as one minified ES bundle with the app's build settings,
// so cold start and bytes compare what a site would ship, not the dev server's hundreds of unbundled modules.
import { resolve } from 'node:path';
import { build } from 'vite';
import { bundleComments, minifyKeepingTypeofGuards } from '../tools/minify.mjs';

export async function buildBenchBundles() {
  const root = resolve(import.meta.dirname, '..');
  // The package's drop-in, dist/blaze-face.js with its worker and assets, for time-to-first-face.
  await build({ root, configFile: resolve(root, 'vite.package.config.ts'), logLevel: 'warn' });
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    // Not library mode, which would inline the model files and wasm binaries into the JS as base64: they
    // load beside the bundle, found from import.meta.url, as in the package.
    base: './',
    build: {
      outDir: resolve(root, 'bench/dist'),
      emptyOutDir: true,
      target: 'es2022',
      assetsInlineLimit: 0,
      modulePreload: false,
      rolldownOptions: {
        input: { ours: resolve(root, 'bench/cold-ours.ts'), theirs: resolve(root, 'bench/cold-theirs.ts') },
        preserveEntrySignatures: 'exports-only',
        output: { entryFileNames: '[name].js', minify: minifyKeepingTypeofGuards, comments: bundleComments },
      },
    },
  });
}
