// <blaze-face> when the compute context under its detector is lost: the context-lost error, a new detector
// and detection again; and the stop with a retry button when the new detector is lost before detecting
// anything. Own file: these tests recreate GPU detectors on SwiftShader, the slowest of the element's tests.

import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { BlazeFaceErrorDetail, BlazeFaceFacesDetail } from '../../components/events.ts';
import { FaceDetector } from '../../model/face-detector.ts';
import { expectSameFaces, useElementSources, type PaintedStream } from '../helpers/element-harness.ts';
import { detectorWorkers, until } from '../helpers/waits.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { describeForNative, describeForPolyfill } from '../helpers/test-browser.ts';

const photo = '/node_modules/@vladmandic/face-api/demo/sample2.jpg';

/**
 * Names of the Workers this page starts, oldest first, while `recordWorkers()` is on: after an element's
 * `ready`, its current detector runs in the newest. WorkerFaceDetector names each worker uniquely, and the
 * name is what the worker-eval command addresses, so a test reaches exactly that worker (a retired detector's
 * worker, still finishing a task, would never answer an evaluate).
 */
const startedWorkers: string[] = [];
const PageWorker = globalThis.Worker;
function recordWorkers(on: boolean): void {
  startedWorkers.length = 0;
  globalThis.Worker = on
    ? class extends PageWorker {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          startedWorkers.push(options?.name ?? '');
        }
      }
    : PageWorker;
}

/**
 * Loses the GPU context under the detector that `<blaze-face>` runs, as a GPU reset or driver crash would.
 * The element detects in a dedicated Worker, out of this page's reach, so the loss is caused from the
 * DevTools side of that worker (the worker-eval command), where TensorFlow.js keeps its engine on the
 * global as `_tfengine`. Only GPU engines can be lost, hence engine="webgl" in these tests (named, because
 * power-preference="high-performance" skips the software GPU that SwiftShader is here). WEBGL_lose_context
 * loses the context and fires webglcontextlost in the worker itself. WebGPU is not used here: its
 * device.lost settles only when the GPU process answers, after the work queued before it, and on a loaded
 * 2-core machine SwiftShader's GPU process took 19 s to answer (over the 60 s wait in a CI run); WebGPU's
 * loss is tested on FaceDetector, without a video to feed, in test/model/context-loss.test.ts. Each detector has a worker, hence an
 * engine, of its own, so a new detector starts on a working GPU context (in the page, a lost WebGL engine
 * would stay lost).
 */
async function loseDetectorContext(): Promise<void> {
  const lose = "self._tfengine.findBackend('webgl').gpgpu.gl.getExtension('WEBGL_lose_context').loseContext()";
  const current = startedWorkers.at(-1);
  expect(current, 'a detector worker was started').to.be.a('string');
  const { values } = (await executeServerCommand('worker-eval', { name: current, expression: `${lose}, true` })) as {
    values: boolean[];
  };
  expect(values, 'one detector worker, whose context was lost').to.deep.equal([true]);
}


