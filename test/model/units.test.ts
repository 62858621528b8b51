// Unit tests of the model's processing steps (anchors, decoding, NMS, letterbox, image to tensor, Face),
// each against hand-computed numbers or the seed's fixtures. No network runs here.

import { expect } from 'chai';
import { generateAnchors, type Anchors } from '../../model/anchors.ts';
import { InvalidImageError, ModelLoadError, type InvalidImageReason } from '../../model/errors.ts';
import { fetchModel, provideModelFile } from '../../model/graph/fetch-model.ts';
import { createFace, mirrorFace } from '../../model/face.ts';
import { imageToTensor, sampledRows, sampleLetterboxed } from '../../model/image-to-tensor.ts';
import type { ImageSource } from '../../model/image-source.ts';
import { copyFramePixels, isCopyableFrame, readPixels, type FrameBuffers } from '../../model/read-pixels.ts';
import { referenceRgb, yuvFrame } from '../helpers/yuv-frames.ts';
import { rejection } from '../helpers/rejection.ts';
import { computeLetterbox, removeLetterbox } from '../../model/letterbox.ts';
import { modelSpecs } from '../../model/model-specs.ts';
import { intersectionOverUnion, nonMaxSuppression } from '../../model/non-max-suppression.ts';
import {
  tensorsToDetections,
  type Detection,
  type TensorsToDetectionsOptions,
} from '../../model/tensors-to-detections.ts';

const fixtures = '/test/fixtures/seed/';
const f32 = Math.fround;

async function fetchFixture(name: string): Promise<Response> {
  const response = await fetch(fixtures + name).catch(() => undefined);
  if (!response?.ok) {
    throw new Error(`Fixture ${name} not served (status ${response?.status}).`);
  }
  return response;
}

async function loadImage(name: string): Promise<HTMLImageElement> {
  await fetchFixture(name); // fails with the explanatory message if the fixtures are missing
  const image = new Image();
  image.src = fixtures + name;
  await image.decode();
  return image;
}

function detection(box: [number, number, number, number], score: number, keypoints?: number[], anchorIndex = 0): Detection {
  const [xMin, yMin, xMax, yMax] = box;
  return { xMin, yMin, xMax, yMax, score, keypoints: keypoints ?? new Array<number>(12).fill(0), anchorIndex };
}

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

describe('tensorsToDetections', () => {
  const anchors: Anchors = {
    count: 4,
    xCenter: Float32Array.of(0.5, 0.25, 0.1, 0.9),
    yCenter: Float32Array.of(0.5, 0.75, 0.1, 0.9),
    width: Float32Array.of(1, 1, 1, 1),
    height: Float32Array.of(1, 1, 1, 1),
  };
  const options: TensorsToDetectionsOptions = { ...modelSpecs.short.decode, minScore: 0.5 };

  function rawTensors(): { regressors: Float32Array; scores: Float32Array } {
    const regressors = new Float32Array(4 * 16);
    // Anchor 0: centre +12.8/-6.4 px, size 25.6×38.4 px, keypoint k at (+k px, -k px).
    regressors.set([12.8, -6.4, 25.6, 38.4], 0);
    for (let k = 0; k < 6; k++) regressors.set([k, -k], 4 + 2 * k);
    // Anchor 1: box 12.8×12.8 px at the anchor.
    regressors.set([0, 0, 12.8, 12.8], 16);
    // Anchor 2: negative width, must be dropped whatever its score.
    regressors.set([0, 0, -1, 12.8], 32);
    // Anchor 3: fine box, hopeless score.
    regressors.set([0, 0, 12.8, 12.8], 48);
    return { regressors, scores: Float32Array.of(200, 0, 200, -200) };
  }

  it('decodes box, keypoints and scores of the survivors in anchor order', () => {
    const { regressors, scores } = rawTensors();
    const found = tensorsToDetections(regressors, scores, anchors, options);
    expect(found.map((d) => d.anchorIndex)).to.deep.equal([0, 1]);
    const [first, second] = found as [Detection, Detection];
    // Logit 200 is clipped to 100: sigmoid(100) is 1 in float32.
    expect(first.score).to.equal(1);
    expect(first.xMin).to.be.closeTo(0.5, 1e-6); // centre 0.6, width 0.2
    expect(first.xMax).to.be.closeTo(0.7, 1e-6);
    expect(first.yMin).to.be.closeTo(0.3, 1e-6); // centre 0.45, height 0.3
    expect(first.yMax).to.be.closeTo(0.6, 1e-6);
    expect(first.keypoints).to.have.length(12);
    expect(first.keypoints[0]).to.equal(0.5);
    expect(first.keypoints[10]).to.be.closeTo(0.5 + 5 / 128, 1e-7);
    expect(first.keypoints[11]).to.be.closeTo(0.5 - 5 / 128, 1e-7);
    // Logit 0 gives exactly 0.5, equal to the threshold: kept (only s < minScore is dropped).
    expect(second.score).to.equal(0.5);
    expect([second.xMin, second.yMin, second.xMax, second.yMax]).to.deep.equal([0.2, 0.7, 0.3, 0.8].map(f32));
  });

  it('drops a score just below the threshold and applies the clipping threshold before the sigmoid', () => {
    const { regressors } = rawTensors();
    expect(tensorsToDetections(regressors, Float32Array.of(-1e-6, -1, -1, -1), anchors, options)).to.have.length(0);
    const clipped = tensorsToDetections(regressors, Float32Array.of(5, -1, -1, -1), anchors, {
      ...options,
      scoreClippingThresh: 2,
    });
    expect(clipped[0]!.score).to.equal(f32(1 / f32(1 + f32(Math.exp(-2)))));
  });

  it('reads (y, x, h, w) and (y, x) keypoints when reverseOutputOrder is false', () => {
    const regressors = new Float32Array(4 * 16);
    regressors.set([-6.4, 12.8, 38.4, 25.6, -1, 1], 0);
    const [d] = tensorsToDetections(regressors, Float32Array.of(9, -9, -9, -9), anchors, {
      ...options,
      reverseOutputOrder: false,
    });
    expect(d!.xMin).to.be.closeTo(0.5, 1e-6);
    expect(d!.yMax).to.be.closeTo(0.6, 1e-6);
    expect(d!.keypoints.slice(0, 2)).to.deep.equal([f32(0.5 + 1 / 128), f32(0.5 - 1 / 128)]);
  });
});

