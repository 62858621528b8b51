// YUV VideoFrames made from RGBA pixels, as a camera or decoder would give them: BT.601 limited range (the
// matrix browsers assume for camera frames), chroma averaged over each 2×2 block for I420 and NV12.

const clampByte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

/** Y, U and V of one RGBA pixel, BT.601 limited range. */
function yuvOf(data: ArrayLike<number>, i: number): [number, number, number] {
  const [r, g, b] = [data[i]! / 255, data[i + 1]! / 255, data[i + 2]! / 255];
  return [16 + 65.481 * r + 128.553 * g + 24.966 * b, 128 - 37.797 * r - 74.203 * g + 112 * b, 128 + 112 * r - 93.786 * g - 18.214 * b];
}

export function yuvFrame(image: ImageData, format: 'I420' | 'NV12', init: Partial<VideoFrameBufferInit> = {}): VideoFrame {
  const { width, height, data } = image;
  const shift = 1;
  const [cw, ch] = [(width + shift) >> shift, (height + shift) >> shift];
  const bytes = new Uint8Array(width * height + 2 * cw * ch);
  const u = new Float64Array(cw * ch);
  const v = new Float64Array(cw * ch);
  const n = new Float64Array(cw * ch);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [Y, U, V] = yuvOf(data, (y * width + x) * 4);
      bytes[y * width + x] = clampByte(Y);
      const c = (y >> shift) * cw + (x >> shift);
      u[c] += U;
      v[c] += V;
      n[c]! += 1;
    }
  }
  const chroma = width * height;
  for (let c = 0; c < cw * ch; c++) {
    const [U, V] = [clampByte(u[c]! / n[c]!), clampByte(v[c]! / n[c]!)];
    if (format === 'NV12') bytes.set([U, V], chroma + 2 * c);
    else [bytes[chroma + c], bytes[chroma + cw * ch + c]] = [U, V];
  }
  // Said explicitly: a YUV frame made without a colour space is taken as BT.709 by Chromium.
  const colorSpace: VideoColorSpaceInit = { matrix: 'smpte170m', primaries: 'smpte170m', transfer: 'smpte170m', fullRange: false };
  return new VideoFrame(bytes, { format, codedWidth: width, codedHeight: height, timestamp: 0, colorSpace, ...init });
}

/**
 * The RGBA a YUV frame of these bytes stands for, by the textbook formula (BT.601 or BT.709, limited or full
 * range), chroma taken from the sample covering each pixel.
 */
export function referenceRgb(y: number, u: number, v: number, matrix: 'bt601' | 'bt709', fullRange: boolean): [number, number, number] {
  const [kr, kb] = matrix === 'bt601' ? [0.299, 0.114] : [0.2126, 0.0722];
  const Y = fullRange ? y / 255 : (y - 16) / 219;
  const Pb = fullRange ? (u - 128) / 255 : (u - 128) / 224;
  const Pr = fullRange ? (v - 128) / 255 : (v - 128) / 224;
  const r = Y + 2 * (1 - kr) * Pr;
  const b = Y + 2 * (1 - kb) * Pb;
  const g = (Y - kr * r - kb * b) / (1 - kr - kb);
  return [clampByte(r * 255), clampByte(g * 255), clampByte(b * 255)];
}
