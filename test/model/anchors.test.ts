// generateAnchors against the seed's anchor table and hand-computed values (MediaPipe's SSD anchor calculator).

import { expect } from 'chai';
import { generateAnchors, type Anchors } from '../../model/anchors.ts';
import { modelSpecs } from '../../model/model-specs.ts';
import { fetchFixture } from '../helpers/fixtures.ts';

const f32 = Math.fround;

function anchorAt(anchors: Anchors, i: number): number[] {
  return [anchors.xCenter[i]!, anchors.yCenter[i]!, anchors.width[i]!, anchors.height[i]!];
}

describe('generateAnchors', () => {
  it('reproduces the seed anchor table exactly for the 128 models (short, front) and the 256 back model', async () => {
    const table = ((await (await fetchFixture('anchors.json')).json()) as { anchors: number[][] }).anchors;
    for (const name of ['short', 'front', 'back'] as const) {
      const anchors = generateAnchors(modelSpecs[name].anchors);
      expect(anchors.count, name).to.equal(896);
      for (let i = 0; i < 896; i++) expect(anchorAt(anchors, i), `${name} anchor ${i}`).to.deep.equal(table[i]);
    }
  });

  it('gives 2304 anchors for full range, 48×48 in row-major order', () => {
    const anchors = generateAnchors(modelSpecs.full.anchors);
    expect(anchors.count).to.equal(2304);
    expect(anchorAt(anchors, 0)).to.deep.equal([f32(1 / 96), f32(1 / 96), 1, 1]);
    expect(anchorAt(anchors, 1)).to.deep.equal([f32(3 / 96), f32(1 / 96), 1, 1]);
    expect(anchorAt(anchors, 48)).to.deep.equal([f32(1 / 96), f32(3 / 96), 1, 1]);
    expect(anchorAt(anchors, 2303)).to.deep.equal([f32(95 / 96), f32(95 / 96), 1, 1]);
  });

  it('matches the pipeline note spot values for short range', () => {
    const anchors = generateAnchors(modelSpecs.short.anchors);
    expect(anchorAt(anchors, 0)).to.deep.equal([0.03125, 0.03125, 1, 1]);
    expect(anchorAt(anchors, 1)).to.deep.equal([0.03125, 0.03125, 1, 1]);
    expect(anchorAt(anchors, 2)).to.deep.equal([0.09375, 0.03125, 1, 1]);
    for (let i = 512; i < 518; i++) expect(anchorAt(anchors, i)).to.deep.equal([0.0625, 0.0625, 1, 1]);
  });

  it('uses the layer scales when anchors are not fixed-size', () => {
    const anchors = generateAnchors({ ...modelSpecs.short.anchors, fixedAnchorSize: false });
    const scale0 = 0.1484375;
    const scale1 = 0.1484375 + (0.75 - 0.1484375) / 3;
    expect(anchors.width[0]).to.equal(f32(scale0));
    expect(anchors.width[1]).to.be.closeTo(Math.sqrt(scale0 * scale1), 1e-7);
  });
});