describe('<blaze-face> context loss', function () {
  let image: ImageData;
  let reference: FaceDetector;
  const { streamOf, elementOn } = useElementSources();

  before(async () => {
    image = await loadImageData(photo);
    reference = await FaceDetector.create({ context: { engine: 'wasm' } });
  });
  after(() => reference.dispose());
  before(() => recordWorkers(true));
  after(() => recordWorkers(false));

  describeForPolyfill('on the polyfill (WebGL)', () => {
    // GPU engines on SwiftShader are slow: a new detector takes seconds to compile its shaders.
    function startOnGpu(source: PaintedStream): BlazeFaceElement {
      return elementOn(source, (element) => {
        element.model = 'short'; // the reference's model
        element.engine = 'webgl';
      });
    }

    it('reports each lost context, recreates the detector and detects again', async function () {
      this.timeout(300000);
      const source = streamOf(image);
      const expected = await reference.detect(source.canvas);
      const element = startOnGpu(source);
      await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === expected.length, 120000);
      const engine = element.backend!.engine;
      expect(engine, 'a GPU engine, the kind that can be lost').to.equal('webgl');
      const errors: BlazeFaceErrorDetail[] = [];
      element.addEventListener('error', (event) => errors.push(event.detail));

      for (const round of [1, 2]) {
        const lost = nextEvent<BlazeFaceErrorDetail>(element, 'error');
        const ready = nextEvent(element, 'ready', () => true, 120000);
        await loseDetectorContext();
        const report = await lost;
        expect(report.type, `loss ${round}`).to.equal('context-lost');
        expect(report.message).to.contain('lost');
        expect(element.state).to.equal('loading');
        await element.updateComplete;
        expect(element.shadowRoot!.querySelector('[part=status]')!.textContent).to.contain('Recreating the face detector');
        expect(element.faces, 'faces of the lost detector are cleared').to.deep.equal([]);

        await ready;
        const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', () => true, 120000);
        expectSameFaces(detail.faces, expected, 0.02);
        expect(element.state).to.equal('running');
        expect(element.backend?.engine).to.equal(engine);
      }
      // Only the losses were reported: not the frame that was being computed when the context went away.
      expect(errors.map((error) => error.type)).to.deep.equal(['context-lost', 'context-lost']);
    });

    it('stops with an error and a retry button when the new detector is lost before detecting anything', async function () {
      this.timeout(300000);
      const source = streamOf(image);
      const element = startOnGpu(source);
      await nextEvent(element, 'faces', () => true, 120000);
      expect(element.backend!.engine).to.equal('webgl');
      // Paused, the recreated detector gets no frame, so a second loss finds it unproven: recreating it
      // again could go on forever, so the element gives up and says so.
      element.paused = true;
      await element.updateComplete;
      const ready = nextEvent(element, 'ready', () => true, 120000);
      const firstLoss = nextEvent<BlazeFaceErrorDetail>(element, 'error');
      await loseDetectorContext();
      expect((await firstLoss).type).to.equal('context-lost');
      await ready;
      await until(() => element.state === 'paused', 'the recreated detector, paused');

      const secondLoss = nextEvent<BlazeFaceErrorDetail>(element, 'error');
      await loseDetectorContext();
      const failure = await secondLoss;
      expect(failure.type).to.equal('context-lost');
      expect(failure.message).to.contain('again');
      expect(element.state).to.equal('error');
      await element.updateComplete;
      const status = element.shadowRoot!.querySelector('[part=status]') as HTMLElement;
      expect(status.textContent).to.contain('again');
      const retry = status.querySelector<HTMLButtonElement>('[part=retry-button]');
      expect(retry, 'retry button').to.not.equal(null);
      element.paused = false;
      const faces = nextEvent(element, 'faces', () => true, 120000);
      retry!.click();
      await faces;
      expect(element.state).to.equal('running');
    });
  });

  describeForNative('on native WebNN', () => {

    it("reports the detector's destroyed MLContext as context-lost, recreates the detector on native and detects again", async function () {
      this.timeout(240000);
      const source = streamOf(image);
      const expected = await reference.detect(source.canvas);
      const element = elementOn(source, (element) => (element.model = 'short'));
      await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === expected.length, 120000);
      expect(element.backend).to.deep.include({ implementation: 'native', engine: 'webnn' });
      const lost = nextEvent<BlazeFaceErrorDetail>(element, 'error');
      const ready = nextEvent(element, 'ready', () => true, 120000);
      const { counts } = (await executeServerCommand('worker-destroy-webnn', { name: startedWorkers.at(-1) })) as { counts: number[] };
      expect(counts, "one detector worker, whose one native context was destroyed").to.deep.equal([1]);
      expect((await lost).type).to.equal('context-lost');
      await ready;
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', () => true, 120000);
      expectSameFaces(detail.faces, expected, 0.02);
      expect(element.state).to.equal('running');
      expect(element.backend).to.deep.include({ implementation: 'native', engine: 'webnn' });
    });

    it('elements sharing a detector all report its lost context and move to one new worker together', async function () {
      this.timeout(240000);
      const source = streamOf(image);
      const expected = await reference.detect(source.canvas);
      expect(expected.length, 'faces in the photo').to.be.at.least(2);
      const onShort = (element: BlazeFaceElement) => (element.model = 'short'); // the reference's model
      const elements = [elementOn(source, onShort), elementOn(source, (element) => (onShort(element), (element.maxFaces = 1)))];
      await Promise.all(elements.map((element) => nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0, 120000)));
      const shared = await detectorWorkers();
      expect(shared, 'one worker for both').to.have.length(1);
      const losses = elements.map((element) => nextEvent<BlazeFaceErrorDetail>(element, 'error'));
      const recovered = elements.map((element) =>
        nextEvent(element, 'ready', () => true, 120000).then(() =>
          nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0, 120000),
        ),
      );
      const { counts } = (await executeServerCommand('worker-destroy-webnn', { name: shared[0] })) as { counts: number[] };
      expect(counts, 'the shared worker, whose one native context was destroyed').to.deep.equal([1]);
      expect((await Promise.all(losses)).map((loss) => loss.type)).to.deep.equal(['context-lost', 'context-lost']);
      const [all, capped] = await Promise.all(recovered);
      expectSameFaces(all.faces, expected, 0.02);
      expect(capped.faces, 'each element keeps its own max-faces').to.have.length(1);
      await until(async () => {
        const names = await detectorWorkers();
        return names.length === 1 && names[0] !== shared[0];
      }, 'the lost worker to end, the new one alone');
      expect(elements.map((element) => element.state)).to.deep.equal(['running', 'running']);
    });
  });

});
