// The weight layouts the wasm engine's convolution kernels read (kernels/conv.ts, kernels/depthwise.ts).
// The caller writes each returned array into the engine's memory, 16-byte aligned, with at least 64 bytes of
// readable slack after it, and passes its byte offset to the kernel.

/** conv2d's output channels are computed in blocks of this many (co is padded with zero filters). */
export const CONV_BLOCK = 8;
/** depthwise's channels are computed in groups of this many (c is padded with zero weights). */
export const DEPTHWISE_GROUP = 4;

const roundUp = (value: number, multiple: number): number => Math.ceil(value / multiple) * multiple;

/**
 * hwio: filter as [kh][kw][ci][co] float32. Returns the packed array conv2d's `weights` points at: for each
 * block of 8 output channels ob (co padded to a multiple of 8 with zeros), a [kh][kw][ci][8] array:
 * packed[(((ob*kh + ky)*kw + kx)*ci + i)*8 + j] = hwio[((ky*kw + kx)*ci + i)*co + ob*8 + j].
 */
export function packConvWeights(hwio: Float32Array, kh: number, kw: number, ci: number, co: number): Float32Array {
  const taps = kh * kw * ci;
  if (hwio.length !== taps * co) throw new RangeError(`packConvWeights: ${hwio.length} values, expected ${taps * co}`);
  const blocks = Math.ceil(co / CONV_BLOCK);
  const packed = new Float32Array(blocks * taps * CONV_BLOCK);
  for (let ob = 0; ob < blocks; ob++) {
    const o0 = ob * CONV_BLOCK;
    const width = Math.min(CONV_BLOCK, co - o0);
    for (let t = 0; t < taps; t++) {
      const src = t * co + o0;
      const dst = (ob * taps + t) * CONV_BLOCK;
      for (let j = 0; j < width; j++) packed[dst + j] = hwio[src + j]!;
    }
  }
  return packed;
}

/**
 * hwc: depthwise filter as [kh][kw][c]. Returns what depthwise's `weights` points at: [kh*kw][cp] with cp = c
 * rounded up to a multiple of 4, zero padded: packed[(ky*kw + kx)*cp + ch] = hwc[(ky*kw + kx)*c + ch].
 */
export function packDepthwiseWeights(hwc: Float32Array, kh: number, kw: number, c: number): Float32Array {
  const taps = kh * kw;
  if (hwc.length !== taps * c) throw new RangeError(`packDepthwiseWeights: ${hwc.length} values, expected ${taps * c}`);
  const cp = roundUp(c, DEPTHWISE_GROUP);
  const packed = new Float32Array(taps * cp);
  for (let t = 0; t < taps; t++) packed.set(hwc.subarray(t * c, (t + 1) * c), t * cp);
  return packed;
}

/**
 * bias (or undefined = zeros) padded with zeros to a multiple of 8 channels, which covers what both kernels
 * read (conv2d: co rounded up to 8; depthwise: c rounded up to 4).
 */
export function packBias(bias: Float32Array | undefined, channels: number): Float32Array {
  const packed = new Float32Array(roundUp(Math.max(channels, 1), CONV_BLOCK));
  if (bias) {
    if (bias.length !== channels) throw new RangeError(`packBias: ${bias.length} values, expected ${channels}`);
    packed.set(bias);
  }
  return packed;
}
