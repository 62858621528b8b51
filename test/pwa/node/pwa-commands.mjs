// Server commands for test/pwa/: the PWA tests drive the production build in a page of their own (a fresh
// browser context, so no service worker or cache survives from one test to the next), which the test page
// itself cannot do. Each command does one small thing; the tests hold the logic. The page is opened through
// the browser's driver (app-pages.mjs).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { buildVersion, distDir } from './build.mjs';
import { startStaticServer } from './static-server.mjs';
import { openPuppeteerPage, openWebDriverPage } from './app-pages.mjs';

const root = resolve(import.meta.dirname, '../../..');
const screenshotDir = resolve(root, 'test-results/screenshots');
/** Where the docs' screenshots go, as JPEG (a tenth of a PNG's bytes), when `npm run screenshots` asks (DOCS_SCREENSHOTS=1). */
const docsImageDir = process.env.DOCS_SCREENSHOTS === '1' ? resolve(root, 'docs/images') : undefined;
const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** session id -> { server, page } */
const apps = new Map();

function app(session) {
  const found = apps.get(session.id);
  if (!found) throw new Error('pwa-open first');
  return found;
}

/** The puppeteer page (Chromium, Firefox), for what WebDriver classic cannot do: DevTools. */
function puppeteerPage(session) {
  const { page } = app(session).page;
  if (!page) throw new Error('puppeteer only');
  return page;
}

async function close(session) {
  const found = apps.get(session.id);
  if (!found) return;
  apps.delete(session.id);
  await found.page.close().catch(() => undefined);
  await found.server.stop().catch(() => undefined);
}

export const pwaCommands = {
  /** Builds a version of the app into its own folder; returns the folder. */
  async 'pwa-build'(_session, { version }) {
    return buildVersion(version);
  },

  /**
   * Serves `dir` (default dist-app/) and opens it in a browser context of its own; returns the document's
   * status and headers where the driver sees them (puppeteer). `colorScheme` is emulated only when given.
   */
  // `incognito: false` uses the browser's default context, because Chromium never offers to install from an
  // incognito one; each server gets a new port, hence a new origin without any earlier service worker.
  async 'pwa-open'(session, { dir = distDir, colorScheme, width = 1000, height = 760, incognito = true }) {
    await close(session);
    const server = await startStaticServer(dir);
    // The runner's puppeteer browsers have pages; its WebDriver one (WebKit) has none to reach.
    const open = session.browser.getPage ? openPuppeteerPage.bind(undefined, session) : openWebDriverPage;
    try {
      const page = await open(`${server.origin}/`, { colorScheme, width, height, incognito });
      apps.set(session.id, { server, page });
      return { origin: server.origin, status: page.status, headers: page.headers };
    } catch (error) {
      await server.stop();
      throw error;
    }
  },

  /** Evaluates a function body (an expression or statements with return) in the app page. */
  async 'pwa-eval'(session, { body }) {
    // Wrapped, because a command that returns undefined counts as unknown to the test runner.
    return { value: await app(session).page.evaluate(body) };
  },

  /**
   * Waits up to `timeout` ms until `expression` is truthy in the app page; resolves false when it is not yet.
   * Kept short because the test runner gives up on a command after 20 s: longer waits are loops of these.
   */
  async 'pwa-wait'(session, { expression, timeout = 15000 }) {
    return app(session).page.waitFor(expression, timeout);
  },

  async 'pwa-click'(session, { selector, navigation = false }) {
    await app(session).page.click(selector, navigation);
    return true;
  },

  async 'pwa-select'(session, { selector, value }) {
    await app(session).page.select(selector, value);
    return true;
  },

  /** Picks a file (or several, `files`) in a file input, as a person would in the file dialog. */
  async 'pwa-upload'(session, { selector, file, files = [file] }) {
    await app(session).page.upload(selector, files.map((path) => resolve(root, path)));
    return true;
  },

  /** Drags the mouse over `selector` from `from` to `to`, each [x, y] as fractions of its box. */
  async 'pwa-mouse-drag'(session, { selector, from, to }) {
    await app(session).page.mouseDrag(selector, from, to);
    return true;
  },

  /** Presses a key with modifiers held, e.g. { key: 'z', modifiers: ['Control'] }. */
  async 'pwa-press'(session, { key, modifiers = [] }) {
    await app(session).page.press(key, modifiers);
    return true;
  },

  /** axe-core's accessibility check of the app page as it is now: its violations, each with the nodes' selectors. */
  async 'pwa-axe'(session) {
    const { page } = app(session);
    await page.addScript(readFileSync(axeSource, 'utf8'));
    return page.evaluate(`
      const { violations } = await window.axe.run(document);
      return violations.map(({ id, impact, nodes }) => ({ id, impact, targets: nodes.map((node) => node.target.join(' ')) }));`);
  },

  /**
   * Chromium's DevTools: drags a file (or several, `files`) from disk over `selector` (step 'over': dragEnter and dragOver) or drops it there (step
   * 'drop'), through Input.dispatchDragEvent: the browser itself fires trusted drag events whose DataTransfer
   * holds the file, as when a person drags it in from the desktop.
   */
  async 'pwa-drag-file'(session, { selector, file, files = [file], step }) {
    const page = puppeteerPage(session);
    const target = await page.$(selector);
    const box = await target?.boundingBox();
    if (!box) throw new Error(`no visible ${selector}`);
    const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const data = { items: [], files: files.map((path) => resolve(root, path)), dragOperationsMask: 1 };
    const cdp = await page.createCDPSession();
    try {
      const types = step === 'drop' ? ['drop'] : ['dragEnter', 'dragOver'];
      for (const type of types) await cdp.send('Input.dispatchDragEvent', { type, ...point, data });
    } finally {
      await cdp.detach();
    }
    return true;
  },

  async 'pwa-reload'(session) {
    await app(session).page.reload();
    return true;
  },

  /**
   * Really offline: the server stops, and where the driver can (puppeteer), the page's network is switched off
   * too. WebDriver has no such switch: there the app's origin refuses every connection, as a site that is down.
   */
  async 'pwa-offline'(session) {
    const { page, server } = app(session);
    await server.stop();
    await page.switchNetworkOff?.();
    return true;
  },

  /** Deploys another build on the same origin. */
  async 'pwa-serve'(session, { dir }) {
    app(session).server.serve(dir);
    return true;
  },

  /** Chromium's own verdict on installability (DevTools). */
  async 'pwa-installability'(session) {
    const page = puppeteerPage(session);
    const cdp = await page.createCDPSession();
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    const manifest = await cdp.send('Page.getAppManifest');
    await cdp.detach();
    return { installabilityErrors, manifestErrors: manifest.errors, manifestUrl: manifest.url };
  },

  /** A screenshot of the app page saved as `name`; one the docs show (`docs`) goes to docs/images/ when asked for. */
  async 'pwa-screenshot'(session, { name, docs = false }) {
    const dir = docs && docsImageDir ? docsImageDir : screenshotDir;
    mkdirSync(dir, { recursive: true });
    const path = resolve(dir, `${name}.${dir === docsImageDir ? 'jpg' : 'png'}`);
    await app(session).page.screenshot(path);
    return path;
  },

  async 'pwa-close'(session) {
    await close(session);
    return true;
  },
};
