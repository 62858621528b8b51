// The demo app's entry point: registers <blaze-face>, wires the controls and the readouts, and (in a
// production build, where the service worker exists) registers the service worker for offline use.
import '../components/index.ts';
import type { BlazeFaceElement } from '../components/blaze-face.ts';
import { wireControls } from './controls.ts';
import { byId } from './dom.ts';
import { registerServiceWorker } from './register-sw.ts';
import { showStats } from './stats.ts';

const element = document.querySelector('blaze-face') as BlazeFaceElement;
byId('version', HTMLSpanElement).textContent = __APP_VERSION__;
showStats(element, byId('runtime', HTMLParagraphElement), byId('stats', HTMLSpanElement));
wireControls(element);

// The dev server has no service worker to serve (vite-plugin-pwa builds it with the production bundle).
const serviceWorker = import.meta.env.PROD ? registerServiceWorker() : undefined;
// For the tests and curious people: which version the controlling worker runs.
Object.assign(window, { blazeFaceApp: { version: __APP_VERSION__, serviceWorker } });
