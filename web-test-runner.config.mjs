import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import { defaultReporter } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { devMiddleware } from './tools/dev-middleware.mjs';
import { heldRequests } from './tools/held-requests.mjs';
import { testCommands } from './tools/test-commands.mjs';
import { commonjsPlugin } from './tools/commonjs-plugin.mjs';
import { nodeOnlyFilesPlugin } from './tools/node-only-files.mjs';
import { nativeChromiumArgs, nativeChromiumPath } from './tools/native-chromium.mjs';
import { browserTally } from './tools/browser-tally.mjs';
import { miniBrowserCapabilities, prepareFirefox, startWebKitDriver } from './tools/other-engines.mjs';

const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

// Flags every Chromium here gets: no network chatter, a synthetic camera that pages may use without asking
// (as in Firefox and WebKit here; a test refuses it with a frame's permissions policy), autoplay, and gc() for
// the leak checks.
const commonArgs = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--js-flags=--expose-gc',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

// Debian's Chromium, with WebGL and WebGPU on the CPU through SwiftShader so
// that every polyfill engine (wasm, cpu, webgl, webgpu) runs here. The WebNN feature flag exposes
// navigator.ml, whose createContext() rejects on this platform (built without WebNN backends): exactly the
// fallback the tests exercise.
const polyfillArgs = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--enable-features=WebMachineLearningNeuralNetwork',
];

/** Test files about blaze-face itself, which must mean the same on every WebNN implementation. */
const portableTests = [
  'test/model/**/*.test.ts',
  '!test/model/context-loss.test.ts', // the polyfill's WebGL engine losing its context
  'test/components/**/*.test.ts',
  '!test/components/engine-choice.test.ts', // how the polyfill picks its engine
  '!test/components/camera-faults.test.ts', // needs the fake camera, which the native build lacks
  '!test/components/many-elements.test.ts', // the fake camera too, and the polyfill's engine memory
  'test/webnn/context.test.ts',
];

/** Test files for the engines other than Chromium: the WebNN layer, the model and the element. */
const otherEngineTests = ['test/webnn/**/*.test.ts', 'test/model/**/*.test.ts', 'test/components/**/*.test.ts'];
/**
 * What Firefox with shared memory on runs: the element's start-up, where a worker starting a thread pool can
 * get stuck (start-sequence.test.ts repeats the start that did), and the threaded engine itself.
 */
const sharedMemoryFirefoxTests = [
  'test/components/start-sequence.test.ts',
  'test/components/start-up.test.ts',
  'test/model/worker-face-detector.test.ts',
  'test/webnn/wasm-threads.test.ts',
  'test/webnn/wasm-threads-configured.test.ts',
];
/**
 * The app's service worker, offline use, update prompt and controls, driven in a page of their own: through
 * puppeteer in Firefox, through a second WebKitWebDriver in WebKit (test/pwa/node/app-pages.mjs).
 */
const appTests = ['test/pwa/offline.test.ts', 'test/pwa/update.test.ts', 'test/pwa/controls.test.ts'];

/**
 * Firefox's settings for the tests: WebGPU on (it is off by default on Linux; Mesa's lavapipe runs it on the
 * CPU), a fake camera that may be used without asking, and autoplay. Shared memory is off: while a WebDriver
 * BiDi session is open (puppeteer's, here), Firefox 153 registers a worker-debugger listener in every content
 * process, and a worker that starts other workers in a row, as the tfjs-wasm engine does inside the detector's
 * worker (8 at once), may hang for good in `new Worker()` (measured: 23 of 86 starts of the detector's worker
 * hung under puppeteer; none of 40 in the same Firefox with no driver attached). Without SharedArrayBuffer the
 * engine runs its single-threaded binary, starts no workers of its own, and the pages stay cross-origin
 * isolated. Users have shared memory on: `firefox-esr-shared-memory` below runs the start-up tests that way,
 * where a stuck pool must end in the page's fallback to one thread (model/worker/shared-workers.ts), not a hang.
 */
const firefoxPrefs = {
  'javascript.options.shared_memory': false,
  'dom.webgpu.enabled': true,
  'gfx.webgpu.ignore-blocklist': true,
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
};

