// <blaze-face> when the WebNN context under its detector is lost: the context-lost error, a new detector and
// detection again; the stop with a retry button when the new detector is lost before detecting anything;
// elements sharing one detector worker recovering together; and a real WebGL context loss on the polyfill.

import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { BlazeFaceErrorDetail, BlazeFaceFacesDetail } from '../../components/events.ts';
import { FaceDetector } from '../../model/face-detector.ts';
import { expectSameFaces, useElementSources } from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { describeForNative, describeForPolyfill, describeWithDevtools } from '../helpers/test-browser.ts';
import { detectorWorkers, until } from '../helpers/waits.ts';

/**
 * The element's one detector worker, by its unique name: only the element's current detector worker has it,
 * so a retired worker still finishing a task (which would never answer) is never addressed.
 */
async function currentWorker(): Promise<string> {
  const workers = await detectorWorkers();
  expect(workers, 'one detector worker').to.have.length(1);
  return workers[0]!;
}

/**
 * Native WebNN: destroys the MLContext in the element's detector worker from the DevTools side (the
 * worker-destroy-webnn command), as a device reset would; its `lost` then settles.
 */
async function destroyDetectorContext(): Promise<void> {
  const { counts } = (await executeServerCommand('worker-destroy-webnn', { name: await currentWorker() })) as { counts: number[] };
  expect(counts, 'one detector worker, whose one context was destroyed').to.deep.equal([1]);
}

/**
 * The polyfill: loses the WebGL context of the engine in the element's detector worker, where TensorFlow.js
 * keeps its engine on the global as `_tfengine` (the worker-eval command); WEBGL_lose_context fires
 * webglcontextlost in the worker itself, as a GPU reset would.
 */
async function loseWebglContext(): Promise<void> {
  const lose = "self._tfengine.findBackend('webgl').gpgpu.gl.getExtension('WEBGL_lose_context').loseContext()";
  const { values } = (await executeServerCommand('worker-eval', { name: await currentWorker(), expression: `${lose}, true` })) as { values: boolean[] };
  expect(values, 'one detector worker, whose context was lost').to.deep.equal([true]);
}

const onShort = (element: BlazeFaceElement) => (element.model = 'short'); // the reference's model

describeWithDevtools("<blaze-face> context loss, caused through Chromium's DevTools", function () {
  this.timeout(240000);
  let image: ImageData;
  let reference: FaceDetector;
  const { streamOf, elementOn } = useElementSources();

  before(async () => {
    image = await loadImageData('/node_modules/@vladmandic/face-api/demo/sample2.jpg');
    reference = await FaceDetector.create({ context: { engine: 'wasm' } });
  });
  after(() => reference.dispose());

  // The element's handling of a loss, on native WebNN, whose contexts recreate in a second. On the polyfill
  // only the GPU engines can be lost, and they run on SwiftShader here, whose shader compiles take minutes on
  // a loaded machine: one real WebGL loss is tested below, and each engine's own loss signal is tested on
  // FaceDetector in test/model/context-loss.test.ts.
  describeForNative('on native WebNN', () => {
    it('reports each lost context, recreates the detector and detects again', async () => {
      const source = streamOf(image);
      const expected = await reference.detect(source.canvas);
      const element = elementOn(source, onShort);
      await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === expected.length, 120000);
      const backend = element.backend!;
      const errors: BlazeFaceErrorDetail[] = [];
      element.addEventListener('error', (event) => errors.push(event.detail));

      for (const round of [1, 2]) {
        const lost = nextEvent<BlazeFaceErrorDetail>(element, 'error');
        const ready = nextEvent(element, 'ready', () => true, 120000);
        await destroyDetectorContext();
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
        expect(element.backend, 'the same kind of detector again').to.deep.equal(backend);
      }
      // Only the losses were reported: not the frame that was being computed when the context went away.
      expect(errors.map((error) => error.type)).to.deep.equal(['context-lost', 'context-lost']);
    });

    it('stops with an error and a retry button when the new detector is lost before detecting anything', async () => {
      const element = elementOn(streamOf(image), onShort);
      await nextEvent(element, 'faces', () => true, 120000);
      // Paused, the recreated detector gets no frame, so a second loss finds it unproven: recreating it
      // again could go on forever, so the element gives up and says so.
      element.paused = true;
      await element.updateComplete;
      const ready = nextEvent(element, 'ready', () => true, 120000);
      const firstLoss = nextEvent<BlazeFaceErrorDetail>(element, 'error');
      await destroyDetectorContext();
      expect((await firstLoss).type).to.equal('context-lost');
      await ready;
      await until(() => element.state === 'paused', 'the recreated detector, paused');

      const secondLoss = nextEvent<BlazeFaceErrorDetail>(element, 'error');
      await destroyDetectorContext();
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

    it('elements sharing a detector all report its lost context and move to one new worker together', async () => {
      const source = streamOf(await loadImageData('/test/fixtures/seed/3faces.png'));
      const expected = await reference.detect(source.canvas);
      expect(expected.length, 'faces in the stream').to.be.at.least(2);
      const elements = [elementOn(source, onShort), elementOn(source, (element) => (onShort(element), (element.maxFaces = 1)))];
      await Promise.all(elements.map((element) => nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0, 120000)));
      const [shared] = await detectorWorkers();
      const losses = elements.map((element) => nextEvent<BlazeFaceErrorDetail>(element, 'error'));
      const recovered = elements.map((element) =>
        nextEvent(element, 'ready', () => true, 120000).then(() =>
          nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0, 120000),
        ),
      );
      await destroyDetectorContext();
      expect((await Promise.all(losses)).map((loss) => loss.type)).to.deep.equal(['context-lost', 'context-lost']);
      const [all, capped] = await Promise.all(recovered);
      expectSameFaces(all.faces, expected, 0.02);
      expect(capped.faces, 'each element keeps its own max-faces').to.have.length(1);
      await until(async () => {
        const names = await detectorWorkers();
        return names.length === 1 && names[0] !== shared;
      }, 'the lost worker to end, the new one alone');
      expect(elements.map((element) => element.state)).to.deep.equal(['running', 'running']);
    });
  });

  describeForPolyfill('on the polyfill (WebGL)', () => {
    it('reports a lost WebGL context, recreates the detector on WebGL and detects again', async () => {
      const source = streamOf(image);
      const expected = await reference.detect(source.canvas);
      // engine="webgl" is named: power-preference="high-performance" would skip the software GPU SwiftShader is.
      const element = elementOn(source, (element) => (onShort(element), (element.engine = 'webgl')));
      await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === expected.length, 120000);
      expect(element.backend!.engine, 'a GPU engine, the kind that can be lost').to.equal('webgl');
      const lost = nextEvent<BlazeFaceErrorDetail>(element, 'error');
      const ready = nextEvent(element, 'ready', () => true, 120000);
      await loseWebglContext();
      const report = await lost;
      expect(report.type).to.equal('context-lost');
      expect(report.message).to.contain('lost');
      await ready;
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', () => true, 120000);
      expectSameFaces(detail.faces, expected, 0.02);
      expect(element.state).to.equal('running');
      expect(element.backend!.engine).to.equal('webgl');
    });
  });
});
