// A Workbox plugin that puts the cross-origin isolation headers on every response the service worker hands
// to the page. The precache stores whatever headers the server sent at install time (and Workbox may copy a
// response without them), yet a page served from it must still be crossOriginIsolated, or the wasm engine
// loses its threads (SharedArrayBuffer) and the page its isolation the first time it loads offline.
import type { WorkboxPlugin } from 'workbox-core/types.js';

export const isolationHeaders: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** A copy of `response` that carries the isolation headers; responses we cannot read are passed through. */
export function withIsolationHeaders(response: Response): Response {
  // Opaque and error responses have no readable headers or body to copy.
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  if (Object.entries(isolationHeaders).every(([name, value]) => response.headers.get(name) === value)) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(isolationHeaders)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export const isolationPlugin: WorkboxPlugin = {
  handlerWillRespond: async ({ response }) => withIsolationHeaders(response),
};