/** The runner's WebDriver launcher, starting WebKitWebDriver before its first session and keeping our name. */
class MiniBrowserLauncher extends WebdriverLauncher {
  constructor() {
    super({ hostname: '127.0.0.1', capabilities: miniBrowserCapabilities, logLevel: 'error' });
  }

  async initialize(config) {
    const { name } = this;
    await super.initialize(config);
    this.name = name;
  }

  /**
   * Opens the test page without waiting for it, as the library does: WebDriver's navigation answers at the page's
   * load event, which a test holding the page's requests (deadlines.test.ts) delays past the driver's request
   * timeout while its tests run. The library leaves that navigation's failure unhandled, which ended the whole run
   * (Node's unhandled rejection: "Uncaught exception, stopping test runner", no report); here it is only logged, and
   * a page that really did not open fails its file by the runner's own start deadline.
   */
  async startSession(id, url) {
    this.options.port ??= await startWebKitDriver();
    await this.ensureManagerInitialized();
    this.driverManager.startSession(id, url).catch((error) => console.error(`webkit: navigating to ${url}: ${error.message}`));
  }
}

/** `launcher` with `prepare()` awaited before its first session (what it needs is started only if it runs). */
function preparedFirst(launcher, prepare) {
  const startSession = launcher.startSession.bind(launcher);
  let prepared;
  launcher.startSession = async (...args) => {
    await (prepared ??= prepare());
    return startSession(...args);
  };
  return launcher;
}

/** Debian's Firefox ESR with `prefs`, driven by puppeteer-core over WebDriver BiDi; WebGL and WebGPU need the X display. */
function firefoxLauncher(prefs) {
  const launcher = chromeLauncher({ puppeteer: puppeteerCore, launchOptions: { browser: 'firefox', headless: true, extraPrefsFirefox: prefs } });
  return preparedFirst(launcher, async () => {
    launcher.launchOptions.executablePath = await prepareFirefox();
  });
}

/**
 * The browsers, each with the test files it runs and what it can do, which tests ask through the
 * `test-browser` command (test/helpers/test-browser.ts): `engine`, chromium, firefox or webkit; `nativeWebNN`,
 * whether its navigator.ml works; `fakeCamera`, whether it has a synthetic camera; `devtools`, whether the
 * server reaches into it through Chromium's DevTools protocol (worker targets, context loss);
 * `wasmThreads`, whether the wasm engine may start threads (SharedArrayBuffer); `gpuEngines`, the polyfill's
 * GPU engines that start here (on software renderers: SwiftShader, Mesa's llvmpipe and lavapipe);
 * `namedSoftwareGpu`, the software renderer's name where its adapter or renderer string says it;
 * `pageEvents`, whether the server hears a page's requests, console and uncaught errors through the driver and
 * runs a script before the page's own (puppeteer does; WebKitWebDriver 2.50 refuses WebDriver BiDi's
 * `webSocketUrl`, and WebDriver classic has none of it).
 */
