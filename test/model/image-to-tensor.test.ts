// imageToTensor, the whole step from a source to the network's input: letterboxing, the same tensor from every
// kind of source, and the reuse of the caller's output array. The sampling arithmetic itself is tested in
// letterboxed-sampling.test.ts, the converters' reading in frame-pixels.test.ts.

import { expect } from 'chai';
import { imageToTensor } from '../../model/image-to-tensor.ts';
import type { ImageSource } from '../../model/image-source.ts';
import { drawnCopies } from '../helpers/drawn-copies.ts';
import { loadImage } from '../helpers/fixtures.ts';
import { patternImage, unit } from '../helpers/tensor-images.ts';

describe('imageToTensor', () => {
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

  it('gives the same tensor for every input type', async () => {
    const image = await loadImage('1face.png');
    const { canvas, offscreen, bitmap } = await drawnCopies(image);
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

  it('reuses the output array it is given', () => {
    const out = new Float32Array(32 * 32 * 3);
    expect(imageToTensor(patternImage(20, 40), 32, out).tensor).to.equal(out);
    expect(() => imageToTensor(patternImage(20, 40), 32, new Float32Array(5))).to.throw(RangeError);
  });
});
