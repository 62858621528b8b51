// <blaze-face>'s engine choice where WebGPU and WebGL are SwiftShader: power-preference="high-performance"
// avoids the software GPU and says why in backend.reason; engine="webgpu" still forces it.
import { expect } from 'chai';
import '../../components/index.ts';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { BlazeFaceErrorDetail } from '../../components/events.ts';

function addElement(attributes: Record<string, string>): BlazeFaceElement {
  const element = document.createElement('blaze-face');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.src = '/test/fixtures/seed/1face.png';
  document.body.append(element);
  return element;
}

describe('<blaze-face> engine choice', () => {
  afterEach(() => document.querySelectorAll('blaze-face').forEach((element) => element.remove()));

  it('power-preference="high-performance" lands on wasm here, with the reason', async () => {
    const element = addElement({ 'power-preference': 'high-performance' });
    const backend = await element.ready;
    expect(backend.engine).to.equal('wasm');
    expect(backend.reason).to.match(/^high-performance runs on wasm: .*software/);
    expect(element.backend).to.deep.equal(backend);
  });

  it('engine="webgpu" forces the WebGPU engine (SwiftShader here), without a reason', async () => {
    const element = addElement({ engine: 'webgpu', 'power-preference': 'high-performance' });
    const backend = await element.ready;
    expect(backend).to.deep.equal({ implementation: 'polyfill', engine: 'webgpu', precision: 'float32' });
  });

  it('a bad engine value is an invalid-attribute error and keeps auto', async () => {
    const element = document.createElement('blaze-face');
    const error = new Promise<BlazeFaceErrorDetail>((resolve) =>
      element.addEventListener('error', (event) => resolve(event.detail), { once: true }),
    );
    element.setAttribute('engine', 'gpu');
    element.src = '/test/fixtures/seed/1face.png';
    document.body.append(element);
    const detail = await error;
    expect(detail.type).to.equal('invalid-attribute');
    expect(detail.message).to.contain('engine must be');
    expect(element.engine).to.equal('auto');
    expect((await element.ready).engine).to.equal('wasm');
  });
});
