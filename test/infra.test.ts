import { expect } from 'chai';

describe('test infrastructure', () => {
  it('serves the seed fixtures from the repository with cross-origin isolation', async () => {
    const response = await fetch('/test/fixtures/seed/anchors.json');
    expect(response.status, 'test/fixtures/seed/anchors.json').to.equal(200);
    const table = (await response.json()) as { anchors: number[][] };
    expect(table.anchors).to.have.length(896);
    expect(globalThis.crossOriginIsolated).to.equal(true);
  });
});

describe('asset serving', () => {
  it('serves the model files and wasm binaries from our own origin', async () => {
    for (const path of ['/assets/models/face_detection_short_range.tflite', '/assets/wasm/tfjs-backend-wasm-simd.wasm']) {
      const response = await fetch(path);
      expect(response.status, path).to.equal(200);
      expect((await response.arrayBuffer()).byteLength, path).to.be.greaterThan(100_000);
    }
  });
});
