// Server-side commands for browser tests (called with executeServerCommand from
// @web/test-runner-commands): things a page cannot do to itself, done through the DevTools protocol.

async function devtools(session) {
  const page = session.browser.getPage(session.id);
  return { page, cdp: await page.createCDPSession() };
}

const commands = {
  /** Sets the camera permission for the test page's origin: 'granted', 'denied' or 'prompt'. */
  async 'camera-permission'(session, { state }) {
    const { page, cdp } = await devtools(session);
    const origin = new URL(page.url()).origin;
    await cdp.send('Browser.setPermission', { permission: { name: 'camera' }, setting: state, origin });
    await cdp.detach();
    return true;
  },
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
