import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { assetFiles } from './tools/assets.mjs';
import { isolationHeaders } from './tools/dev-middleware.mjs';
import { minifyKeepingTypeofGuards } from './tools/minify.mjs';

const contentTypes: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.jpg': 'image/jpeg',
};

/**
 * Model files, wasm binaries and the sample photo come from registry packages, never from the repository:
 * the dev server serves them straight from node_modules and the build emits them into dist/ (where the
 * service worker precaches them).
 */
function packageAssets(): Plugin {
  const files = assetFiles() as Record<string, string>;
  return {
    name: 'blaze-face:package-assets',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = (request.url ?? '').split('?')[0].replace(/^\//, '');
        const file = files[path];
        if (!file) return next();
        response.setHeader('Content-Type', contentTypes[extname(path)] ?? 'application/octet-stream');
        response.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const [fileName, file] of Object.entries(files)) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
      }
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
  plugins: [packageAssets(), serviceWorker()],
  define: { __APP_VERSION__: JSON.stringify(appVersion) },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', rolldownOptions: { output: { minify: minifyKeepingTypeofGuards } } },
  worker: { format: 'es', rolldownOptions: { output: { minify: minifyKeepingTypeofGuards } } },
});
