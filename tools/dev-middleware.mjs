// Dev-server middleware shared by the test runner and Vite: serves ../shared (seed fixtures, design notes)
// under /shared/, the app's model and wasm assets under /models/ and /wasm/, and sends the cross-origin isolation headers that wasm threads need.
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { assetFiles } from './assets.mjs';

export const sharedDir = resolve(process.env.BLAZE_FACE_SHARED ?? resolve(import.meta.dirname, '../../shared'));

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

/** Resolves a /shared/... URL path to a file inside sharedDir, or undefined. */
export function sharedFile(urlPath) {
  if (!urlPath.startsWith('/shared/')) return undefined;
  const relative = normalize(decodeURIComponent(urlPath.slice('/shared/'.length).split('?')[0]));
  if (relative.startsWith('..')) return undefined;
  const file = join(sharedDir, relative);
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Koa middleware for @web/test-runner. */
export async function devMiddleware(context, next) {
  for (const [name, value] of Object.entries(isolationHeaders)) context.set(name, value);
  const file = sharedFile(context.path) ?? assets[context.path.slice(1)];
  if (!file) {
    if (context.path.startsWith('/shared/')) {
      context.status = 404;
      context.body = `blaze-face tests expect the shared fixtures at ${sharedDir} (set BLAZE_FACE_SHARED to move them); ${context.path} is not there.`;
      return;
    }
    return next();
  }
  context.type = contentTypes[extname(file)] ?? 'application/octet-stream';
  context.body = createReadStream(file);
}
