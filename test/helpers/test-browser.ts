// Which browser of web-test-runner.config.mjs a test runs in, so that a test meant for every browser runs the
// network on that browser's own WebNN where it works (and says so) and on the polyfill's wasm engine elsewhere,
// and a test about one implementation is defined only where that implementation runs.
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { Backend } from '../../webnn/index.ts';

/** A browser entry of web-test-runner.config.mjs, where its capabilities are explained. */
export interface TestBrowser {
  name: string;
  engine: 'chromium' | 'firefox' | 'webkit';
  /** Its navigator.ml works. */
  nativeWebNN: boolean;
  /** It has a synthetic camera (Chromium's fake device, Firefox's fake stream, WebKit's mock capture device). */
  fakeCamera: boolean;
  /** The test server reaches into it through Chromium's DevTools protocol (worker targets, context loss). */
  devtools: boolean;
  /** The wasm engine may start threads (SharedArrayBuffer). */
  wasmThreads: boolean;
  /** The polyfill's GPU engines that start here. */
  gpuEngines: ('webgl' | 'webgpu')[];
  /** The software GPU's name, where the WebGPU adapter or WebGL renderer says it. */
  namedSoftwareGpu?: string;
  /** The server hears a page's requests, console and uncaught errors through the driver (puppeteer, not WebDriver). */
  pageEvents: boolean;
}

export const testBrowser = await executeServerCommand<TestBrowser, undefined>('test-browser');

/** The engine option that runs the network here: 'native' never falls back, so a broken native WebNN fails the test. */
export const networkEngine = testBrowser.nativeWebNN ? 'native' : 'wasm';

/**
 * Checks the backend of a detector created with networkEngine, with `extra` fields (precision…): native WebNN, or
 * the polyfill's own wasm engine, which runs on the calling thread alone.
 */
export function expectNetworkBackend(backend: Backend, extra: Record<string, unknown> = {}): void {
  expect(backend).to.deep.equal(testBrowser.nativeWebNN
    ? { implementation: 'native', engine: 'webnn', ...extra }
    : { implementation: 'polyfill', engine: 'wasm', threads: 1, ...extra });
}

/** A suite about the polyfill itself (its engines, its memory counter): defined where the polyfill runs the network. */
export function describeForPolyfill(title: string, suite: (this: Mocha.Suite) => void): void {
  if (!testBrowser.nativeWebNN) describe(title, suite);
}

/** A test about the polyfill itself, defined where the polyfill runs the network. */
export function itForPolyfill(title: string, test: Mocha.Func): void {
  if (!testBrowser.nativeWebNN) it(title, test);
}

/** A test of the element with the camera, defined in the browsers that have the synthetic one. */
export function itWithFakeCamera(title: string, test: Mocha.Func): void {
  if (testBrowser.fakeCamera) it(title, test);
}

/** A suite that needs Chromium's DevTools protocol, defined in the Chromiums; its title says why. */
export function describeWithDevtools(title: string, suite: (this: Mocha.Suite) => void): void {
  if (testBrowser.devtools) describe(title, suite);
}

/** A suite about the wasm engine's threads, defined where it may start them. */
export function describeWithWasmThreads(title: string, suite: (this: Mocha.Suite) => void): void {
  if (testBrowser.wasmThreads) describe(title, suite);
}

/** A suite about native WebNN, defined in the browsers whose native WebNN works. */
export function describeForNative(title: string, suite: (this: Mocha.Suite) => void): void {
  if (testBrowser.nativeWebNN) describe(title, suite);
}
