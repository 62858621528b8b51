// The package as someone else's page gets it: `npm pack`, installed into a project outside this repository
// (test/package/node/consumer.mjs), then used the two ways web components are used: the drop-in script tag
// on a plain static page at a nested path, with and without a strict CSP, and `import 'blaze-face'` in a
// Vite app, in dev and built. Each page must find the faces FaceDetector finds, and show no failed request,
// no request to another origin, no console error and no CSP violation: in WebKit, whose driver reports none of
// these (testBrowser.pageEvents), only the faces, the backend, isolation and the size budget are checked, and
// each test's name says so.

import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { FaceDetector } from '../../model/face-detector.ts';
import type { Face } from '../../model/face.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { testBrowser } from '../helpers/test-browser.ts';

interface ConsumerElement {
  state: string;
  status?: string;
  backend?: { implementation: string; engine: string; threads?: number };
  faces: Pick<Face, 'box' | 'keypoints' | 'score'>[];
}

interface ConsumerPage {
  settled: boolean;
  defined: boolean;
  crossOriginIsolated: boolean;
  elements: ConsumerElement[];
  /** What went wrong, where the driver reports page events (testBrowser.pageEvents). */
  cspViolations?: string[];
  warnings?: string[];
  failed?: string[];
  otherOrigin?: string[];
  consoleErrors?: string[];
  pageErrors?: string[];
  bytes: number;
  libraryBytes: number;
  transferBytes: number;
  paths: string[];
}

/**
 * How the consumer's pages are served: the drop-in on a plain static server, loaded twice by a page with two
 * elements, under the strict CSP, under the same CSP with cross-origin isolation, and the
 * Vite app in dev and built.
 */
const kinds = ['plain', 'twice', 'csp', 'csp-isolated', 'vite-dev', 'vite-build'] as const;

/** Polls a command that waits at most 15 s (the runner gives up on one after 20 s) until `done`. */
async function poll<T>(command: string, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = (await executeServerCommand(command)) as T;
    if (done(value)) return value;
    if (performance.now() > deadline) throw new Error(`${command}: not done within ${timeoutMs} ms`);
  }
}

function expectSameFaces(actual: ConsumerElement['faces'], expected: readonly Face[]): void {
  expect(actual.length, 'face count').to.equal(expected.length);
  actual.forEach((face, i) => {
    const reference = expected[i];
    for (const key of ['xMin', 'yMin', 'width', 'height'] as const) {
      expect(face.box[key], `face ${i} box.${key}`).to.be.closeTo(reference.box[key], 1e-5);
    }
    face.keypoints.forEach((point, k) => {
      expect(point.x, `face ${i} keypoint ${k} x`).to.be.closeTo(reference.keypoints[k].x, 1e-5);
      expect(point.y, `face ${i} keypoint ${k} y`).to.be.closeTo(reference.keypoints[k].y, 1e-5);
    });
    expect(face.score, `face ${i} score`).to.be.closeTo(reference.score, 1e-5);
  });
}

describe('the packed package in a consumer project outside the repository', function () {
  this.timeout(600000);
  let expected: Face[];

  before(async () => {
    await executeServerCommand('consumer-prepare');
    const packed = await poll<{ ready: boolean; tarballBytes: number; unpackedBytes: number; files: number }>(
      'consumer-ready',
      (value) => value.ready,
      540000,
    );
    console.log(`tarball ${packed.tarballBytes} B, unpacked ${packed.unpackedBytes} B, ${packed.files} files`);
    const detector = await FaceDetector.create({ model: 'short', context: { engine: 'wasm' } });
    expected = await detector.detect(await loadImageData('/test/fixtures/seed/1face.png'));
    detector.dispose();
    expect(expected.length, 'the seed photo has a face').to.be.greaterThan(0);
  });

  afterEach(() => executeServerCommand('consumer-close'));

  const unseen = testBrowser.pageEvents
    ? ', with no failed request, other origin, console error or CSP violation'
    : " (failed requests, other origins, console messages and CSP violations unseen: WebKitWebDriver 2.50 has no WebDriver BiDi, WebDriver classic no page events)";
  for (const kind of kinds) {
    it(`${kind}: finds FaceDetector's faces${unseen}`, async () => {
      const { status } = (await executeServerCommand('consumer-open', { kind })) as { status?: number };
      if (testBrowser.pageEvents) expect(status, 'page status').to.equal(200);
      const page = await poll<ConsumerPage>('consumer-faces', (value) => value.settled, 240000);
      expect(page.defined, '<blaze-face> is registered').to.equal(true);
      expect(page.elements.length, 'elements').to.equal(kind === 'twice' ? 2 : 1);
      for (const element of page.elements) {
        expect(element.state, `element state (${element.status})`).to.equal('running');
        expectSameFaces(element.faces, expected);
      }
      if (testBrowser.pageEvents) {
        // The second copy of the drop-in does not register itself, and says why.
        expect(page.warnings, 'console warnings').to.deep.equal(
          kind === 'twice' ? ['blaze-face: <blaze-face> is already defined by another copy of the library; this copy is not registered.'] : [],
        );
        expect(page.failed, 'failed requests').to.deep.equal([]);
        expect(page.otherOrigin, 'requests to other origins').to.deep.equal([]);
        expect(page.consoleErrors, 'console errors').to.deep.equal([]);
        expect(page.pageErrors, 'uncaught errors').to.deep.equal([]);
        expect(page.cspViolations, 'CSP violations').to.deep.equal([]);
      }
      // Our wasm engine runs on one thread, cross-origin isolated or not.
      expect(page.crossOriginIsolated).to.equal(kind === 'csp-isolated');
      for (const element of page.elements) {
        expect(element.backend).to.deep.include({ implementation: 'polyfill', engine: 'wasm', threads: 1 });
      }
      if (kind === 'plain') {
        console.log(`drop-in, first result: ${page.libraryBytes} B of the package's files (${page.bytes} B with the page and photo), ${page.transferBytes} B with text gzipped: ${page.paths.join(' ')}`);
        // The size budget: at most 400 KiB before the first result (1,038 KiB on TensorFlow.js's wasm backend),
        // and no TensorFlow.js at all on the default CPU path.
        expect(page.libraryBytes, 'bytes of the package fetched before the first result').to.be.at.most(400 * 1024);
        expect(page.paths.filter((path) => /tfjs/.test(path)), 'TensorFlow.js fetched').to.deep.equal([]);
      }
    });
  }
});
