// The detector feature of <blaze-face> in a real page: thresholds applied to the running detector, the model
// switched at run time (on an image and on a stream), the engine's memory flat over many frames, and native
// WebNN's fallback to the polyfill inside the detector's worker.

import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { FaceDetector } from '../../model/face-detector.ts';
import type { BlazeFaceFacesDetail } from '../../components/events.ts';
import {
  countOpaque, createElement, expectSameFaces, overlayPixels, photo, usePhotoReference, useElementSources,
} from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { withFaultyWorkers } from '../helpers/native-faults.ts';
import { describeForNative, itForPolyfill } from '../helpers/test-browser.ts';
import { detectorWorkers, until } from '../helpers/waits.ts';

describe('<blaze-face> detector', function () {
  const sample = usePhotoReference();
  const { streamOf, elementOn } = useElementSources();

  it('min-score="0.99" removes weaker faces and max-faces="1" keeps the best', async () => {
    const source = streamOf(sample.image);
    const all = await sample.reference.detect(source.canvas);
    const element = elementOn(source);
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === all.length);

    element.setAttribute('max-faces', '1');
    const best = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === 1);
    expect(Math.abs(best.faces[0].score - all[0].score)).to.be.below(0.02);

    element.removeAttribute('max-faces');
    element.setAttribute('min-score', '0.99');
    const strong = all.filter((face) => face.score >= 0.99).length;
    expect(strong, 'the photo has faces under 0.99').to.be.below(all.length);
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === strong);
  });

  it('switches model at run time without reloading', async () => {
    const element = createElement((element) => {
      element.src = photo;
    });
    await nextEvent(element, 'faces');
    const full = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } });
    const expected = await full.detect(sample.image);
    full.dispose();
    element.model = 'full';
    const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces');
    expectSameFaces(detail.faces, expected, 1e-6);
    expect(countOpaque(overlayPixels(element))).to.be.greaterThan(0);
  });

  // Found by the chaos run: a model-url set on a running element that had none (undefined before) was not taken
  // for a change, so the element went on with the built-in model.
  it('loads a model-url set on a running element, and detects with it', async () => {
    const element = elementOn(streamOf(sample.image));
    await nextEvent(element, 'faces');
    const token = `model-url-${Math.random().toString(36).slice(2)}`;
    element.modelUrl = `/held/${token}/assets/models/face_detection_short_range.tflite`;
    // The new detector waits on the held file, so the element is loading until it is released.
    await until(() => element.state === 'loading', 'the element to load the new model file', 10000);
    const ready = nextEvent(element, 'ready');
    await executeServerCommand('release-held', { token });
    await ready;
    const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (faces) => faces.faces.length > 0);
    expect(detail.faces.length).to.be.greaterThan(0);
    expect(element.state).to.equal('running');
  });

  // Found by the chaos run (seed 1000, step 504): the overtaken load of the first model loaded it again, and its
  // worker stayed, with no element running it.
  it('changed twice while loading, keeps no worker for the model it left', async () => {
    const element = elementOn(streamOf(sample.image));
    await nextEvent(element, 'faces');
    element.model = 'front';
    await element.updateComplete;
    await until(async () => (await detectorWorkers()).some((name) => name.startsWith('blaze-face front')), 'the front model to load', 10000);
    element.model = 'full'; // while front loads
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.model === 'full');
    await until(async () => (await detectorWorkers()).every((name) => name.startsWith('blaze-face full')), async () => `only full's worker, not ${(await detectorWorkers()).join(', ')}`, 10000);
  });

  it('switches model while a stream is being analysed', async () => {
    const source = streamOf(sample.image);
    const full = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } });
    const expected = await full.detect(source.canvas);
    full.dispose();
    const element = elementOn(source);
    await nextEvent(element, 'faces');
    // Frames follow each other without a gap here, so the switch catches one in flight on the old model.
    const ready = nextEvent(element, 'ready');
    element.model = 'full';
    await ready;
    const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces');
    expectSameFaces(detail.faces, expected, 0.02);
    expect(element.state).to.equal('running');
  });

  itForPolyfill('keeps engine memory flat over 500 frames', async function () {
    this.timeout(240000);
    const source = streamOf(sample.image);
    const element = elementOn(source);
    await nextEvent(element, 'faces');
    expect(element.backend?.engine).to.equal('wasm');
    const before = await element.engineMemory();
    expect(before?.bytes, 'the engine holds the model').to.be.greaterThan(0);
    let frames = 0;
    await new Promise<void>((resolve) => {
      element.addEventListener('faces', () => {
        if (++frames === 500) resolve();
      });
    });
    const after = await element.engineMemory();
    expect(after, 'engine tensors and bytes').to.deep.equal(before);
  });

  describeForNative('native WebNN that cannot run the network', () => {
    it("falls back to the polyfill inside the detector's worker, says why in backend, and detects", async () => {
      const source = streamOf(sample.image);
      const element = await withFaultyWorkers({ buildRejectsOp: 'maxPool2d' }, async () => {
        const created = elementOn(source);
        await nextEvent(created, 'ready');
        return created;
      });
      expect(element.backend).to.deep.include({ implementation: 'polyfill', engine: 'wasm', precision: 'float32', fallbackFrom: 'native' });
      expect(element.backend!.reason).to.contain('maxPool2d is not supported on this device');
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
      expectSameFaces(detail.faces, await sample.reference.detect(source.canvas), 0.02);
    });
  });
});
