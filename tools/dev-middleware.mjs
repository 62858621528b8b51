// Dev-server middleware shared by the test runner and the bench: sends the cross-origin isolation headers
// that wasm threads need, and serves the demo's sample photo from its package. Model files and wasm binaries
// are plain files under assets/ (see tools/assets.mjs); test fixtures are files of the repository.
import { createReadStream } from 'node:fs';
import { samplePhotoFile, stageAssets } from './assets.mjs';

export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const samplePhotoPath = 'samples/sample.jpg';

stageAssets();

/** Koa middleware for @web/test-runner and @web/dev-server. */
export async function devMiddleware(context, next) {
  for (const [name, value] of Object.entries(isolationHeaders)) context.set(name, value);
  // Tests load fixtures from a second origin (127.0.0.1 vs localhost) as a third-party image without CORS.
  if (context.query.corp === 'cross-origin') context.set('Cross-Origin-Resource-Policy', 'cross-origin');
  if (context.path !== `/${samplePhotoPath}`) return next();
  context.type = 'image/jpeg';
  context.body = createReadStream(samplePhotoFile());
}
