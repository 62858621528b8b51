import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { devMiddleware } from './tools/dev-middleware.mjs';
import { heldRequests } from './tools/held-requests.mjs';
import { testCommands } from './tools/test-commands.mjs';
import { commonjsPlugin } from './tools/commonjs-plugin.mjs';
import { nativeChromiumArgs, nativeChromiumPath } from './tools/native-chromium.mjs';
import { browserTally } from './tools/browser-tally.mjs';

const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

// Flags every Chromium here gets: no network chatter, a synthetic camera (whether a page may use it is set
// per test through the DevTools protocol), autoplay, and gc() for the leak checks.
const commonArgs = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--js-flags=--expose-gc',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

// Debian's Chromium as DEVELOPERS.md prescribes, with WebGL and WebGPU on the CPU through SwiftShader so
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

/**
 * The browsers, each with the test files it runs and what it can do, which tests ask through the
 * `test-browser` command: `nativeWebNN`, whether its navigator.ml works; `fakeCamera`, whether it has
 * Chromium's synthetic camera. A browser of another engine is one more entry here.
 */
const browsers = [
  {
    name: 'chromium-polyfill',
    nativeWebNN: false,
    fakeCamera: true,
    files: ['test/**/*.test.ts'],
    launcher: () => chromeLauncher({ launchOptions: { executablePath, headless: true, args: [...commonArgs, ...polyfillArgs] } }),
  },
  {
    // @sparticuz/chromium's build, whose WebNN runs (LiteRT on XNNPACK, on the CPU); see tools/native-chromium.mjs.
    name: 'chromium-native',
    nativeWebNN: true,
    // A build for serverless machines: no capture devices, so getUserMedia finds no camera, fake or not.
    fakeCamera: false,
    files: portableTests,
    launcher: async () => chromeLauncher({
      launchOptions: { executablePath: await nativeChromiumPath(), headless: true, args: [...commonArgs, ...nativeChromiumArgs] },
    }),
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

// Test files named on the command line (`npx web-test-runner test/model/units.test.ts`) replace the runner's
// top-level file list; they also run in each other browser whose list covers them, and only there.
const requestedFiles = process.argv.slice(2).filter((arg) => arg.endsWith('.test.ts')).map((arg) => arg.replace(/^\.\//, ''));

async function launch({ name, nativeWebNN, fakeCamera, launcher }) {
  const browser = await launcher();
  // The runner's reports and the tally name each browser by this.
  browser.name = name;
  browser.capabilities = { nativeWebNN, fakeCamera };
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
  testsFinishTimeout: 600000,
  middleware: [heldRequests, devMiddleware],
  plugins: [commonjsPlugin(), testCommands(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
  reporters: [defaultReporter(), browserTally()],
  testFramework: { config: { timeout: 120000 } },
};
