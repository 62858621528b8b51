import { elementCommands } from '../test/components/node/element-commands.mjs';
import { pwaCommands } from '../test/pwa/node/pwa-commands.mjs';

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
  /** Which browser entry of web-test-runner.config.mjs runs the test, and what it can do (nativeWebNN, fakeCamera). */
  async 'test-browser'(session) {
    return { name: session.browser.name, ...session.browser.capabilities };
  },
  // <blaze-face>'s tests' commands (worker-eval, page-visibility): test/components/node/element-commands.mjs.
  ...elementCommands,
  // The PWA tests' commands (pwa-open, pwa-offline, pwa-build, ...): test/pwa/node/pwa-commands.mjs.
  ...pwaCommands,
};

export function testCommands() {
  return {
    name: 'blaze-face-test-commands',
    async executeCommand({ command, payload, session }) {
      const run = commands[command];
      return run ? run(session, payload ?? {}) : undefined;
    },
  };
}