const browsers = [
  {
    name: 'chromium-polyfill',
    capabilities: {
      engine: 'chromium', nativeWebNN: false, fakeCamera: true, devtools: true, wasmThreads: true,
      gpuEngines: ['webgl', 'webgpu'], namedSoftwareGpu: 'SwiftShader', pageEvents: true,
    },
    files: ['test/**/*.test.ts'],
    launcher: () => chromeLauncher({ launchOptions: { executablePath, headless: true, args: [...commonArgs, ...polyfillArgs] } }),
  },
  {
    // @sparticuz/chromium's build, whose WebNN runs (LiteRT on XNNPACK, on the CPU); see tools/native-chromium.mjs.
    // A build for serverless machines: no capture devices, so getUserMedia finds no camera, fake or not.
    name: 'chromium-native',
    capabilities: {
      engine: 'chromium', nativeWebNN: true, fakeCamera: false, devtools: true, wasmThreads: true,
      gpuEngines: [], namedSoftwareGpu: undefined, pageEvents: true,
    },
    files: portableTests,
    launcher: async () => chromeLauncher({
      launchOptions: { executablePath: await nativeChromiumPath(), headless: true, args: [...commonArgs, ...nativeChromiumArgs] },
    }),
  },
  {
    name: 'firefox-esr',
    capabilities: {
      engine: 'firefox', nativeWebNN: false, fakeCamera: true, devtools: false, wasmThreads: false,
      gpuEngines: ['webgl', 'webgpu'], namedSoftwareGpu: 'llvmpipe', pageEvents: true,
    },
    // The gallery, video and live recording tests drive the page with puppeteer (mouse, keyboard, axe), which
    // WebDriver classic lacks here.
    files: [...otherEngineTests, ...appTests, 'test/pwa/gallery.test.ts', 'test/pwa/video.test.ts', 'test/pwa/live-recording.test.ts', 'test/package/consumer.test.ts'],
    launcher: () => firefoxLauncher(firefoxPrefs),
  },
  {
    // The same Firefox with shared memory on, as users have it: the threaded engines start their thread pools
    // here, and the start-up tests must pass all the same. Only those files, to keep the run short.
    name: 'firefox-esr-shared-memory',
    capabilities: {
      engine: 'firefox', nativeWebNN: false, fakeCamera: true, devtools: false, wasmThreads: true,
      gpuEngines: ['webgl', 'webgpu'], namedSoftwareGpu: 'llvmpipe', pageEvents: true,
    },
    files: sharedMemoryFirefoxTests,
    launcher: () => firefoxLauncher({ ...firefoxPrefs, 'javascript.options.shared_memory': true }),
  },
  {
    // WebKitGTK's MiniBrowser: no WebGPU; its WebGL renderer string is masked ("Apple GPU"), so a software
    // renderer is found out only by the timing check.
    name: 'webkit',
    capabilities: {
      engine: 'webkit', nativeWebNN: false, fakeCamera: true, devtools: false, wasmThreads: true,
      gpuEngines: ['webgl'], namedSoftwareGpu: undefined, pageEvents: false,
    },
    files: [
      ...otherEngineTests, ...appTests, 'test/pwa/gallery.test.ts', 'test/pwa/video.test.ts', 'test/pwa/live-recording.test.ts',
      'test/pwa/launch.test.ts', 'test/package/consumer.test.ts',
    ],
    launcher: () => new MiniBrowserLauncher(),
  },
];

/** Whether a file pattern of the lists above (a folder's `**\/*.test.ts`, or one file) matches `file`. */
function matches(pattern, file) {
  const folderPattern = /^(.*\/)\*\*\/\*\.test\.ts$/.exec(pattern);
  return folderPattern ? file.startsWith(folderPattern[1]) && file.endsWith('.test.ts') : file === pattern;
}

/** Whether a browser's file list (patterns, `!` ones excluding) takes in `file`. */
function covers(patterns, file) {
  const excluded = patterns.some((pattern) => pattern.startsWith('!') && matches(pattern.slice(1), file));
  return !excluded && patterns.some((pattern) => !pattern.startsWith('!') && matches(pattern, file));
}

// Test files named on the command line (`npx web-test-runner test/model/anchors.test.ts`) replace the runner's
// top-level file list; they also run in each other browser whose list covers them, and only there.
const requestedFiles = process.argv.slice(2).filter((arg) => arg.endsWith('.test.ts')).map((arg) => arg.replace(/^\.\//, ''));

async function launch({ name, capabilities, launcher }) {
  const browser = await launcher();
  // The runner's reports and the tally name each browser by this.
  browser.name = name;
  browser.capabilities = capabilities;
  return browser;
}

// The first browser runs every test file, as the runner's top-level ("default") group; each other browser
// is a group of its own (`npm test -- --group chromium-native` runs only that one).
const [main, ...others] = browsers;
const groups = [];
for (const entry of others) {
  const files = requestedFiles.length === 0
    ? entry.files
    : requestedFiles.filter((file) => covers(entry.files, file));
  if (files.length > 0) groups.push({ name: entry.name, files, browsers: [await launch(entry)] });
}

export default {
  files: main.files,
  browsers: [await launch(main)],
  groups,
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120000,
  testsStartTimeout: 120000,
  // A long chaos run (tools/chaos/run.mjs) raises it for its one file.
  testsFinishTimeout: Number(process.env.TESTS_FINISH_TIMEOUT_MS) || 600000,
  middleware: [heldRequests, devMiddleware],
  plugins: [nodeOnlyFilesPlugin(), commonjsPlugin(), testCommands(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
  reporters: [defaultReporter(), browserTally()],
  testFramework: { config: { timeout: 120000 } },
};
