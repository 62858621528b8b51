// Several <blaze-face> elements on one page: they all detect, share one detector worker per model (engine,
// thread pool and weights once, not once per element), keep their own thresholds, and free the workers when
// they leave. Workers are counted from the page (the Worker constructor watched, see waits.ts), engine memory
// by asking the worker's engine (engineMemory()).

import { expect } from 'chai';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { BlazeFaceFacesDetail } from '../../components/events.ts';
import { createElement, useElementSources } from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { detectorWorkers, until } from '../helpers/waits.ts';

const withFaces = (detail: BlazeFaceFacesDetail) => detail.faces.length > 0;

describe('<blaze-face> elements sharing a page', function () {
  // Three workers start in turn (one alone, then one per model), each compiling its engine and graph.
  this.timeout(300000);
  const { streamOf, elementOn } = useElementSources();

  it('four elements (two streams, an image, the camera) all detect on one worker per model, which ends when they leave', async () => {
    const picture = await loadImageData('/test/fixtures/seed/3faces.png');

    // One element alone: its worker and that worker's engine memory, the cost of one short-model detector.
    const onShort = (element: BlazeFaceElement) => (element.model = 'short');
    const alone = elementOn(streamOf(picture), onShort);
    const aloneFaces = await nextEvent<BlazeFaceFacesDetail>(alone, 'faces', withFaces);
    expect(aloneFaces.faces.length, 'faces in the stream').to.be.at.least(2);
    expect(await detectorWorkers()).to.have.length(1);
    const oneDetector = (await alone.engineMemory())!;
    alone.remove();
    await until(async () => (await detectorWorkers()).length === 0, async () => `the lone element’s worker to end; still listed: ${(await detectorWorkers()).join(', ')}`);

    const streamed = elementOn(streamOf(picture), onShort);
    const capped = elementOn(streamOf(picture), (element) => (onShort(element), (element.maxFaces = 1)));
    const photo = createElement((element) => {
      element.model = 'full';
      element.src = '/test/fixtures/seed/4faces.png';
    });
    const camera = createElement(onShort); // the browser's synthetic camera (a test pattern, no face)
    const elements: BlazeFaceElement[] = [streamed, capped, photo, camera];
    const [streamedFaces, cappedFaces, photoFaces] = await Promise.all([
      nextEvent<BlazeFaceFacesDetail>(streamed, 'faces', withFaces),
      nextEvent<BlazeFaceFacesDetail>(capped, 'faces', withFaces),
      nextEvent<BlazeFaceFacesDetail>(photo, 'faces', withFaces),
      nextEvent<BlazeFaceFacesDetail>(camera, 'faces'),
    ]);
    expect(streamedFaces.faces.length).to.equal(aloneFaces.faces.length);
    expect(cappedFaces.faces, 'max-faces is the element’s own, on a shared worker').to.have.length(1);
    expect(photoFaces.faces.length).to.be.at.least(3);
    expect(elements.map((element) => element.state)).to.deep.equal(['running', 'running', 'running', 'running']);
    expect(elements.map((element) => element.backend?.engine)).to.deep.equal(['wasm', 'wasm', 'wasm', 'wasm']);

    const workers = await detectorWorkers();
    expect(workers.map((name) => name.replace(/ #\d+$/, '')), 'one worker per model').to.deep.equal(['blaze-face full', 'blaze-face short']);
    const shared = (await streamed.engineMemory())!;
    console.log(`workers ${workers.join(', ')}; one short detector ${JSON.stringify(oneDetector)}, shared by three elements ${JSON.stringify(shared)}`);
    // Three elements on the short model hold one detector's engine memory, not three: the same tensors and
    // bytes give or take a frame's outputs in flight (2 tensors, 61 KB against 0.63 MB), where three would be 3x.
    expect(Math.abs(shared.tensors - oneDetector.tensors), 'tensors beyond one detector').to.be.at.most(4);
    expect(shared.bytes / oneDetector.bytes, 'bytes against one detector').to.be.within(0.8, 1.25);
    for (const element of [capped, camera]) {
      expect((await element.engineMemory())!.bytes / shared.bytes, 'the same engine').to.be.within(0.8, 1.25);
    }

    for (const element of elements) element.remove();
    const left = async () => `every detector worker to end; still listed: ${(await detectorWorkers()).join(', ')}; element states: ${elements.map((element) => element.state).join(', ')}`;
    await until(async () => (await detectorWorkers()).length === 0, left);
  });
});
