// Server commands for test/package/: the consumer project (consumer.mjs) served four ways, each page opened
// in a fresh browser context of its own, with everything a user would see going wrong recorded where the
// driver reports it (puppeteer): failed requests, requests to other origins, console errors, uncaught
// exceptions and CSP violations.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isolationHeaders } from '../../../tools/dev-middleware.mjs';
import { startStaticServer } from '../../pwa/node/static-server.mjs';
import { openPuppeteerPage, openWebDriverPage } from '../../pwa/node/app-pages.mjs';
import { prepareConsumer } from './consumer.mjs';

/**
 * The strictest policy the drop-in runs under, found by measurement (docs/install.md, "Content-Security-Policy"): scripts
 * only from the page's origin plus WebAssembly compilation, nothing inline or evaluated. It holds on a cross-origin
 * isolated page too: our wasm engine starts no threads (only tfjs-wasm's threaded build, when chosen, needs blob:).
 */
const otherDirectives = ["default-src 'none'", "connect-src 'self'", "img-src 'self'", "style-src 'self'"];
export const strictPolicy = [...otherDirectives, "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'"].join('; ');

let preparing;
const servers = new Map();
/** session id -> { page, server, log, firstRequest } */
const opened = new Map();

async function serverFor(kind) {
  const { dir, vite } = await preparing;
  const key = kind === 'twice' ? 'plain' : kind;
  if (servers.has(key)) return servers.get(key);
  let server;
  if (kind === 'plain' || kind === 'twice') server = await startStaticServer(dir, {});
  else if (kind === 'csp') server = await startStaticServer(dir, { 'Content-Security-Policy': strictPolicy });
  else if (kind === 'csp-isolated') server = await startStaticServer(dir, { ...isolationHeaders, 'Content-Security-Policy': strictPolicy });
  else if (kind === 'vite-build') server = await startStaticServer(join(dir, 'vite-dist'), {});
  else if (kind === 'vite-dev') {
    const dev = await vite.createServer({ root: dir, configFile: false, logLevel: 'warn', server: { host: 'localhost', port: 0 } });
    await dev.listen();
    const { port } = dev.httpServer.address();
    server = { origin: `http://localhost:${port}`, state: undefined, stop: () => dev.close() };
  } else throw new Error(`unknown consumer kind ${kind}`);
  servers.set(key, server);
  return server;
}

const pagePath = {
  plain: '/deep/nested/page.html',
  csp: '/deep/nested/page.html',
  'csp-isolated': '/deep/nested/page.html',
  twice: '/deep/nested/twice.html',
  'vite-dev': '/',
  'vite-build': '/',
};

