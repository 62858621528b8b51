// <blaze-face>'s engine choice where the GPU engines run on software renderers (SwiftShader, llvmpipe):
// power-preference="high-performance" avoids them and says why in backend.reason; engine="webgl" and, where
// it exists, engine="webgpu" still force them.
import { expect } from 'chai';
import '../../components/index.ts';
import { addSeedPhotoElement } from '../helpers/element-events.ts';
import type { BlazeFaceErrorDetail, BlazeFaceReadyDetail } from '../../components/events.ts';
import { testBrowser } from '../helpers/test-browser.ts';

describe('<blaze-face> engine choice', () => {
  afterEach(() => document.querySelectorAll('blaze-face').forEach((element) => element.remove()));

  it('power-preference="high-performance" lands on wasm here, with the reason', async () => {
    const { element, first } = addSeedPhotoElement<BlazeFaceReadyDetail>({ 'power-preference': 'high-performance' }, 'ready');
    const { backend } = await first;
    expect(backend.engine).to.equal('wasm');
    // Software by its name where the adapter or renderer says it (SwiftShader, llvmpipe), else too slow.
    expect(backend.reason).to.match(/^high-performance runs on wasm: .*(software|over twice wasm's)/);
    expect(element.backend).to.deep.equal(backend);
  });

  for (const engine of testBrowser.gpuEngines) {
    it(`engine="${engine}" forces the ${engine} engine (a software renderer here), without a reason`, async () => {
      const { first } = addSeedPhotoElement<BlazeFaceReadyDetail>({ engine, 'power-preference': 'high-performance' }, 'ready');
      const { backend } = await first;
      expect(backend).to.deep.equal({ implementation: 'polyfill', engine, precision: 'float32' });
    });
  }

  it('a bad engine value is an invalid-attribute error and keeps auto', async () => {
    const { element, first } = addSeedPhotoElement<BlazeFaceErrorDetail>({ engine: 'gpu' }, 'error');
    const detail = await first;
    expect(detail.type).to.equal('invalid-attribute');
    expect(detail.message).to.contain('engine must be');
    expect(element.engine).to.equal('auto');
    expect((await element.ready).engine).to.equal('wasm');
  });
});
