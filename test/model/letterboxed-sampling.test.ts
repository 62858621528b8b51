// The sampling arithmetic (sampling-grid.ts, letterboxed-sampling.ts) against hand-computed values, a direct
// transcription of OpenCV's fixed-point formula and digests of OpenCV 4.6's own output, and the rows it reads.

import { expect } from 'chai';
import { readDrawnPixels } from '../../model/drawn-pixels.ts';
import { readImageData } from '../../model/image-data-pixels.ts';
import { imageToTensor } from '../../model/image-to-tensor.ts';
import { sampledRows, sampleLetterboxed } from '../../model/letterboxed-sampling.ts';
import { patternImage, unit } from '../helpers/tensor-images.ts';

describe('sampleLetterboxed', () => {
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
          const fromCanvas = readDrawnPixels(canvas, rows);
          const fromImageData = readImageData(image, rows);
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
    const pixels = readImageData(image, rows);
    expect(() => sampleLetterboxed({ ...pixels, rows: rows.map((row) => Math.max(0, row - 1)) }, 128)).to.throw(RangeError);
    expect(() => sampleLetterboxed({ ...pixels, rows: rows.subarray(1) }, 128)).to.throw(RangeError);
    expect(() => sampleLetterboxed({ ...pixels, data: pixels.data.subarray(4) }, 128)).to.throw(RangeError);
    expect(() => sampleLetterboxed({ ...pixels, rows: undefined }, 128)).to.throw(RangeError);
  });
});
