import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { devMiddleware } from './tools/dev-middleware.mjs';
import { testCommands } from './tools/test-commands.mjs';
import { commonjsPlugin } from './tools/commonjs-plugin.mjs';

const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

// Headless Chromium as DEVELOPERS.md prescribes, with WebGL and WebGPU on the CPU through SwiftShader so
// that every polyfill engine (wasm, cpu, webgl, webgpu) runs here. The WebNN feature flag exposes
// navigator.ml, whose createContext() rejects on this platform: exactly the fallback the tests exercise.
const baseArgs = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--enable-features=WebMachineLearningNeuralNetwork',
  '--js-flags=--expose-gc',
  // A synthetic camera; whether a page may use it is set per test through the DevTools protocol.
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

function chromium(extraArgs = []) {
  return chromeLauncher({
    launchOptions: { executablePath, headless: true, args: [...baseArgs, ...extraArgs] },
  });
}

export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 600000,
  browsers: [chromium()],
  middleware: [devMiddleware],
  plugins: [commonjsPlugin(), testCommands(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
  testFramework: { config: { timeout: 120000 } },
};
