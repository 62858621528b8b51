// A lost engine (the WebGL context, lost on purpose through WEBGL_lose_context; the WebGPU device, through
// destroy()) resolves the detector's `lost` promise with a reason, and later calls fail clearly instead of
// hanging. Own file: a lost engine stays lost for the rest of the page.

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { FaceDetector } from '../../model/face-detector.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { rejection } from '../helpers/rejection.ts';
import { testBrowser } from '../helpers/test-browser.ts';

/** A test on one of the polyfill's GPU engines, defined in the browsers where that engine starts. */
function itOnGpu(engine: 'webgl' | 'webgpu', title: string, test: Mocha.Func): void {
  if (testBrowser.gpuEngines.includes(engine)) it(title, test);
}

interface WebGLBackendShape {
  gpgpu: { gl: WebGL2RenderingContext };
}
interface WebGPUBackendShape {
  device: { destroy(): void };
}

describe('context loss', () => {
  itOnGpu('webgl', 'resolves lost and rejects further detection when the WebGL context is lost', async () => {
    const detector = await FaceDetector.create({ context: { engine: 'webgl' } });
    const image = await loadImageData('/test/fixtures/seed/1face.png');
    expect((await detector.detect(image)).length).to.equal(1);

    const backend = tf.findBackend('webgl') as unknown as WebGLBackendShape;
    backend.gpgpu.gl.getExtension('WEBGL_lose_context')!.loseContext();
    const { message } = await detector.lost;
    expect(message).to.contain('WebGL context was lost');
    const error = await rejection(detector.detect(image));
    expect(error.name).to.equal('InvalidStateError');
    detector.dispose();
  });

  itOnGpu('webgpu', 'resolves lost and rejects further detection when the WebGPU device is lost', async () => {
    const detector = await FaceDetector.create({ context: { engine: 'webgpu' } });
    const image = await loadImageData('/test/fixtures/seed/1face.png');
    expect((await detector.detect(image)).length).to.equal(1);

    (tf.findBackend('webgpu') as unknown as WebGPUBackendShape).device.destroy();
    const { message } = await detector.lost;
    // Then the browser's own words: "Device was destroyed." in Chromium, "Device destroyed" in Firefox.
    expect(message).to.match(/^the WebGPU device was lost: Device (was )?destroyed/);
    const error = await rejection(detector.detect(image));
    expect(error.name).to.equal('InvalidStateError');
    detector.dispose();
  });
});