describe('nonMaxSuppression', () => {
  const kp = (x: number, y: number) => new Array<number>(6).fill(0).flatMap(() => [x, y]);
  const a = detection([0, 0, 0.5, 0.5], 0.9, kp(0.1, 0.2), 10);
  const b = detection([0.1, 0.1, 0.6, 0.6], 0.6, kp(0.4, 0.5), 11); // IoU with a = 0.16 / 0.34
  const c = detection([0.8, 0.8, 0.9, 0.9], 0.7, kp(0.85, 0.85), 12);

  it('merges overlapping detections into the score-weighted average and keeps the head score (max)', () => {
    const merged = nonMaxSuppression([b, c, a], { threshold: 0.3 });
    expect(merged).to.have.length(2);
    const [head, other] = merged as [Detection, Detection];
    expect(head.score).to.equal(0.9);
    expect(head.anchorIndex).to.equal(10);
    // (0.9·0 + 0.6·0.1)/1.5 = 0.04; (0.9·0.5 + 0.6·0.6)/1.5 = 0.54
    expect(head.xMin).to.be.closeTo(0.04, 1e-6);
    expect(head.yMin).to.be.closeTo(0.04, 1e-6);
    expect(head.xMax).to.be.closeTo(0.54, 1e-6);
    expect(head.yMax).to.be.closeTo(0.54, 1e-6);
    // keypoints: (0.9·0.1 + 0.6·0.4)/1.5 = 0.22, (0.9·0.2 + 0.6·0.5)/1.5 = 0.32
    for (let k = 0; k < 6; k++) {
      expect(head.keypoints[2 * k]).to.be.closeTo(0.22, 1e-6);
      expect(head.keypoints[2 * k + 1]).to.be.closeTo(0.32, 1e-6);
    }
    // A lone detection is its own cluster (MediaPipe averages it too): unchanged up to float32 rounding.
    expect(other.score).to.equal(0.7);
    [other.xMin, other.yMin, other.xMax, other.yMax].forEach((v, i) => expect(v).to.be.closeTo([0.8, 0.8, 0.9, 0.9][i]!, 1e-7));
    expect(other.keypoints[0]).to.be.closeTo(0.85, 1e-7);
  });

  it("scores a merged cluster with the mean of its scores for scoreMerge 'mean'", () => {
    const merged = nonMaxSuppression([a, b, c], { threshold: 0.3, scoreMerge: 'mean' });
    expect(merged[0]!.score).to.equal(f32(f32(0.9 + 0.6) / 2));
    expect(merged[0]!.xMax).to.be.closeTo(0.54, 1e-6);
    expect(merged[1]!.score).to.equal(f32(0.7));
  });

  it('does not merge at an IoU exactly equal to the threshold (strict >)', () => {
    // IoU = 0.1875 / 0.625 = 0.3; every step is exact in float32, the division rounds to float32(0.3).
    const wide = detection([0, 0, 0.625, 1], 0.8);
    const narrow = detection([0, 0, 0.1875, 1], 0.7);
    expect(intersectionOverUnion(wide, narrow)).to.equal(f32(0.3));
    expect(nonMaxSuppression([wide, narrow], { threshold: 0.3 })).to.have.length(2);
    const wider = detection([0, 0, 0.203125, 1], 0.7); // IoU 0.325
    expect(nonMaxSuppression([wide, wider], { threshold: 0.3 })).to.have.length(1);
  });

  it('treats touching, separated and empty boxes as not overlapping', () => {
    const left = detection([0, 0, 0.5, 0.5], 0.9);
    expect(intersectionOverUnion(left, detection([0.5, 0, 1, 0.5], 0.9))).to.equal(0);
    expect(intersectionOverUnion(left, detection([0.6, 0, 1, 0.5], 0.9))).to.equal(0);
    expect(intersectionOverUnion(left, detection([0.3, 0.3, 0.2, 0.4], 0.9))).to.equal(0);
  });

  it('orders by score descending, equal scores in input order, and honours maxResults', () => {
    const boxes = [0.1, 0.3, 0.5, 0.7].map((x, i) => detection([x, 0, x + 0.1, 0.1], [0.6, 0.8, 0.6, 0.9][i]!, undefined, i));
    expect(nonMaxSuppression(boxes, { threshold: 0.3 }).map((d) => d.anchorIndex)).to.deep.equal([3, 1, 0, 2]);
    expect(nonMaxSuppression(boxes, { threshold: 0.3, maxResults: 2 }).map((d) => d.anchorIndex)).to.deep.equal([3, 1]);
  });

  it('stops (like MediaPipe) when the head removes nothing, i.e. when it does not even overlap itself', () => {
    const emptyHead = detection([0.5, 0.5, 0.4, 0.6], 0.95, undefined, 7);
    const merged = nonMaxSuppression([a, emptyHead, c], { threshold: 0.3 });
    expect(merged.map((d) => d.anchorIndex)).to.deep.equal([7]);
  });
});

