// What the tests need to run Firefox and WebKit here, started on first use and ended with the process that
// started them: an X display (Xvfb) when none is set, for Firefox's WebGL and WebKitGTK's MiniBrowser, and
// WebKitWebDriver, through which the MiniBrowser is driven. Everything comes from Debian's packages:
// `apt-get install firefox-esr xvfb xauth mesa-vulkan-drivers libvulkan1 webkit2gtk-driver`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export const firefoxPath = '/usr/bin/firefox-esr';
export const webkitDriverPath = '/usr/bin/WebKitWebDriver';

/**
 * WebDriver capabilities of WebKitGTK's MiniBrowser: mock capture devices for the camera, autoplay, WebGL in
 * workers too, and 2D canvases painted on the CPU (see webKitEnvironment).
 */
export const miniBrowserCapabilities = {
  browserName: 'MiniBrowser',
  'wdio:enforceWebDriverClassic': true,
  'webkitgtk:browserOptions': {
    binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
    args: ['--automation', '--enable-mock-capture-devices=true', '--enable-media-stream=true', '--autoplay-policy=allow',
      '--enable-webgl=true', '--features=+AllowWebGLInWorkers', '--enable-2d-canvas-acceleration=false'],
  },
};

/**
 * What WebKitWebDriver, and through it the MiniBrowser and its web processes, run with.
 * - JSC_useSharedArrayBuffer turns on SharedArrayBuffer, which WebKitGTK otherwise leaves out even on a
 *   cross-origin isolated page (the wasm engine's threads need it).
 * - WEBKIT_SKIA_ENABLE_CPU_RENDERING, with the canvas flag above, keeps Skia's GPU painting (Ganesh on Mesa's
 *   software GL here) out of the page: WebKitGTK 2.50 there dies on an illegal instruction inside Ganesh's flush,
 *   from a captured canvas's frame read-back or from the compositor thread. Measured on the element's 500-frame
 *   test: the web process crashed in 4 of 6 runs as shipped, in 0 of 8 with both set. WebGL is not affected.
 */
const webKitEnvironment = { JSC_useSharedArrayBuffer: 'true', WEBKIT_SKIA_ENABLE_CPU_RENDERING: '1' };

const started = [];
process.on('exit', () => {
  for (const child of started) child.kill('SIGTERM');
});

function requireBinary(path, aptPackage) {
  if (!existsSync(path)) throw new Error(`${path} is missing: apt-get install -y ${aptPackage}`);
}

/**
 * Starts a helper process that ends with this one and does not keep it alive; its stderr's tail is kept, and
 * crash reports in it (the MiniBrowser's "WebProcess CRASHED") are printed at once, since the runner itself
 * only sees a browser that disconnected.
 */
function start(command, args, env = process.env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let partialLine = ''; // a chunk may end mid-line
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-2000);
    const lines = (partialLine + chunk).split('\n');
    partialLine = lines.pop();
    for (const line of lines) {
      if (line.includes('CRASHED')) process.stderr.write(`${command}: ${line.trim()}\n`);
    }
  });
  child.stderr.unref();
  child.unref();
  started.push(child);
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(`${command} exited (${code}): ${stderr}`)));
  return { child, exited };
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves when `ready()` is true, rejects when the process exits first or after `timeout` ms. */
async function waitFor(ready, exited, what, timeout = 20000) {
  let gone;
  exited.then((reason) => (gone = reason));
  for (const end = Date.now() + timeout; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (gone) throw new Error(`${what} did not start: ${gone}`);
    if (await ready()) return;
  }
  throw new Error(`${what} did not start within ${timeout} ms`);
}

let display;
/** Sets DISPLAY for the browsers this process launches: the one already set, or a new Xvfb's. */
export function ensureDisplay() {
  display ??= (async () => {
    if (process.env.DISPLAY) return;
    requireBinary('/usr/bin/Xvfb', 'xvfb xauth');
    // Xvfb picks a free display number itself and writes it to the file descriptor it is given (here stdout).
    const child = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] });
    started.push(child);
    // It writes the number and its newline in separate writes, and a failed write is fatal to it ("Cannot write
    // display number to fd 1"): read up to the newline, and leave the pipe open and drained for its lifetime.
    // (Closing it after the first chunk killed Xvfb in about one start in four, and every browser on it failed.)
    const number = await new Promise((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\n')) resolve(text.trim());
      });
      child.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
    });
    child.unref();
    child.stdout.unref?.();
    process.env.DISPLAY = `:${number}`;
  })();
  return display;
}

/**
 * Starts a WebKitWebDriver of its own on a free port and resolves with the port. One driver holds one session at
 * a time (a second one is refused: "Maximum number of active sessions"), so a test that drives a MiniBrowser
 * besides the runner's needs a driver of its own.
 */
export async function launchWebKitDriver() {
  requireBinary(webkitDriverPath, 'webkit2gtk-driver');
  await ensureDisplay();
  const port = await freePort();
  const { exited } = start(webkitDriverPath, [`--port=${port}`], { ...process.env, ...webKitEnvironment });
  const listening = () => fetch(`http://127.0.0.1:${port}/status`).then((response) => response.ok, () => false);
  await waitFor(listening, exited, 'WebKitWebDriver');
  return port;
}

let webkitDriver;
/** Starts the runner's WebKitWebDriver (once) and resolves with its port. */
export function startWebKitDriver() {
  webkitDriver ??= launchWebKitDriver();
  return webkitDriver;
}

/** Firefox's path, after checking it is installed and that it has a display for WebGL. */
export async function prepareFirefox() {
  requireBinary(firefoxPath, 'firefox-esr');
  await ensureDisplay();
  return firefoxPath;
}
