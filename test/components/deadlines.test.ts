// <blaze-face> never waits for ever (issue 30): a start past `start-timeout` ends in a `model-load` error with
// reason 'timeout' and the step it was stuck at, and the "Try again" button; a detector that stops answering
// frames is rebuilt once, on its own, with a `recovered` event and no error, and stops the element with a
// 'timeout' error if the rebuilt one is stuck too. After each, the element detects again.
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../components/index.ts';
import type { BlazeFaceErrorDetail, BlazeFaceFacesDetail, BlazeFaceRecoveredDetail } from '../../components/events.ts';
import { photo, useElementSources } from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { silence, unsilence } from '../helpers/silent-workers.ts';
import { detectorWorkers, until } from '../helpers/waits.ts';

describe('<blaze-face> deadlines', function () {
  this.timeout(120000);
  const { streamOf, elementOn } = useElementSources();
  let picture: ImageData;
  before(async () => (picture = await loadImageData(photo)));
  afterEach(() => unsilence());

  it('fails a start stuck past start-timeout with a model-load timeout at its step, and starts again from "Try again"', async () => {
    const token = `element-start-${Math.random().toString(36).slice(2)}`;
    const errors: BlazeFaceErrorDetail[] = [];
    const started = performance.now();
    const element = elementOn(streamOf(picture), (element) => {
      element.setAttribute('start-timeout', '1.5');
      element.modelUrl = `/held/${token}/assets/models/face_detection_short_range.tflite`;
      element.addEventListener('error', (event) => errors.push((event as CustomEvent<BlazeFaceErrorDetail>).detail));
    });
    const error = await nextEvent<BlazeFaceErrorDetail>(element, 'error');
    const took = performance.now() - started;
    console.log(`stuck start: ${JSON.stringify(error)} after ${took.toFixed(0)} ms`);
    expect(error).to.include({ type: 'model-load', reason: 'timeout', step: 'model-fetch' });
    expect(took, 'the error at the deadline').to.be.below(1500 + 3000);
    expect(element.state).to.equal('error');
    const retry = element.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]');
    expect(retry, 'the "Try again" button').to.not.equal(null);
    await executeServerCommand('release-held', { token });
    const faces = nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    retry!.click();
    expect((await faces).faces.length).to.be.greaterThan(0);
    expect(errors, 'one error in all').to.have.length(1);
  });

  it('rebuilds a detector that stops answering frames, with a recovered event and no error, and detects again', async () => {
    const errors: BlazeFaceErrorDetail[] = [];
    const element = elementOn(streamOf(picture), (element) => {
      element.setAttribute('detection-timeout', '1');
      element.addEventListener('error', (event) => errors.push((event as CustomEvent<BlazeFaceErrorDetail>).detail));
    });
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    const [stuck] = await detectorWorkers();
    silence('detect');
    const recovered = nextEvent<BlazeFaceRecoveredDetail>(element, 'recovered');
    // Frames go unanswered until the deadline ends the worker; the rebuilt detector's frames are heard again.
    await until(async () => !(await detectorWorkers()).includes(stuck!), 'the silent worker to be ended', 30000);
    unsilence();
    const detail = await recovered;
    console.log(`recovered: ${JSON.stringify(detail)}`);
    expect(detail.cause).to.equal('timeout');
    expect(detail.message).to.match(/did not finish within 1000 ms/);
    expect((await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (faces) => faces.faces.length > 0)).faces.length).to.be.greaterThan(0);
    expect(element.state).to.equal('running');
    expect(errors, 'no error event').to.deep.equal([]);
  });

  it('stops with a timeout error when the rebuilt detector is stuck too, and starts again from "Try again"', async () => {
    const element = elementOn(streamOf(picture), (element) => element.setAttribute('detection-timeout', '1'));
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    silence('detect');
    const error = await nextEvent<BlazeFaceErrorDetail>(element, 'error');
    unsilence();
    console.log(`stuck twice: ${JSON.stringify(error)}`);
    expect(error).to.include({ type: 'context-lost', reason: 'timeout', step: 'detect' });
    expect(element.state).to.equal('error');
    const faces = nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    element.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
    expect((await faces).faces.length).to.be.greaterThan(0);
  });
});
