/// <reference lib="webworker" />
// The app's service worker, compiled by vite-plugin-pwa, which replaces self.__WB_MANIFEST with Workbox's
// precache manifest (app shell, JavaScript, wasm engine, models, sample photo, icons; each with a revision).
// Everything precached is served cache-first, so after the first visit the app loads and detects offline.
// A new version waits until the person agrees in the page (SKIP_WAITING from workbox-window), never sooner.
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { keepSharedFiles } from './shared-files.ts';
import { isolationPlugin } from './sw-isolation.ts';
import { swMessageTypes } from './sw-messages.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<string | { url: string; revision: string | null }> };

// Added before routes exist so that every precache response, navigations included, carries the headers.
addPlugins([isolationPlugin]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Any navigation inside the scope (with a query string, or a deep link) gets the precached page.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

// Files shared to the app (the manifest's share_target) are kept on the device for the gallery: shared-files.ts.
registerRoute(({ url, sameOrigin }) => sameOrigin && url.pathname === new URL('share-target', self.registration.scope).pathname,
  ({ request }) => keepSharedFiles(request, self.registration.scope), 'POST');

// Models and wasm that are not in the precache (a self-hosted model-url, say) are kept once fetched.
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && /\.(tflite|onnx|wasm)$/.test(url.pathname),
  new CacheFirst({ cacheName: 'blaze-face-runtime-assets', plugins: [isolationPlugin] }),
);

// The first installation takes the open page at once (there is no older version to protect); later
// versions stay waiting until the page sends SKIP_WAITING, and then take over the same way.
clientsClaim();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const type = (event.data as { type?: unknown } | null)?.type;
  if (type === swMessageTypes.skipWaiting) {
    void self.skipWaiting();
  } else if (type === swMessageTypes.getVersion) {
    event.ports[0]?.postMessage(__APP_VERSION__);
  }
});
