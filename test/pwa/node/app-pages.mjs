// A page the tests drive from the server (the PWA tests' app, the package's consumer pages), opened apart from
// the test page, through the browser's driver: puppeteer for Chromium and Firefox (a new context in the
// runner's browser), WebDriver for WebKit (a MiniBrowser of its own). Both offer the same small operations;
// what only one driver can do is said where it is left out.
import { remote } from 'webdriverio';
import { launchWebKitDriver, miniBrowserCapabilities } from '../../../tools/other-engines.mjs';

/**
 * Opens `url` in a new context of the puppeteer browser running `session` (the default context when
 * `incognito` is false). `colorScheme` is emulated only when given (through CDP in Chromium); `prepare(page)`
 * runs before the page loads.
 */
export async function openPuppeteerPage(session, url, { colorScheme, width = 1000, height = 760, incognito = true, prepare }) {
  const browser = session.browser.getPage(session.id).browser();
  const context = incognito ? await browser.createBrowserContext() : undefined;
  const page = await (context ?? browser).newPage();
  await page.setViewport({ width, height });
  if (colorScheme) await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: colorScheme }]);
  const close = () => (context ?? page).close();
  try {
    await prepare?.(page);
    const response = await page.goto(url, { waitUntil: 'load' });
    return {
      page,
      status: response?.status(),
      headers: response?.headers() ?? {},
      evaluate: (body) => page.evaluate(`(async () => { ${body} })()`),
      async waitFor(expression, timeout) {
        try {
          await page.waitForFunction(expression, { timeout, polling: 100 });
          return true;
        } catch (error) {
          if (error instanceof Error && error.name === 'TimeoutError') return false;
          throw error;
        }
      },
      async click(selector, navigation) {
        const navigated = navigation ? page.waitForNavigation({ waitUntil: 'load', timeout: 60000 }) : undefined;
        await page.click(selector);
        await navigated;
      },
      select: (selector, value) => page.select(selector, value),
      async upload(selector, files) {
        const input = await page.$(selector);
        if (!input) throw new Error(`no ${selector}`);
        await input.uploadFile(...files);
      },
      reload: () => page.reload({ waitUntil: 'load' }),
      switchNetworkOff: () => page.setOfflineMode(true),
      screenshot: (path) => page.screenshot({ path }),
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** The pages' WebKitWebDriver: the runner's holds its one session, the runner's MiniBrowser. */
let pagesDriverPort;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens `url` in a new MiniBrowser (a new browser process; with a new origin per server, no service worker or
 * cache carries over). WebDriver sees no responses, so there are no status and headers (Chromium's
 * installability test checks those), emulates no media features and switches no network off. Nor does it see
 * the page's console or requests: this WebKitWebDriver (2.50) refuses a session with `webSocketUrl`, WebDriver
 * BiDi, which would report them.
 */
export async function openWebDriverPage(url, { colorScheme, width = 1000, height = 760 }) {
  if (colorScheme) throw new Error('WebDriver cannot emulate prefers-color-scheme');
  pagesDriverPort ??= launchWebKitDriver();
  const driver = await remote({ hostname: '127.0.0.1', port: await pagesDriverPort, logLevel: 'error', capabilities: miniBrowserCapabilities });
  const close = () => driver.deleteSession();
  try {
    // Under the runner's 20 s limit for a command.
    await driver.setTimeout({ script: 15000 });
    await driver.setWindowSize(width, height);
    await driver.navigateTo(url);
    const evaluate = async (body) => {
      const result = await driver.executeAsync(`const done = arguments[arguments.length - 1];
        (async () => { ${body} })().then((value) => done({ value }), (error) => done({ error: String(error) }));`);
      if ('error' in result) throw new Error(result.error);
      return result.value;
    };
    /** Polls `ready` every 100 ms for `timeout` ms; a failing call (the page navigating) counts as not yet. */
    const poll = async (ready, timeout) => {
      let lastError;
      for (const end = Date.now() + timeout; Date.now() < end; await sleep(100)) {
        try {
          if (await ready()) return true;
          lastError = undefined;
        } catch (error) {
          lastError = error;
        }
      }
      if (lastError) throw lastError;
      return false;
    };
    return {
      evaluate,
      waitFor: (expression, timeout) => poll(() => evaluate(`return Boolean(${expression})`), timeout),
      async click(selector, navigation) {
        // WebDriver's click returns before a navigation the page starts later (the app reloads once the new
        // worker takes over): a mark on the old document tells the new one apart.
        if (navigation) await evaluate('window.beforeNavigation = true');
        await (await driver.$(selector)).click();
        const loaded = 'window.beforeNavigation === undefined && document.readyState === "complete"';
        if (navigation && !(await poll(() => evaluate(`return ${loaded}`), 60000))) throw new Error(`no navigation after clicking ${selector}`);
      },
      select: async (selector, value) => (await driver.$(selector)).selectByAttribute('value', value),
      // WebDriver types a file's path into a file input to pick it.
      // WebDriver takes several files for one input as lines of one value.
      upload: async (selector, files) => (await driver.$(selector)).setValue(files.join('\n')),
      reload: () => driver.refresh(),
      screenshot: (path) => driver.saveScreenshot(path),
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
