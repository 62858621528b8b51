// <blaze-face> opens its source while its detector loads: the model's download is held back by the test
// server (tools/held-requests.mjs), and the video must already play, under the loading message, and a camera
// refusal must already be reported, before the model arrives.

import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { BlazeFaceErrorDetail, BlazeFaceFacesDetail } from '../../components/events.ts';
import { createElement, frameRefusingCamera, useElementSources } from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { itWithFakeCamera } from '../helpers/test-browser.ts';
import { delay, detectorWorkers, until } from '../helpers/waits.ts';

const shortModel = '/assets/models/face_detection_short_range.tflite';
let held = 0;

/** A model-url whose download the test server holds until `release()`. */
function heldModel(): { url: string; release: () => Promise<unknown> } {
  const token = `start-up-${++held}-${Date.now()}`;
  return { url: `${shortModel}?held=${token}`, release: () => executeServerCommand('release-held', { token }) };
}

function statusText(element: BlazeFaceElement): string {
  return element.shadowRoot!.querySelector('[part=status]')!.textContent ?? '';
}

describe('<blaze-face> start-up', function () {
  this.timeout(180000);
  const { streamOf, elementOn, afterTest } = useElementSources();

  it('plays the video under "Loading the face detector…" while the model downloads, then detects', async () => {
    const model = heldModel();
    const element = elementOn(streamOf(await loadImageData('/test/fixtures/seed/3faces.png')), (element) => {
      element.model = 'short';
      element.modelUrl = model.url;
    });
    await element.updateComplete;
    const video = element.shadowRoot!.querySelector('video')!;
    await until(() => video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && !video.paused && video.currentTime > 0, 'the video playing');
    expect(element.state, 'still loading: the model is held').to.equal('loading');
    await element.updateComplete;
    expect(statusText(element)).to.contain('Loading the face detector');
    const faces = nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0, 120000);
    await model.release();
    await faces;
    expect(element.state).to.equal('running');
  });

  it('reports a refused camera at once, without waiting for the model', async () => {
    const frame = await frameRefusingCamera();
    afterTest(frame.remove);
    const model = heldModel();
    const element = createElement((element) => {
      element.model = 'short';
      element.modelUrl = model.url;
    }, frame.document);
    const error = await nextEvent<BlazeFaceErrorDetail>(element, 'error', () => true, 60000);
    expect(error.type).to.equal('camera-denied');
    expect(element.state).to.equal('error');
    // The model, released now, loads for the next start; nothing opened the camera behind the error.
    const ready = nextEvent(element, 'ready', () => true, 120000);
    await model.release();
    await ready;
    expect(element.state).to.equal('error');
    expect(element.shadowRoot!.querySelector('video')!.srcObject).to.equal(null);
  });

  itWithFakeCamera('shows the camera under the loading message before the model arrives', async () => {
    const model = heldModel();
    const element = createElement((element) => {
      element.model = 'short';
      element.modelUrl = model.url;
    });
    await element.updateComplete;
    const video = element.shadowRoot!.querySelector('video')!;
    await until(() => video.srcObject instanceof MediaStream && !video.paused && video.currentTime > 0, 'the camera playing');
    expect(element.state).to.equal('loading');
    await element.updateComplete;
    expect(statusText(element)).to.contain('Loading the face detector');
    const faces = nextEvent<BlazeFaceFacesDetail>(element, 'faces', () => true, 120000);
    await model.release();
    await faces;
    expect(element.state).to.equal('running');
  });

  it('an element removed while its model downloads starts no detector worker after it has left', async () => {
    const model = heldModel();
    const element = elementOn(streamOf(await loadImageData('/test/fixtures/seed/3faces.png')), (element) => {
      element.model = 'short';
      element.modelUrl = model.url;
    });
    await until(async () => (await detectorWorkers()).length === 1, 'the detector worker to start');
    element.remove();
    await model.release();
    await until(async () => (await detectorWorkers()).length === 0, async () => `the worker to end; still listed: ${(await detectorWorkers()).join(', ')}`);
    // The load it dropped has settled by now (the file was released): nothing started in its place.
    await delay(2000);
    expect(await detectorWorkers()).to.deep.equal([]);
    expect(element.state).to.not.equal('running');
  });

  it('takes the video\'s aspect ratio while the model loads, and a page resizing it then is no ResizeObserver loop', async () => {
    const pageErrors: string[] = [];
    const onError = (event: ErrorEvent) => pageErrors.push(event.message);
    window.addEventListener('error', onError);
    const model = heldModel();
    // A square video in an element sized by its width alone, which starts at 4:3: the host must change height.
    const square = document.createElement('canvas');
    square.width = square.height = 256;
    const context = square.getContext('2d')!;
    const paint = setInterval(() => context.fillRect(0, 0, 256, 256), 30);
    const stream = square.captureStream(30);
    try {
      const element = createElement((element) => {
        element.model = 'short';
        element.modelUrl = model.url;
        element.style.width = '400px';
        element.style.height = '';
        element.srcObject = stream;
      });
      await element.updateComplete;
      const video = element.shadowRoot!.querySelector('video')!;
      await until(() => video.videoWidth === 256, 'the video\'s size');
      await until(() => element.getBoundingClientRect().height === 400, 'the host at the video\'s 1:1 ratio');
      // The page resizes the element while the detector is still loading: the overlay follows in a
      // ResizeObserver callback, which must not resize the host again.
      element.style.width = '300px';
      const canvas = element.shadowRoot!.querySelector('canvas')!;
      await until(() => canvas.height === Math.round(300 * devicePixelRatio), 'the overlay resized');
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      expect(element.getBoundingClientRect().height).to.equal(300);
      expect(element.state, 'still loading: the model is held').to.equal('loading');
      expect(pageErrors).to.deep.equal([]);
    } finally {
      window.removeEventListener('error', onError);
      clearInterval(paint);
      stream.getTracks().forEach((track) => track.stop());
      await model.release();
    }
  });
});
