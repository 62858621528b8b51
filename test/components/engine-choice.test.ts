// <blaze-face>'s engine choice where WebGPU and WebGL are SwiftShader: power-preference="high-performance"
// avoids the software GPU and says why in backend.reason; engine="webgpu" still forces it.
import { expect } from 'chai';
import '../../components/index.ts';
import { addSeedPhotoElement } from '../helpers/element-events.ts';
import type { BlazeFaceErrorDetail, BlazeFaceReadyDetail } from '../../components/events.ts';

describe('<blaze-face> engine choice', () => {
  afterEach(() => document.querySelectorAll('blaze-face').forEach((element) => element.remove()));

  it('power-preference="high-performance" lands on wasm here, with the reason', async () => {
    const { element, first } = addSeedPhotoElement<BlazeFaceReadyDetail>({ 'power-preference': 'high-performance' }, 'ready');
    const { backend } = await first;
    expect(backend.engine).to.equal('wasm');
    expect(backend.reason).to.match(/^high-performance runs on wasm: .*software/);
    expect(element.backend).to.deep.equal(backend);
  });

  it('engine="webgpu" forces the WebGPU engine (SwiftShader here), without a reason', async () => {
    const { first } = addSeedPhotoElement<BlazeFaceReadyDetail>({ engine: 'webgpu', 'power-preference': 'high-performance' }, 'ready');
    const { backend } = await first;
    expect(backend).to.deep.equal({ implementation: 'polyfill', engine: 'webgpu', precision: 'float32' });
  });

  it('a bad engine value is an invalid-attribute error and keeps auto', async () => {
    const { element, first } = addSeedPhotoElement<BlazeFaceErrorDetail>({ engine: 'gpu' }, 'error');
    const detail = await first;
    expect(detail.type).to.equal('invalid-attribute');
    expect(detail.message).to.contain('engine must be');
    expect(element.engine).to.equal('auto');
    expect((await element.ready).engine).to.equal('wasm');
  });
});
