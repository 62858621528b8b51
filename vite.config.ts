import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { samplePhotoFile } from './tools/assets.mjs';
import { isolationHeaders, samplePhotoPath } from './tools/dev-middleware.mjs';
import { bundleComments, minifyKeepingTypeofGuards } from './tools/minify.mjs';

/**
 * The demo's sample photo comes from a registry package, never from the repository: the dev server serves it
 * from node_modules and the build emits it into dist-app/. (Model files and wasm binaries are the library's own
 * assets: its modules name them with `new URL(…, import.meta.url)`, which Vite follows by itself.)
 */
function samplePhoto(): Plugin {
  return {
    name: 'blaze-face:sample-photo',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        if ((request.url ?? '').split('?')[0] !== `/${samplePhotoPath}`) return next();
        response.setHeader('Content-Type', 'image/jpeg');
        response.end(readFileSync(samplePhotoFile()));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: samplePhotoPath, source: readFileSync(samplePhotoFile()) });
    },
  };
}

/**
 * The version shown by the app and compiled into the service worker: a new value gives the worker new bytes,
 * which is what makes browsers install it as an update. The update test builds twice with different values.
 */
const appVersion = process.env.BLAZE_FACE_APP_VERSION ?? (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/**
 * The service worker (pwa/sw.ts) is compiled by vite-plugin-pwa, which then injects Workbox's precache
 * manifest: everything the app needs offline, including the engine's wasm and the model files. The web
 * manifest is our own file in public/, and pwa/register-sw.ts registers the worker, so the plugin generates
 * neither.
 */
function serviceWorker(): Plugin[] {
  return VitePWA({
    strategies: 'injectManifest',
    srcDir: 'pwa',
    filename: 'sw.ts',
    injectRegister: false,
    manifest: false,
    injectManifest: {
      globPatterns: ['**/*.{html,js,css,wasm,tflite,onnx,webmanifest,png,jpg,svg}'],
      // The full-range model is about 1 MB and the wasm binaries about 0.4 MB each; Workbox's default cap is 2 MiB.
      maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      rollupFormat: 'iife',
    },
  });
}

export default defineConfig({
  plugins: [samplePhoto(), serviceWorker()],
  define: { __APP_VERSION__: JSON.stringify(appVersion) },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // dist-app/ is the demo PWA; dist/ is the package that `npm run build:package` makes (vite.package.config.ts).
  build: { outDir: 'dist-app', target: 'es2022', rolldownOptions: { output: { minify: minifyKeepingTypeofGuards, comments: bundleComments } } },
  worker: { format: 'es', rolldownOptions: { output: { minify: minifyKeepingTypeofGuards, comments: bundleComments } } },
});
