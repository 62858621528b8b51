// The PWA tests' view of the app page that test/pwa/node/pwa-commands.mjs drives in its own browser context
// (through puppeteer in Chromium and Firefox, through WebDriver in WebKit: test/pwa/node/app-pages.mjs).
import { executeServerCommand } from '@web/test-runner-commands';

export interface OpenedApp {
  origin: string;
  /** The document's response, where the driver sees it (puppeteer; WebDriver does not). */
  status?: number;
  headers?: Record<string, string>;
}

export interface DetectionSummary {
  state: string;
  faces: number;
  backend: string;
  crossOriginIsolated: boolean;
  controlled: boolean;
  version: string;
}

export async function command<T>(name: string, payload: object = {}): Promise<T> {
  return (await executeServerCommand(name, payload)) as T;
}

export interface OpenOptions {
  dir?: string;
  colorScheme?: 'light' | 'dark';
  width?: number;
  height?: number;
  /** False opens the app in the browser's default context (installability needs that). */
  incognito?: boolean;
  /** The view to land on: the live view (default: its element is what most tests drive) or the first screen. */
  view?: 'start' | 'live';
}

/** Opens the app on its live view (the element), or, with `view: 'start'`, on its first screen. */
export async function openApp({ view = 'live', ...options }: OpenOptions = {}): Promise<OpenedApp> {
  const opened = await command<OpenedApp>('pwa-open', options);
  if (view === 'live') await command('pwa-click', { selector: '#open-live' });
  return opened;
}

export async function evaluate<T>(body: string): Promise<T> {
  return (await command<{ value: T }>('pwa-eval', { body })).value;
}

/** Until `expression` is truthy in the app page, in steps shorter than the runner's 20 s command limit. */
export async function waitFor(expression: string, timeout = 120000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await command<boolean>('pwa-wait', { expression, timeout: 15000 }))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
  }
}

/** Until the service worker controls the page (it claims it on first install, once all is precached). */
export const waitForControl = () => waitFor('navigator.serviceWorker.controller !== null');

/** Until <blaze-face> has analysed its photo; then what it found and what the page runs on. */
export async function detectionDone(): Promise<DetectionSummary> {
  await waitFor("document.querySelector('blaze-face')?.state === 'running'");
  return evaluate<DetectionSummary>(`
    const element = document.querySelector('blaze-face');
    return {
      state: element.state,
      faces: element.faces.length,
      backend: element.backend ? element.backend.implementation + '/' + element.backend.engine : '',
      crossOriginIsolated: self.crossOriginIsolated,
      controlled: navigator.serviceWorker.controller !== null,
      version: document.getElementById('version').textContent,
    };`);
}

export const closeApp = () => command<boolean>('pwa-close');

/** One of axe-core's findings: its rule, how bad, and the nodes' selectors. */
export interface AxeViolation {
  id: string;
  impact: string;
  targets: string[];
}

/** axe-core's accessibility check of the app page as it is now. */
export const axeViolations = () => command<AxeViolation[]>('pwa-axe');

/** `bytes` in base64, converted in pieces (a call takes a bounded number of arguments). */
export function base64(bytes: Uint8Array): string {
  let text = '';
  for (let at = 0; at < bytes.length; at += 0x8000) text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(text);
}

export const fromBase64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

/** A file the app page handed to the browser to save: its name, and its bytes in base64. */
export interface Download {
  name: string;
  base64: string;
}

/** In the app page: its downloads kept for the test instead of saved, in window.downloads (each a Download's promise). */
export const keepDownloads = () => evaluate(`
  window.downloads = [];
  HTMLAnchorElement.prototype.click = function () {
    window.downloads.push(fetch(this.href).then((response) => response.arrayBuffer()).then((buffer) => {
      let text = '';
      const bytes = new Uint8Array(buffer);
      for (let at = 0; at < bytes.length; at += 0x8000) text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
      return { name: this.download, base64: btoa(text) };
    }));
  };`);

/** Opens `bytes` as the file `name` in the gallery's file picker, as a person picking it would. */
export async function openInGallery(bytes: Uint8Array, name: string, type: string): Promise<void> {
  const chunk = 500_000; // the command channel takes the file in pieces
  const text = base64(bytes);
  await evaluate('window.upload = []');
  for (let at = 0; at < text.length; at += chunk) await evaluate(`window.upload.push(${JSON.stringify(text.slice(at, at + chunk))})`);
  await evaluate(`
    const bytes = Uint8Array.from(atob(window.upload.join('')), (char) => char.charCodeAt(0));
    delete window.upload;
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} }));
    const picker = document.getElementById('gallery-files');
    picker.files = transfer.files;
    picker.dispatchEvent(new Event('change', { bubbles: true }));`);
}
