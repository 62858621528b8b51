// The instruction set of the wasm engine's program: one word of opcode, then that op's arguments, one 32-bit
// word each (byte offsets into the engine's memory, sizes, and float32 values stored as their bits). This
// file is read by both compilers: TypeScript (plan.ts encodes programs) and AssemblyScript (kernels/index.ts
// decodes them), so it holds nothing but the enum.
export const enum Opcode {
  /** Ends the program. */
  End = 0,
  /** input, n, h, w, c, output, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, weights, bias, residual, residualChannels, min, max */
  Conv2d = 1,
  /** input, n, h, w, c, output, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl, weights, bias, residual, residualChannels, min, max */
  Depthwise = 2,
  /** a, b, out, rows, channels, bChannels, min, max */
  AddClamp = 3,
  /** x, out, count, min, max */
  Clamp = 4,
  /** x, out, count */
  Sigmoid = 5,
  /** input, n, h, w, c, output, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl */
  MaxPool = 6,
  /** input, n, h, w, c, output, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl */
  AveragePool = 7,
  /** input, n, h, w, c, output, oh, ow, scaleH, scaleW */
  ResampleLinear = 8,
  /** src, dst, d0, d1, d2, d3, s0, s1, s2, s3, t0, t1, t2, t3 */
  Copy = 9,
  /** dst, count, value */
  Fill = 10,
}