describe('letterbox', () => {
  it('removes vertical padding from a landscape source (640×480)', () => {
    const letterbox = computeLetterbox(640, 480);
    expect([letterbox.left, letterbox.top, letterbox.right, letterbox.bottom]).to.deep.equal([0, 0.125, 0, 0.125]);
    expect([letterbox.squareSide, letterbox.originX, letterbox.originY]).to.deep.equal([640, 0, -80]);
    const [d] = removeLetterbox([detection([0.25, 0.125, 0.5, 0.5], 0.9, [0.3, 0.2, 0.3, 0.05, 0, 0, 0, 0, 0, 0, 0, 0.95])], letterbox);
    expect(d!.xMin).to.equal(0.25);
    expect(d!.yMin).to.equal(0); // (0.125 - 0.125)/0.75
    expect(d!.yMax).to.equal(0.5); // (0.5 - 0.125)/0.75
    expect(d!.keypoints[1]).to.be.closeTo(0.1, 1e-12); // (0.2 - 0.125)/0.75
    expect(d!.keypoints[3]).to.be.closeTo(-0.1, 1e-12); // not clamped
    expect(d!.keypoints[11]).to.be.closeTo(1.1, 1e-12);
  });

  it('removes horizontal padding from a portrait source (480×640), matching the pixel formula', () => {
    const letterbox = computeLetterbox(480, 640);
    expect([letterbox.left, letterbox.top]).to.deep.equal([0.125, 0]);
    const [d] = removeLetterbox([detection([0.05, 0.2, 0.5, 0.9], 0.9)], letterbox);
    // x_px = x_t·L - (L - W)/2 = 0.05·640 - 80 = -48 → -48/480 = -0.1
    expect(d!.xMin).to.be.closeTo(-0.1, 1e-12);
    expect(d!.xMax).to.be.closeTo((0.5 * 640 - 80) / 480, 1e-12);
    expect([d!.yMin, d!.yMax]).to.deep.equal([0.2, 0.9]);
  });
});

