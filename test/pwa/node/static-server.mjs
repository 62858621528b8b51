// A small static server for the production build, with the cross-origin isolation headers our hosting must
// send. Its folder can be swapped while it runs (same origin, new files: how a deployment looks to a service
// worker), and it can be stopped to make the network really unavailable.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { extname, join, normalize } from 'node:path';
import { isolationHeaders } from '../../../tools/dev-middleware.mjs';

const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

function fileIn(root, urlPath) {
  const relative = normalize(decodeURIComponent(urlPath)).replace(/^[/\\]+/, '');
  if (relative.startsWith('..')) return undefined;
  const file = join(root, relative || 'index.html');
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts serving `root` on http://localhost:<free port>, with `headers` on every response (by default the
 * cross-origin isolation headers; the package consumer tests serve plain pages and a strict CSP).
 */
export async function startStaticServer(root, headers = isolationHeaders) {
  const state = { root, requests: [] };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    state.requests.push(path);
    const file = fileIn(state.root, path);
    const responseHeaders = { ...headers, 'Cache-Control': 'no-cache' };
    if (!file) {
      response.writeHead(404, { ...responseHeaders, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { ...responseHeaders, 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream' });
    // pipeline, not pipe: a read or write that fails (a build folder swapped mid-response, a page closed) ends
    // the response; with pipe it was an unhandled 'error' event, which would end the test run.
    pipeline(createReadStream(file), response, () => undefined);
  });
  await new Promise((resolve) => server.listen(0, 'localhost', resolve));
  const { port } = server.address();
  return {
    origin: `http://localhost:${port}`,
    state,
    serve(dir) {
      state.root = dir;
    },
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
