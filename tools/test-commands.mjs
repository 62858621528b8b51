import { elementCommands } from '../test/components/node/element-commands.mjs';
import { heldRequestCommands } from './held-requests.mjs';
import { pwaCommands } from '../test/pwa/node/pwa-commands.mjs';
import { consumerCommands, stopConsumerServers } from '../test/package/node/consumer-commands.mjs';

// Server-side commands for browser tests (called with executeServerCommand from
// @web/test-runner-commands): things a page cannot do to itself, done through puppeteer.

const commands = {
  /** Sets the camera permission for the test page's origin: 'granted', 'denied' or 'prompt'. */
  async 'camera-permission'(session, { state }) {
    const page = session.browser.getPage(session.id);
    const origin = new URL(page.url()).origin;
    await page.browserContext().setPermission(origin, { permission: { name: 'camera' }, state });
    return true;
  },
  /**
   * The names of the test page's live dedicated workers (a worker's name is its DevTools target's title), so
   * a test can count the workers a page started and see them end.
   */
  async 'page-workers'(session) {
    const workers = session.browser.getPage(session.id).workers();
    return { names: workers.map((worker) => worker.client.target()._getTargetInfo().title) };
  },
  /** Which browser entry of web-test-runner.config.mjs runs the test, and what it can do (nativeWebNN, fakeCamera). */
  async 'test-browser'(session) {
    return { name: session.browser.name, ...session.browser.capabilities };
  },
  // release-held: see tools/held-requests.mjs.
  ...heldRequestCommands,
  // <blaze-face>'s tests' commands (worker-eval, page-visibility): test/components/node/element-commands.mjs.
  ...elementCommands,
  // The PWA tests' commands (pwa-open, pwa-offline, pwa-build, ...): test/pwa/node/pwa-commands.mjs.
  ...pwaCommands,
  // The package consumer tests' commands (consumer-prepare, consumer-open, ...): test/package/node/.
  ...consumerCommands,
};

export function testCommands() {
  return {
    name: 'blaze-face-test-commands',
    async serverStop() {
      await stopConsumerServers();
    },
    async executeCommand({ command, payload, session }) {
      const run = commands[command];
      return run ? run(session, payload ?? {}) : undefined;
    },
  };
}
