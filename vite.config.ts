import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import { assetFiles } from './tools/assets.mjs';
import { isolationHeaders } from './tools/dev-middleware.mjs';

/**
 * Model files and wasm binaries come from registry packages, never from the repository: the dev server
 * serves them straight from node_modules and the build emits them into dist/ (where the service worker
 * precaches them).
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
        response.setHeader('Content-Type', path.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream');
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

export default defineConfig({
  plugins: [packageAssets()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022' },
  worker: { format: 'es' },
});
