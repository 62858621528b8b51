// The app's entry point: the first screen and its two ways in (the photo gallery, loaded on first use, and the
// live view around <blaze-face>), the live view's controls and readouts, and (in a production build, where the
// service worker exists) the service worker for offline use.
import '../components/index.ts';
import type { BlazeFaceElement } from '../components/blaze-face.ts';
import { samplePhoto, wireControls } from './controls.ts';
import { byId } from './dom.ts';
import type { Gallery } from './gallery.ts';
import { consumeLaunches, launchedFiles, type Launch } from './launch.ts';
import { LiveRecorder } from './recorder.ts';
import { registerServiceWorker } from './register-sw.ts';
import { shareParam, takeSharedFiles } from './shared-files.ts';
import { showStats } from './stats.ts';
import { currentView, showView, wireViews } from './views.ts';

// The live view's element, put in the page when that view first shows: an element starts as soon as it is in the
// page, and in the hidden view it would load a detector no one looks at and start with no size (Firefox then fails
// to place its faces).
const element = document.createElement('blaze-face') as BlazeFaceElement;
element.src = samplePhoto;
byId('version', HTMLSpanElement).textContent = __APP_VERSION__;
showStats(element, byId('runtime', HTMLParagraphElement), byId('stats', HTMLSpanElement));
const recorder = new LiveRecorder(element, {
  button: byId('record', HTMLButtonElement),
  elapsed: byId('record-elapsed', HTMLSpanElement),
  status: byId('record-status', HTMLSpanElement),
  redact: byId('redact', HTMLSelectElement),
});
// A recording ends when the element's source changes (the camera turned on or off, another photo shown).
const cameraOff = wireControls(element, () => void recorder.stop());

// The gallery's code (with the zip library and a detector of its own) loads when it is first opened.
let gallery: Promise<Gallery> | undefined;
const theGallery = () => (gallery ??= import('./gallery.ts').then((module) => new module.Gallery()));
const openInGallery = async (files: File[]) => {
  if (currentView() !== 'gallery') showView('gallery');
  await (await theGallery()).add(files);
};

wireViews((view) => {
  if (view === 'live' && !element.isConnected) byId('drop-zone', HTMLDivElement).append(element);
  if (view !== 'live') {
    void recorder.stop();
    cameraOff();
  }
  if (view === 'gallery') void theGallery();
});
const picker = byId('gallery-files', HTMLInputElement);
picker.addEventListener('change', () => {
  const files = [...(picker.files ?? [])];
  picker.value = '';
  void openInGallery(files);
});
// Photos dropped anywhere outside the live view (whose own drop analyses one photo: pwa/photo.ts) open here.
document.addEventListener('drop', (event) => {
  const files = [...(event.dataTransfer?.files ?? [])];
  if (currentView() !== 'live' && files.length > 0) void openInGallery(files);
});
document.addEventListener('keydown', (event) => {
  const undo = (event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'z';
  // A text field's own undo comes first.
  if (!undo || currentView() !== 'gallery' || (event.target as Element | null)?.matches('input, textarea')) return;
  event.preventDefault();
  void theGallery().then((loaded) => loaded.undo());
});

/** "Open with blaze-face": the launch's files open in the gallery (named, so the tests can launch the app with files). */
async function openLaunchedFiles(launch: Launch): Promise<void> {
  const files = await launchedFiles(launch);
  if (files.length > 0) await openInGallery(files);
}
consumeLaunches((launch) => void openLaunchedFiles(launch));

// Files shared to the app: the service worker kept them and sent the page here with the share's id
// (pwa/shared-files.ts). The id leaves the URL at once, so a reload does not look for them again.
const shareId = new URLSearchParams(location.search).get(shareParam);
if (shareId) {
  history.replaceState(null, '', location.pathname + location.hash);
  void takeSharedFiles(shareId, document.baseURI).then(openInGallery, (error: unknown) => {
    byId('gallery-status', HTMLParagraphElement).textContent = `The shared files could not be opened: ${(error as Error).message}`;
  });
}

// The dev server has no service worker to serve (vite-plugin-pwa builds it with the production bundle).
const serviceWorker = import.meta.env.PROD ? registerServiceWorker() : undefined;
// For the tests and curious people: which version the controlling worker runs.
Object.assign(window, { blazeFaceApp: { version: __APP_VERSION__, serviceWorker, openLaunchedFiles } });
