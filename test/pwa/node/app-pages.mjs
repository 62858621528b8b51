// A page the tests drive from the server (the PWA tests' app, the package's consumer pages), opened apart from
// the test page, through the browser's driver: puppeteer for Chromium and Firefox (a new context in the
// runner's browser), WebDriver for WebKit (a MiniBrowser of its own). Both offer the same small operations (input
// events through puppeteer's devices or WebDriver's actions); what only one driver can do is said where it is left out.
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
      async mouseDrag(selector, from, to) {
        const target = await page.$(selector);
        await target?.scrollIntoView();
        const box = await target?.boundingBox();
        if (!box) throw new Error(`no visible ${selector}`);
        const point = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
        await page.mouse.move(...point(from));
        await page.mouse.down();
        await page.mouse.move(...point(to), { steps: DRAG_STEPS });
        await page.mouse.up();
      },
      async press(key, modifiers) {
        for (const modifier of modifiers) await page.keyboard.down(modifier);
        await page.keyboard.press(key);
        for (const modifier of [...modifiers].reverse()) await page.keyboard.up(modifier);
      },
      addScript: (content) => page.addScriptTag({ content }),
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

/** Pointer moves between a drag's press and release (a drag handler sees moves, not only the end points). */
const DRAG_STEPS = 5;

/** WebDriver's codes for the keys the tests press by name (the WebDriver spec's table of normalised keys). */
const webDriverKeys = {
  Control: '\uE009', Shift: '\uE008', Alt: '\uE00A', Meta: '\uE03D', Enter: '\uE007', Escape: '\uE00C', Tab: '\uE004',
  Backspace: '\uE003', Delete: '\uE017', ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014', ArrowDown: '\uE015',
};
const webDriverKey = (key) => webDriverKeys[key] ?? key;

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
      // WebDriver's pointer actions, in viewport pixels of the element's box as the page measures it.
      async mouseDrag(selector, from, to) {
        const box = await evaluate(`const target = document.querySelector(${JSON.stringify(selector)});
          if (!target) return null;
          target.scrollIntoView({ block: 'center' });
          const { x, y, width, height } = target.getBoundingClientRect();
          return { x, y, width, height };`);
        if (!box) throw new Error(`no ${selector}`);
        const point = ([x, y]) => ({ x: Math.round(box.x + x * box.width), y: Math.round(box.y + y * box.height) });
        const [start, end] = [point(from), point(to)];
        const moves = Array.from({ length: DRAG_STEPS }, (_, i) => {
          const t = (i + 1) / DRAG_STEPS;
          return { type: 'pointerMove', origin: 'viewport', duration: 20, x: Math.round(start.x + t * (end.x - start.x)), y: Math.round(start.y + t * (end.y - start.y)) };
        });
        await driver.performActions([{
          type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
          actions: [{ type: 'pointerMove', origin: 'viewport', duration: 0, ...start }, { type: 'pointerDown', button: 0 }, ...moves, { type: 'pointerUp', button: 0 }],
        }]);
        await driver.releaseActions();
      },
      async press(key, modifiers) {
        const held = modifiers.map(webDriverKey);
        await driver.performActions([{
          type: 'key', id: 'keyboard',
          actions: [
            ...held.map((value) => ({ type: 'keyDown', value })),
            { type: 'keyDown', value: webDriverKey(key) }, { type: 'keyUp', value: webDriverKey(key) },
            ...[...held].reverse().map((value) => ({ type: 'keyUp', value })),
          ],
        }]);
        await driver.releaseActions();
      },
      // Run as the script itself: a script WebDriver runs is not subject to the page's content security policy.
      addScript: (content) => driver.execute(content),
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
