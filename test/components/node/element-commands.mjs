// Server commands for test/components/: what the test page cannot do to itself, done through the browser's
// driver (puppeteer, or WebDriver for WebKit) and, in Chromium, its DevTools protocol.

/**
 * The test page's dedicated workers named `name`. A worker's name (new Worker(url, { name })) is its DevTools
 * target's title. Tests address one worker by name, not by script URL: every detector's worker has the same
 * URL, and a retired one may still be busy finishing a task, during which an evaluate in it gets no answer.
 */
function workersNamed(session, name) {
  return session.browser
    .getPage(session.id)
    .workers()
    .filter((worker) => worker.client.target()._getTargetInfo().title === name);
}

/** session id -> the tab covering the test page (puppeteer) */
const covers = new Map();
/** session id -> the window's place and size before it was minimized (WebDriver) */
const minimized = new Map();

async function webdriverVisibility(driver, sessionId, hidden) {
  if (hidden && !minimized.has(sessionId)) {
    minimized.set(sessionId, await driver.getWindowRect());
    await driver.minimizeWindow();
  } else if (!hidden && minimized.has(sessionId)) {
    const { x, y, width, height } = minimized.get(sessionId);
    minimized.delete(sessionId);
    await driver.setWindowRect(x, y, width, height);
  }
  return true;
}

export const elementCommands = {
  /**
   * Evaluates `expression` in every dedicated worker of the test page named `name` and returns their results,
   * so a test can reach state that only exists inside a worker (its GPU device).
   */
  async 'worker-eval'(session, { name, expression }) {
    const workers = workersNamed(session, name);
    // Wrapped, because a command that returns undefined counts as unknown to the test runner.
    return { values: await Promise.all(workers.map((worker) => worker.evaluate(expression))) };
  },

  /**
   * Destroys every native MLContext alive in the dedicated worker named `name`, as a device reset would, and
   * returns how many. The worker's code keeps its context private, so they are found by the DevTools
   * protocol's heap query (Runtime.queryObjects) for MLContext's prototype. Native WebNN only: in a worker
   * running the polyfill's threaded wasm engine, the heap query crashes this Chromium.
   */
  async 'worker-destroy-webnn'(session, { name }) {
    const counts = await Promise.all(workersNamed(session, name).map(async (worker) => {
      const prototype = await worker.evaluateHandle('MLContext.prototype');
      const { objects } = await worker.client.send('Runtime.queryObjects', { prototypeObjectId: prototype.remoteObject().objectId });
      const { result } = await worker.client.send('Runtime.callFunctionOn', {
        objectId: objects.objectId,
        functionDeclaration: 'function () { const contexts = this.filter((c) => c !== MLContext.prototype); for (const c of contexts) c.destroy(); return contexts.length; }',
        returnByValue: true,
      });
      await prototype.dispose();
      return result.value;
    }));
    return { counts };
  },

  /**
   * Hides or shows the test page the way a person does, so that the browser itself changes
   * document.visibilityState and fires visibilitychange. Through puppeteer (Chromium, Firefox): `hidden` opens
   * another tab in front of it, `hidden: false` closes that tab and brings the test page back
   * (Page.setWebLifecycleState 'frozen' hides the page too, but freezing the test runner's own page makes the
   * runner lose the browser). Through WebDriver (WebKit, whose new tabs and windows leave the page visible):
   * the window is minimized, then given back its size and place.
   */
  async 'page-visibility'(session, { hidden }) {
    if (session.browser.driver) return webdriverVisibility(session.browser.driver, session.id, hidden);
    const page = session.browser.getPage(session.id);
    const cover = covers.get(session.id);
    if (hidden && !cover) {
      const tab = await page.browserContext().newPage();
      covers.set(session.id, tab);
      await tab.bringToFront();
    } else if (!hidden && cover) {
      covers.delete(session.id);
      await cover.close();
      await page.bringToFront();
    }
    return true;
  },
};
