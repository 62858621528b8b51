// The drop-in build of the package: dist/blaze-face.js, one ES module with no bare imports that registers
// <blaze-face>, with what it loads beside it, each found relative to the module's own URL:
//   dist/worker/  the detector's Worker and the TensorFlow.js engines it loads on demand (tfjs reaches the
//                 browser once, in the worker; WebGL, WebGPU and the plain-JS CPU engine only when chosen);
//   dist/models/  the four model files;   dist/wasm/  the wasm engine's binaries.
// The modules for bundlers (dist/lib/, with types) come from tsc: see tools/build-package.mjs.
import { minify } from 'rolldown/experimental';
import { defineConfig, type Plugin } from 'vite';
import { stageAssets } from './tools/assets.mjs';
import { minifyKeepingTypeofGuards } from './tools/minify.mjs';

/** The drop-in is run as it is, never bundled again: the annotations kept for other bundlers would be dead weight. */
const dropInComments = { legal: false, annotation: false, jsdoc: false };

stageAssets();

/** Model files under models/, wasm binaries under wasm/, by their own names (self-hosters copy the folders). */
function assetFileName(asset: { names: string[] }): string {
  const name = asset.names[0] ?? 'asset';
  if (/\.(tflite|onnx)$/.test(name)) return 'models/[name][extname]';
  if (name.endsWith('.wasm')) return 'wasm/[name][extname]';
  return 'assets/[name]-[hash][extname]';
}

/** TensorFlow.js chunks named after their engine, so a reader of dist/ (and of a network log) sees which is which. */
function workerChunkName(chunk: { facadeModuleId: string | null; moduleIds: string[]; name: string }): string {
  const tfjs = /@tensorflow\/tfjs-(core|backend-[a-z]+)\//;
  const engine = tfjs.exec(chunk.facadeModuleId ?? '')?.[1] ?? (chunk.moduleIds.some((id) => id.includes('@tensorflow/tfjs-core/')) ? 'core' : undefined);
  return `worker/${engine ? `tfjs-${engine}` : chunk.name}-[hash].js`;
}

/**
 * Vite wraps every dynamic import in a helper that preloads the imported chunk's dependencies, even with
 * `modulePreload: false` (vitejs/vite#18551): 1.5 KB in the page's bundle for nothing, since the page has no
 * dependencies to preload (its one lazy chunk, the redaction painter, imports what the page already has). This
 * helper just loads.
 */
const plainDynamicImports: Plugin = {
  name: 'blaze-face:plain-dynamic-imports',
  enforce: 'pre',
  load(id) {
    return id === '\0vite/preload-helper.js' ? 'export const __vitePreload = (load) => load();' : undefined;
  },
};

/**
 * The worker's own chunks (ours, no TensorFlow.js in them) minified again with the compressor, which the worker's
 * build leaves out for TensorFlow.js's sake (tools/minify.mjs): 5 KB less in the worker the drop-in starts.
 */
const compressedOwnWorkerChunks: Plugin = {
  name: 'blaze-face:compressed-own-worker-chunks',
  async generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk' || chunk.moduleIds.some((id) => id.includes('/@tensorflow/'))) continue;
      const { code, errors } = await minify(chunk.fileName, chunk.code, { compress: { target: 'es2022' }, mangle: true, module: true });
      if (errors.length > 0) this.error(`${chunk.fileName}: ${errors.map((error) => error.message).join('; ')}`);
      chunk.code = code;
    }
  },
};

export default defineConfig({
  plugins: [plainDynamicImports],
  // Relative URLs throughout: everything is found from import.meta.url, wherever dist/ is served.
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: false,
    rolldownOptions: {
      input: { 'blaze-face': 'components/index.ts' },
      preserveEntrySignatures: 'allow-extension',
      checks: { pluginTimings: false },
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: assetFileName,
        // The page's bundle has no TensorFlow.js (it loads in the worker), so it gets the whole minifier; and it
        // is run as it is, never bundled again, so no comment is kept for other bundlers either.
        minify: true,
        comments: false,
      },
    },
  },
  worker: {
    format: 'es',
    plugins: () => [compressedOwnWorkerChunks],
    rolldownOptions: {
      checks: { pluginTimings: false },
      output: {
        entryFileNames: 'worker/[name].js',
        chunkFileNames: workerChunkName,
        assetFileNames: assetFileName,
        minify: minifyKeepingTypeofGuards,
        comments: dropInComments,
      },
    },
  },
});