describe('imageToTensor', () => {
  const unit = (p: number) => f32(p / 127.5 - 1);

  function patternImage(width: number, height: number): ImageData {
    const image = new ImageData(width, height);
    for (let i = 0; i < width * height; i++) image.data.set([(i * 7) % 256, (i * 13 + 5) % 256, (i * 29 + 11) % 256, 255], i * 4);
    return image;
  }

  it('passes the exact pixels through when the source is already S×S', () => {
    const image = patternImage(128, 128);
    const { tensor, letterbox, sourceWidth, sourceHeight } = imageToTensor(image, 128);
    expect([sourceWidth, sourceHeight, letterbox.left, letterbox.top]).to.deep.equal([128, 128, 0, 0]);
    expect(tensor).to.have.length(128 * 128 * 3);
    for (let i = 0; i < 128 * 128; i++) {
      for (let c = 0; c < 3; c++) expect(tensor[i * 3 + c], `pixel ${i} channel ${c}`).to.equal(unit(image.data[i * 4 + c]!));
    }
  });

  it('letterboxes a non-square canvas with -1 borders of the right size', () => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 32;
    const context = canvas.getContext('2d')!;
    context.fillStyle = 'rgb(200, 100, 50)';
    context.fillRect(0, 0, 64, 32);
    for (const size of [64, 32]) {
      const { tensor } = imageToTensor(canvas, size);
      const border = size / 4; // (L - H)/2 = 16 source pixels = size/4 tensor rows
      for (let row = 0; row < size; row++) {
        const expected = row < border || row >= size - border ? [-1, -1, -1] : [200, 100, 50].map(unit);
        for (const column of [0, size / 2, size - 1]) {
          const at = (row * size + column) * 3;
          expect([...tensor.subarray(at, at + 3)], `size ${size} row ${row} column ${column}`).to.deep.equal(expected);
        }
      }
    }
  });

  it('samples corner-aligned, with black outside the image, on a hand-computed 2×2 → 4×4 upscale', () => {
    const gray = (values: number[]) => ({ data: Uint8ClampedArray.from(values.flatMap((v) => [v, v, v, 255])), width: 2, height: 2 });
    const tensor = sampleLetterboxed(gray([0, 100, 200, 255]), 4);
    const at = (i: number, j: number) => tensor[(i * 4 + j) * 3]!;
    expect(at(0, 0)).to.equal(unit(0));
    expect(at(0, 1)).to.equal(unit(50)); // x = 0.5 between 0 and 100
    expect(at(0, 2)).to.equal(unit(100));
    expect(at(0, 3)).to.equal(unit(50)); // x = 1.5 between 100 and black
    expect(at(1, 1)).to.equal(unit(139)); // (0 + 100 + 200 + 255)/4 = 138.75
    expect(at(3, 3)).to.equal(unit(64)); // 255/4 = 63.75
    // 2× downscale of a 4×4 image takes pixels 0 and 2 of each axis exactly.
    const big = { data: Uint8ClampedArray.from({ length: 64 }, (_, k) => (k % 4 === 3 ? 255 : k * 3)), width: 4, height: 4 };
    const small = sampleLetterboxed(big, 2);
    expect([...small].map((v) => Math.round((v + 1) * 127.5))).to.deep.equal(
      [0, 2, 8, 10].flatMap((p) => [p * 12, p * 12 + 3, p * 12 + 6]),
    );
  });

  it("quantizes positions to 1/32 pixel in 'opencv' mode, not in 'exact' mode", () => {
    // 3 px wide stripes 0,255,0 sampled at x = 3/7: OpenCV uses 14/32 → 111.56 → 112; exact 109.29 → 109.
    const stripes = { data: Uint8ClampedArray.from({ length: 9 }, (_, k) => (k % 3 === 1 ? 255 : 0)).reduce<number[]>((all, v) => [...all, v, v, v, 255], []), width: 3, height: 3 };
    const pixels = { ...stripes, data: Uint8ClampedArray.from(stripes.data) };
    expect(sampleLetterboxed(pixels, 7, undefined, 'opencv')[3]).to.equal(unit(112));
    expect(sampleLetterboxed(pixels, 7, undefined, 'exact')[3]).to.equal(unit(109));
  });

  it('matches a direct transcription of the fixed-point sampling formula on 2× up- and downscales', () => {
    // Reference: cvRound(position·32), integer weights out of 32 per axis, (sum + 512) >> 10, black outside.
    // Only sizes without exact 1/64-pixel ties: at ties OpenCV's matrix rounding decides (next test).
    function reference(pixels: { data: Uint8ClampedArray; width: number; height: number }, size: number): Float32Array {
      const { width, height, data } = pixels;
      const side = Math.max(width, height);
      const out = new Float32Array(size * size * 3);
      const fixed = (p: number) => {
        const r = Math.round(p * 32);
        return r - p * 32 === 0.5 && r % 2 !== 0 ? r - 1 : r;
      };
      const get = (x: number, y: number, c: number) => (x < 0 || y < 0 || x >= width || y >= height ? 0 : data[(y * width + x) * 4 + c]!);
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          // position·32 as one exact quotient, so ties are exact ties
          const X = fixed((((width - side) * size + 2 * j * side) * 16) / size / 32);
          const Y = fixed((((height - side) * size + 2 * i * side) * 16) / size / 32);
          const x = X >> 5, y = Y >> 5, fx = X & 31, fy = Y & 31;
          for (let c = 0; c < 3; c++) {
            const sum = (32 - fx) * (32 - fy) * get(x, y, c) + fx * (32 - fy) * get(x + 1, y, c) + (32 - fx) * fy * get(x, y + 1, c) + fx * fy * get(x + 1, y + 1, c);
            out[(i * size + j) * 3 + c] = unit((sum + 512) >> 10);
          }
        }
      }
      return out;
    }
    for (const [width, height, size] of [[50, 64, 128], [64, 32, 128], [256, 200, 128], [640, 480, 128], [1280, 720, 192], [128, 128, 256]] as const) {
      const image = patternImage(width, height);
      const pixels = { data: image.data, width, height };
      expect([...sampleLetterboxed(pixels, size)], `${width}×${height} → ${size}`).to.deep.equal([...reference(pixels, size)]);
    }
  });

  it('matches OpenCV 4.6 warpPerspective bit for bit where positions tie (odd sizes)', () => {
    // Digests of cv2.warpPerspective output (MediaPipe's corner mapping, INTER_LINEAR, BORDER_CONSTANT) for
    // the pattern image: per tensor row, the sum of (k + 1)·byte over the row's bytes k. Rounding the exact
    // tie positions half to even instead would change thousands of bytes here.
    const opencvRowDigests: Record<string, number[]> = {
      '7x5>64': [0, 152981, 268981, 382303, 536218, 689792, 805517, 957709, 1072968, 1225998, 1277954, 1346747, 1397840, 1466938, 1517835, 1586774, 1637740, 1707323, 1758721, 1814950, 1852806, 1904196, 1942367, 1994114, 2032341, 2083803, 2121629, 2173562, 2190050, 2197269, 2202528, 2210029, 2214912, 2221838, 2228237, 2235496, 2241267, 2297808, 2378564, 2484863, 2565612, 2672659, 2752647, 2859405, 2939929, 3046948, 3003009, 2616697, 2324987, 1937707, 1647239, 1259075, 969356, 581331, 291166, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      '33x17>128': [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2143534, 4594769, 7044205, 9803489, 9536044, 9268994, 9000796, 8760745, 8970228, 9179632, 9390540, 9522690, 9320980, 9119552, 8916898, 8719898, 8598160, 8475511, 8340247, 8329019, 8428347, 8527299, 8625107, 8744277, 8855002, 8968511, 9079948, 9046121, 8945190, 8844223, 8744037, 8953033, 9221627, 9491106, 9759452, 9960883, 10128886, 10294986, 10463001, 10257358, 10074715, 9893294, 9737818, 9786296, 9829477, 9870999, 9848232, 9594699, 9371137, 9148176, 8885485, 8639492, 8393876, 8147870, 8126493, 8349062, 8549416, 8749367, 8785230, 8733629, 8680455, 8628112, 8510975, 8356072, 8218232, 8080135, 6047309, 4031752, 2016967, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    };
    for (const [key, expected] of Object.entries(opencvRowDigests)) {
      const [width, height, size] = key.split(/[x>]/).map(Number) as [number, number, number];
      const image = patternImage(width, height);
      const tensor = sampleLetterboxed({ data: image.data, width, height }, size);
      const digests = Array.from({ length: size }, (_, row) => {
        let sum = 0;
        for (let k = 0; k < size * 3; k++) sum += (k + 1) * Math.round((tensor[row * size * 3 + k]! + 1) * 127.5);
        return sum;
      });
      expect(digests, key).to.deep.equal(expected);
    }
  });

  it('gives the same tensor for every input type', async () => {
    const image = await loadImage('1face.png');
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    canvas.getContext('2d')!.drawImage(image, 0, 0);
    const offscreen = new OffscreenCanvas(image.naturalWidth, image.naturalHeight);
    offscreen.getContext('2d')!.drawImage(image, 0, 0);
    const bitmap = await createImageBitmap(image);
    const imageData = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const frame = new VideoFrame(bitmap, { timestamp: 0 });
    const sources: [string, ImageSource][] = [
      ['HTMLImageElement', image],
      ['HTMLCanvasElement', canvas],
      ['OffscreenCanvas', offscreen],
      ['ImageBitmap', bitmap],
      ['VideoFrame', frame],
    ];
    for (const size of [128, 256]) {
      const expected = [...imageToTensor(imageData, size).tensor];
      expect(new Set(expected).size, 'the fixture has content').to.be.greaterThan(100);
      for (const [name, source] of sources) expect([...imageToTensor(source, size).tensor], `${name} at ${size}`).to.deep.equal(expected);
    }
    frame.close();
    bitmap.close();
  });

  it('reads only the rows it samples of a large image, and gets the same tensor as from every row', () => {
    for (const [width, height] of [[1920, 1537], [1537, 1920], [1280, 720], [2000, 301]] as const) {
      const image = patternImage(width, height);
      const canvas = new OffscreenCanvas(width, height);
      canvas.getContext('2d')!.putImageData(image, 0, 0);
      for (const sampling of ['opencv', 'exact'] as const) {
        for (const size of [128, 192]) {
          const label = `${width}×${height} → ${size} ${sampling}`;
          const rows = sampledRows(width, height, size, sampling);
          expect(rows, label).to.be.instanceOf(Int32Array);
          // at least one row per tensor row inside the image; gaps too small to skip are read too
          expect(rows!.length, `${label}: rows read`).to.be.within(Math.floor((size * height) / Math.max(width, height)), height - 1);
          expect([...rows!].every((row, k) => row >= 0 && row < height && (k === 0 || row > rows![k - 1]!)), `${label}: ascending rows`).to.equal(true);
          const expected = [...sampleLetterboxed(image, size, undefined, sampling)];
          const fromCanvas = readPixels(canvas, rows);
          const fromImageData = readPixels(image, rows);
          expect(fromCanvas.data.length, label).to.equal(rows!.length * width * 4);
          expect([...sampleLetterboxed(fromCanvas, size, undefined, sampling)], `${label} from a canvas`).to.deep.equal(expected);
          expect([...sampleLetterboxed(fromImageData, size, undefined, sampling)], `${label} from ImageData`).to.deep.equal(expected);
          expect([...imageToTensor(canvas, size, undefined, { sampling }).tensor], `${label} imageToTensor`).to.deep.equal(expected);
        }
      }
    }
    // A 1920-pixel photo: at most a tap pair of rows per tensor row, a sixth of its rows.
    expect(sampledRows(1920, 1537, 128)!.length).to.be.at.most(256);
    // Small images (and those whose sampled rows lie close together) are read whole: one getImageData.
    const oneRun = (rows: Int32Array | undefined) => !rows || rows.every((row, k) => k === 0 || row === rows[k - 1]! + 1);
    expect(oneRun(sampledRows(640, 480, 128)), '640×480 → 128').to.equal(true);
    expect(oneRun(sampledRows(1280, 720, 192)), '1280×720 → 192').to.equal(true);
    expect(sampledRows(128, 128, 128)).to.equal(undefined);
  });

  it('refuses pixels that hold other rows than the sampling reads, or fewer bytes than they claim', () => {
    const image = patternImage(1920, 1537);
    const rows = sampledRows(1920, 1537, 128)!;
    const pixels = readPixels(image, rows);
    expect(() => sampleLetterboxed({ ...pixels, rows: rows.map((row) => Math.max(0, row - 1)) }, 128)).to.throw(RangeError);
    expect(() => sampleLetterboxed({ ...pixels, rows: rows.subarray(1) }, 128)).to.throw(RangeError);
    expect(() => sampleLetterboxed({ ...pixels, data: pixels.data.subarray(4) }, 128)).to.throw(RangeError);
    expect(() => sampleLetterboxed({ ...pixels, rows: undefined }, 128)).to.throw(RangeError);
  });

  it('copyFramePixels copies RGBA and BGRA frames byte for byte, into the buffers it is given', async () => {
    const image = patternImage(37, 23);
    const bgraBytes = new Uint8Array(image.data.length);
    for (let i = 0; i < bgraBytes.length; i += 4) bgraBytes.set([image.data[i + 2]!, image.data[i + 1]!, image.data[i]!, 255], i);
    const init = { codedWidth: 37, codedHeight: 23, timestamp: 0 };
    const rgba = new VideoFrame(image.data, { format: 'RGBA', ...init });
    const bgra = new VideoFrame(bgraBytes, { format: 'BGRA', ...init });
    const buffers: FrameBuffers = {};
    for (const frame of [rgba, bgra, rgba]) {
      expect(isCopyableFrame(frame)).to.equal(true);
      const pixels = await copyFramePixels(frame, undefined, buffers);
      expect([pixels.width, pixels.height, pixels.rows]).to.deep.equal([37, 23, undefined]);
      expect(pixels.data, 'reused').to.equal(buffers.rgba);
      expect(Array.from(pixels.data), frame.format ?? '').to.deep.equal([...image.data]);
    }
    const cropped = new VideoFrame(rgba, { visibleRect: { x: 2, y: 2, width: 10, height: 10 }, displayWidth: 20, displayHeight: 10 });
    expect(isCopyableFrame(cropped), 'a frame that display scaling stretches must be drawn').to.equal(false);
    for (const frame of [rgba, bgra, cropped]) frame.close();
    expect(await rejection(copyFramePixels(rgba))).to.be.instanceOf(InvalidImageError);
  });

  it("copyFramePixels converts YUV frames in their matrix and range, only the rows asked for", async () => {
    const [width, height] = [38, 24]; // Firefox and WebKit refuse 4:2:0 frames of odd sizes
    const cases = [
      { format: 'I420', colorSpace: undefined, matrix: 'bt601', fullRange: false },
      { format: 'I420', colorSpace: { matrix: 'bt709', fullRange: true }, matrix: 'bt709', fullRange: true },
      { format: 'NV12', colorSpace: { matrix: 'bt709', fullRange: false }, matrix: 'bt709', fullRange: false },
      { format: 'NV12', colorSpace: { matrix: 'smpte170m', fullRange: true }, matrix: 'bt601', fullRange: true },
    ] as const;
    for (const { format, colorSpace, matrix, fullRange } of cases) {
      const frame = yuvFrame(patternImage(width, height), format, colorSpace ? { colorSpace } : {});
      const planes = new Uint8Array(frame.allocationSize());
      const layout = await frame.copyTo(planes);
      const expected = (x: number, y: number) => {
        const c = (y >> 1) * layout[1]!.stride + (x >> 1) * (format === 'NV12' ? 2 : 1);
        const u = planes[layout[1]!.offset + c]!;
        const v = format === 'NV12' ? planes[layout[1]!.offset + c + 1]! : planes[layout[2]!.offset + c]!;
        return [...referenceRgb(planes[layout[0]!.offset + y * layout[0]!.stride + x]!, u, v, matrix, fullRange), 255];
      };
      const all = await copyFramePixels(frame);
      let worst = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          expected(x, y).forEach((value, c) => (worst = Math.max(worst, Math.abs(value - all.data[(y * width + x) * 4 + c]!))));
        }
      }
      expect(worst, `${format} ${matrix} ${fullRange ? 'full' : 'limited'} (${JSON.stringify(frame.colorSpace)}): largest difference from the formula`).to.be.at.most(1);
      const rows = Int32Array.from([0, 3, 4, 22]);
      const some = await copyFramePixels(frame, rows);
      expect(some.rows).to.equal(rows);
      expect([...some.data]).to.deep.equal([...rows].flatMap((row) => [...all.data.subarray(row * width * 4, (row + 1) * width * 4)]));
      frame.close();
    }
  });

  it('reuses the output array it is given', () => {
    const out = new Float32Array(32 * 32 * 3);
    expect(imageToTensor(patternImage(20, 40), 32, out).tensor).to.equal(out);
    expect(() => imageToTensor(patternImage(20, 40), 32, new Float32Array(5))).to.throw(RangeError);
  });

  it('rejects empty, unloaded, closed and unsupported sources with a typed error', async () => {
    const reasonOf = (source: unknown): InvalidImageReason | undefined => {
      try {
        imageToTensor(source as ImageSource, 128);
      } catch (error) {
        expect(error).to.be.instanceOf(InvalidImageError);
        expect((error as Error).message).to.be.a('string').and.not.be.empty;
        return (error as InvalidImageError).reason;
      }
      return undefined;
    };
    const emptyCanvas = document.createElement('canvas');
    emptyCanvas.width = 0;
    expect(reasonOf(emptyCanvas)).to.equal('empty');
    expect(reasonOf(new OffscreenCanvas(5, 0))).to.equal('empty');
    expect(reasonOf(new Image())).to.equal('not-loaded'); // no src
    const loading = new Image();
    loading.src = `${fixtures}3faces.png?loading=${Date.now()}`;
    expect(reasonOf(loading)).to.equal('not-loaded');
    expect(reasonOf(document.createElement('video'))).to.equal('not-loaded');
    const bitmap = await createImageBitmap(new ImageData(4, 4));
    const frame = new VideoFrame(bitmap, { timestamp: 0 });
    frame.close();
    expect(reasonOf(frame)).to.equal('closed');
    bitmap.close();
    expect(reasonOf(bitmap)).to.equal('closed');
    expect(reasonOf({ width: 10, height: 10 })).to.equal('unsupported');
    expect(reasonOf(null)).to.equal('unsupported');
  });
});