export const consumerCommands = {
  /** Starts packing and installing (it takes longer than one command may). */
  async 'consumer-prepare'() {
    preparing ??= prepareConsumer();
    preparing.catch(() => undefined);
    return true;
  },

  /** Waits up to 15 s for the consumer project; its tarball's numbers once it is there. */
  async 'consumer-ready'() {
    if (!preparing) throw new Error('consumer-prepare first');
    const done = await Promise.race([preparing, new Promise((resolve) => setTimeout(() => resolve(undefined), 15000))]);
    if (!done) return { ready: false };
    return { ready: true, tarballBytes: done.tarballBytes, unpackedBytes: done.unpackedBytes, files: done.files };
  },

  /**
   * Opens the consumer's page served as `kind` in a new browser context. Through puppeteer, what a user would
   * see going wrong is recorded (the driver reports the page's requests, responses and console, and a script it
   * adds before the page's own records CSP violations); WebDriver (WebKit) reports none of it (app-pages.mjs).
   */
  async 'consumer-open'(session, { kind }) {
    const server = await serverFor(kind);
    const url = server.origin + pagePath[kind];
    const firstRequest = server.state?.requests.length ?? 0;
    if (!session.browser.getPage) {
      opened.set(session.id, { page: await openWebDriverPage(url, {}), server, firstRequest });
      return { origin: server.origin };
    }
    const log = { failed: [], otherOrigin: [], consoleErrors: [], warnings: [], pageErrors: [] };
    const prepare = async (page) => {
      page.on('response', (response) => {
        if (response.status() >= 400) log.failed.push(`${response.status()} ${response.url()}`);
      });
      page.on('requestfailed', (request) => log.failed.push(`${request.failure()?.errorText} ${request.url()}`));
      page.on('request', (request) => {
        const requested = new URL(request.url());
        if (requested.origin !== server.origin && requested.protocol !== 'data:' && requested.protocol !== 'blob:') log.otherOrigin.push(request.url());
      });
      page.on('console', (message) => {
        if (message.type() === 'error') log.consoleErrors.push(message.text());
        if (message.type() === 'warn') log.warnings.push(message.text());
      });
      page.on('pageerror', (error) => log.pageErrors.push(String(error)));
      // Injected through the driver, so it runs whatever the page's CSP says: CSP violations, page and workers.
      await page.evaluateOnNewDocument(() => {
        self.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (event) =>
          self.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`),
        );
      });
    };
    const page = await openPuppeteerPage(session, url, { prepare });
    opened.set(session.id, { page, server, log, firstRequest });
    return { status: page.status, origin: server.origin };
  },

  /**
   * Waits up to 15 s for the opened page's <blaze-face> to show faces (or fail), then reports them with
   * what the page did: failures, other origins, console errors, CSP violations (where the driver reports
   * them), and the bytes served (in all, and of the package's own files).
   */
  async 'consumer-faces'(session) {
    const { page, log, server, firstRequest } = opened.get(session.id) ?? {};
    if (!page) throw new Error('consumer-open first');
    const elements = "[...document.querySelectorAll('blaze-face')]";
    const settled = await page.waitFor(`${elements}.every((element) => element.faces?.length > 0 || element.state === 'error')`, 15000);
    // As JSON text: WebDriver BiDi (Firefox) sends an object met twice (the elements' shared backend) the
    // second time as a reference, which puppeteer turns into undefined.
    const view = JSON.parse(await page.evaluate(`return JSON.stringify({
      defined: Boolean(customElements.get('blaze-face')),
      crossOriginIsolated: self.crossOriginIsolated,
      cspViolations: self.cspViolations,
      elements: ${elements}.map((element) => ({
        state: element.state,
        status: element.shadowRoot?.querySelector('[part=status]')?.textContent?.trim(),
        backend: element.backend,
        faces: (element.faces ?? []).map((face) => ({ box: face.box, keypoints: face.keypoints, score: face.score })),
      })),
    })`));
    const paths = server.state ? server.state.requests.slice(firstRequest) : [];
    const files = [...new Set(paths)].map((path) => join(server.state.root, decodeURIComponent(path))).filter((file) => {
      try {
        return statSync(file).isFile();
      } catch {
        return false;
      }
    });
    // As files, and as a compressing server sends them: text gzipped, wasm and model files as they are.
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    const sent = files.map((file) => (/\.(js|html|css|json)$/.test(file) ? gzipSync(readFileSync(file)).length : statSync(file).size));
    const transferBytes = sent.reduce((sum, size) => sum + size, 0);
    // The library's own share: what the package served, without the test page and its photo.
    const libraryBytes = files.filter((file) => file.includes('/node_modules/blaze-face/')).reduce((sum, file) => sum + statSync(file).size, 0);
    return { settled, ...view, ...log, bytes, libraryBytes, transferBytes, paths };
  },

  async 'consumer-close'(session) {
    const found = opened.get(session.id);
    opened.delete(session.id);
    await found?.page.close().catch(() => undefined);
    return true;
  },
};

/** Ends the servers and removes the consumer project (the runner calls this when it stops). */
export async function stopConsumerServers() {
  for (const server of servers.values()) await server.stop().catch(() => undefined);
  servers.clear();
  const consumer = await preparing?.catch(() => undefined);
  if (consumer) rmSync(consumer.dir, { recursive: true, force: true });
}
