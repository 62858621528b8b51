import { elementCommands } from '../test/components/node/element-commands.mjs';
import { heldRequestCommands } from './held-requests.mjs';
import { pwaCommands } from '../test/pwa/node/pwa-commands.mjs';
import { consumerCommands, stopConsumerServers } from '../test/package/node/consumer-commands.mjs';

// Server-side commands for browser tests (called with executeServerCommand from
// @web/test-runner-commands): things a page cannot do to itself, done through the browser's driver.

const commands = {
  /** Which browser entry of web-test-runner.config.mjs runs the test, and what it can do (its capabilities). */
  async 'test-browser'(session) {
    return { name: session.browser.name, ...session.browser.capabilities };
  },
  /**
   * The seed and step count tools/chaos/run.mjs asks test/components/chaos.test.ts to run (CHAOS_SEED, CHAOS_STEPS),
   * or false: the suite's own short runs.
   */
  async 'chaos-options'() {
    const seed = Number(process.env.CHAOS_SEED);
    const steps = Number(process.env.CHAOS_STEPS);
    return Number.isInteger(seed) && Number.isInteger(steps) && steps > 0 ? { seed, steps } : false;
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