describe('Face', () => {
  const source = detection(
    [0.3, 0.2, 0.5, 0.6],
    0.93,
    [0.35, 0.3, 0.45, 0.31, 0.4, 0.4, 0.4, 0.5, 0.31, 0.35, 0.49, 0.36],
  );

  it('exposes box, named keypoints and the seed 17-number layout', () => {
    const face = createFace(source, 1);
    expect(face.box.xMin).to.equal(0.3);
    expect(face.box.width).to.be.closeTo(0.2, 1e-12);
    expect(face.box.height).to.be.closeTo(0.4, 1e-12);
    expect(face.keypoints.map((p) => p.name)).to.deep.equal(['rightEye', 'leftEye', 'noseTip', 'mouth', 'rightEar', 'leftEar']);
    expect(face.keypoints[1]).to.deep.equal({ name: 'leftEye', x: 0.45, y: 0.31 });
    expect(face.toArray()).to.deep.equal([0.2, 0.3, 0.6, 0.5, ...source.keypoints, 0.93]);
  });

  it('mirrors x and swaps left/right so index 0 is still the eye on the viewer’s left', () => {
    const mirrored = mirrorFace(createFace(source, 1));
    expect(mirrored.box.xMin).to.be.closeTo(0.5, 1e-12);
    expect(mirrored.box.xMax).to.be.closeTo(0.7, 1e-12);
    expect(mirrored.box.width).to.be.closeTo(0.2, 1e-12);
    expect(mirrored.box.yMin).to.equal(0.2);
    const byName = Object.fromEntries(mirrored.keypoints.map((p) => [p.name, [p.x, p.y]]));
    expect(mirrored.keypoints.map((p) => p.name)).to.deep.equal(['rightEye', 'leftEye', 'noseTip', 'mouth', 'rightEar', 'leftEar']);
    expect(byName.rightEye![0]).to.be.closeTo(0.55, 1e-12); // former left eye at 0.45
    expect(byName.rightEye![1]).to.equal(0.31);
    expect(byName.leftEye![0]).to.be.closeTo(0.65, 1e-12);
    expect(byName.noseTip![0]).to.be.closeTo(0.6, 1e-12);
    expect(byName.rightEar![0]).to.be.closeTo(0.51, 1e-12);
    expect(byName.rightEye![0]).to.be.lessThan(byName.leftEye![0]!);
    expect(mirrored.score).to.equal(0.93);
    expect(mirrorFace(mirrored).toArray().map((v) => +v.toFixed(12))).to.deep.equal(createFace(source, 1).toArray());
  });

  it('rolls by the eye line in source pixels, negated by mirroring, and maps to any picture size', () => {
    // Eyes (0.35, 0.3) and (0.45, 0.31): in a square source the line rises 0.01 over 0.1.
    expect(createFace(source, 1).roll).to.be.closeTo(Math.atan2(0.01, 0.1), 1e-12);
    // The same normalized points in a source twice as wide: 0.1 of the width is twice as many pixels.
    const wide = createFace(source, 2);
    expect(wide.roll).to.be.closeTo(Math.atan2(0.01, 0.2), 1e-12);
    expect(mirrorFace(wide).roll).to.be.closeTo(-wide.roll, 1e-12);
    const upsideDown = createFace(detection([0.3, 0.2, 0.5, 0.6], 0.9, [0.45, 0.3, 0.35, 0.3, 0.4, 0.2, 0.4, 0.1, 0.5, 0.3, 0.3, 0.3]), 1);
    expect(upsideDown.roll).to.be.closeTo(Math.PI, 1e-12);

    const pixels = wide.toPixels(640, 320);
    expect(pixels.box.x).to.be.closeTo(192, 1e-9);
    expect(pixels.box.y).to.be.closeTo(64, 1e-9);
    expect(pixels.box.width).to.be.closeTo(128, 1e-9);
    expect(pixels.box.height).to.be.closeTo(128, 1e-9);
    expect(pixels.keypoints[1]).to.deep.include({ name: 'leftEye' });
    expect(pixels.keypoints[1]!.x).to.be.closeTo(288, 1e-9);
    expect(pixels.keypoints[1]!.y).to.be.closeTo(99.2, 1e-9);
    expect(pixels.roll, 'a 640×320 picture has the source\'s aspect').to.be.closeTo(wide.roll, 1e-12);
    expect(wide.toPixels(320, 320).roll, 'squeezed to a square').to.be.closeTo(Math.atan2(0.01, 0.1), 1e-12);
    expect(() => wide.toPixels(0, 10)).to.throw(RangeError);
  });
});

describe('fetchModel', () => {
  it('takes a provided file once, then fetches', async () => {
    const url = `${location.origin}/assets/models/provided-once.tflite`;
    const bytes = new Uint8Array([1, 2, 3]);
    provideModelFile(url, bytes);
    expect(await fetchModel(url), 'the provided bytes, without a request').to.equal(bytes);
    const fetched = await rejection(fetchModel(url));
    expect(fetched).to.be.instanceOf(ModelLoadError);
    expect(fetched.message).to.equal(`The model at ${url} could not be fetched: HTTP 404`);
  });
});
