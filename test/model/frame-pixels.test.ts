// Video frames read with VideoFrame.copyTo: RGBA and BGRA byte for byte, YUV converted in the frame's matrix
// and range, into reused buffers.

import { expect } from 'chai';
import { InvalidImageError } from '../../model/errors.ts';
import { copyFramePixels, isCopyableFrame, type FrameBuffers } from '../../model/frame-pixels.ts';
import { rejection } from '../helpers/rejection.ts';
import { patternImage } from '../helpers/tensor-images.ts';
import { referenceRgb, yuvFrame } from '../helpers/yuv-frames.ts';

describe('copyFramePixels', () => {
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
});
