// Serves the repository for the bench pages the way the test runner does: TS through esbuild, CommonJS
// packages converted, bare imports resolved, and the dev middleware's assets and cross-origin isolation
// headers (tfjs wasm threads need crossOriginIsolated).
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { createReadStream, statSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import { commonjsPlugin } from '../tools/commonjs-plugin.mjs';
import { nodeOnlyFilesPlugin } from '../tools/node-only-files.mjs';
import { devMiddleware } from '../tools/dev-middleware.mjs';

/**
 * Serves each bundle folder (URL path prefix → folder) byte for byte: the dev server's transforms would rewrite
 * the bundles and inline source maps.
 */
function bundles(folders) {
  return async (context, next) => {
    const entry = Object.entries(folders).find(([prefix]) => context.path.startsWith(prefix));
    if (!entry) return next();
    const [prefix, distDir] = entry;
    const file = join(distDir, normalize(context.path.slice(prefix.length)));
    if (!file.startsWith(distDir) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return next();
    // wasm as application/wasm: with any other type WebAssembly.instantiateStreaming() refuses the response,
    // and tfjs's engine fetches the binary a second time for its fallback.
    context.type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    context.body = createReadStream(file);
  };
}

export async function startBenchServer() {
  const rootDir = resolve(import.meta.dirname, '..');
  const server = await startDevServer({
    config: {
      rootDir,
      port: 0,
      hostname: '127.0.0.1',
      nodeResolve: true,
      middleware: [devMiddleware, bundles({
        '/bench/dist/': resolve(rootDir, 'bench/dist'),
        '/dist/': resolve(rootDir, 'dist'),
        // LiteRT.js's Emscripten glue loads as a classic script, which the CommonJS plugin would turn into a module.
        '/node_modules/@litertjs/core/wasm/': resolve(rootDir, 'node_modules/@litertjs/core/wasm'),
      })],
      plugins: [nodeOnlyFilesPlugin(), commonjsPlugin({ rootDir }), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: resolve(rootDir, 'tsconfig.json') })],
    },
    readCliArgs: false,
    readFileConfig: false,
    logStartMessage: false,
  });
  const address = server.server.address();
  return { url: `http://127.0.0.1:${address.port}`, stop: () => server.stop() };
}
