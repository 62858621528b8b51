// <blaze-face> never waits for ever (issue 30): a start past `start-timeout` ends in a `model-load` error with
// reason 'timeout' and the step it was stuck at, and the "Try again" button; a detector that stops answering
// frames is rebuilt once, on its own, with a `recovered` event and no error, and stops the element with a
// 'timeout' error if the rebuilt one is stuck too; a playing video whose frames stop reaching the detector (the
// frame callbacks stalled) the same way, past twice `detection-timeout`, and a still video not at all. After each,
// the element detects again.
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../components/index.ts';
import type { BlazeFaceErrorDetail, BlazeFaceFacesDetail, BlazeFaceRecoveredDetail } from '../../components/events.ts';
import { presentedFrames } from '../../components/frame-loop.ts';
import { createElement, photo, useElementSources } from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { holdFrameCallbacks, releaseFrameCallbacks } from '../helpers/held-frames.ts';
import { silence, unsilence } from '../helpers/silent-workers.ts';
import { delay, detectorWorkers, until } from '../helpers/waits.ts';

describe('<blaze-face> deadlines', function () {
  this.timeout(120000);
  const { streamOf, elementOn } = useElementSources();
  let picture: ImageData;
  before(async () => (picture = await loadImageData(photo)));
  afterEach(() => (unsilence(), releaseFrameCallbacks()));

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

  it('rebuilds the detector of a playing video whose frame callbacks stopped, with a recovered event, within twice detection-timeout', async () => {
    const errors: BlazeFaceErrorDetail[] = [];
    const element = elementOn(streamOf(picture), (element) => {
      element.setAttribute('detection-timeout', '1');
      element.addEventListener('error', (event) => errors.push((event as CustomEvent<BlazeFaceErrorDetail>).detail));
    });
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    const video = element.shadowRoot!.querySelector('video')!;
    const presentedBefore = presentedFrames(video);
    let lastResult = performance.now();
    element.addEventListener('faces', () => (lastResult = performance.now()));
    holdFrameCallbacks();
    const held = performance.now();
    const [stuck] = await detectorWorkers();
    await until(async () => !(await detectorWorkers()).includes(stuck!), 'the stalled loop\'s detector to be ended', 30000);
    const stalledFor = performance.now() - lastResult;
    const presentedMeanwhile = presentedFrames(video) - presentedBefore;
    console.log(`stalled loop: detector ended ${stalledFor.toFixed(0)} ms after the last result (${(performance.now() - held).toFixed(0)} ms after the hold), ${presentedMeanwhile} frames presented meanwhile`);
    // The deadline runs from the last frame handed over, a detection before that frame's result.
    expect(stalledFor, 'not before the deadline (2 × 1 s)').to.be.above(2000 - 500);
    expect(stalledFor, 'within the deadline and a check (a quarter of it), with margin').to.be.below(2000 + 500 + 1500);
    const recovered = nextEvent<BlazeFaceRecoveredDetail>(element, 'recovered');
    releaseFrameCallbacks();
    const detail = await recovered;
    console.log(`recovered: ${JSON.stringify(detail)}`);
    expect(detail.cause).to.equal('timeout');
    expect(detail.message).to.match(/within 2000 ms \(stuck at: frames\)/);
    expect((await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (faces) => faces.faces.length > 0)).faces.length).to.be.greaterThan(0);
    expect(element.state).to.equal('running');
    expect(errors, 'no error event').to.deep.equal([]);
  });

  it('stops with a frames timeout error when the rebuilt detector gets no frames either, and starts again from "Try again"', async () => {
    const element = elementOn(streamOf(picture), (element) => element.setAttribute('detection-timeout', '1'));
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    holdFrameCallbacks();
    const held = performance.now();
    const error = await nextEvent<BlazeFaceErrorDetail>(element, 'error');
    const took = performance.now() - held;
    releaseFrameCallbacks();
    console.log(`stalled twice: ${JSON.stringify(error)} after ${took.toFixed(0)} ms`);
    expect(error).to.include({ type: 'context-lost', reason: 'timeout', step: 'frames' });
    // Two deadlines, each seen up to a check late, and the rebuilt detector's start between them.
    expect(took, 'two stalls').to.be.above(2 * 2000).and.below(2 * 2500 + 10000);
    expect(element.state).to.equal('error');
    const faces = nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    element.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
    expect((await faces).faces.length).to.be.greaterThan(0);
  });

  it('leaves a still video alone: no new frames is not a stall', async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const paint = () => canvas.getContext('2d')!.putImageData(picture, 0, 0);
    // A frame only when the canvas is painted: painted until the first result (WebKit's stream starts with the
    // first paint after it), then never again.
    const stream = canvas.captureStream();
    const painting = setInterval(paint, 30);
    const events: string[] = [];
    const element = createElement((element) => {
      element.setAttribute('detection-timeout', '0.5');
      element.srcObject = stream;
      for (const type of ['error', 'recovered']) element.addEventListener(type, () => events.push(type));
    });
    try {
      await nextEvent<BlazeFaceFacesDetail>(element, 'faces');
      clearInterval(painting);
      await delay(100); // the last paint's frame presented
      const video = element.shadowRoot!.querySelector('video')!;
      const presented = presentedFrames(video);
      await delay(4 * 1000); // four stall deadlines
      console.log(`still video: ${presentedFrames(video) - presented} frames presented in 4 s`);
      expect(events, 'no recovery, no error').to.deep.equal([]);
      expect(element.state).to.equal('running');
    } finally {
      clearInterval(painting);
      stream.getTracks().forEach((track) => track.stop());
    }
  });
});
