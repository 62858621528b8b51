// Serves the repository for the bench pages the way the test runner does: TS through esbuild, CommonJS
// packages converted, bare imports resolved, and the dev middleware's assets and cross-origin isolation
// headers (tfjs wasm threads need crossOriginIsolated).
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { resolve } from 'node:path';
import { commonjsPlugin } from '../tools/commonjs-plugin.mjs';
import { devMiddleware } from '../tools/dev-middleware.mjs';

export async function startBenchServer() {
  const rootDir = resolve(import.meta.dirname, '..');
  const server = await startDevServer({
    config: {
      rootDir,
      port: 0,
      hostname: '127.0.0.1',
      nodeResolve: true,
      middleware: [devMiddleware],
      plugins: [commonjsPlugin({ rootDir }), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: resolve(rootDir, 'tsconfig.json') })],
    },
    readCliArgs: false,
    readFileConfig: false,
    logStartMessage: false,
  });
  const address = server.server.address();
  return { url: `http://127.0.0.1:${address.port}`, stop: () => server.stop() };
}
