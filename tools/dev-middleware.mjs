// Dev-server middleware shared by the test runner and Vite: serves the app's model and wasm assets under
// /models/ and /wasm/, and sends the cross-origin isolation headers that wasm threads need. Test fixtures are
// files of the repository (test/fixtures/), served by the dev server as any other file.
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { assetFiles } from './assets.mjs';

export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const contentTypes = {
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.md': 'text/markdown',
  '.wasm': 'application/wasm',
};

const assets = assetFiles();

/** Koa middleware for @web/test-runner. */
export async function devMiddleware(context, next) {
  for (const [name, value] of Object.entries(isolationHeaders)) context.set(name, value);
  // Tests load fixtures from a second origin (127.0.0.1 vs localhost) as a third-party image without CORS.
  if (context.query.corp === 'cross-origin') context.set('Cross-Origin-Resource-Policy', 'cross-origin');
  const file = assets[context.path.slice(1)];
  if (!file) return next();
  context.type = contentTypes[extname(file)] ?? 'application/octet-stream';
  context.body = createReadStream(file);
}
