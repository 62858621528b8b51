// IEEE 754 binary16 -> binary32 decoding. Every float16 value (subnormals, infinities, NaN) is exactly
// representable in float32, so this is lossless; engines then compute float16 constants in float32.
// Done on the bits (move the exponent, widen the fraction) rather than through Math.pow or a 64K-entry
// table: a model's weights are decoded once, at start-up, by code that has not been compiled yet.

/** Decodes float16 bit patterns to float32 values. */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    const half = bits[i]!;
    const sign = (half & 0x8000) << 16;
    const exponent = (half >> 10) & 0x1f;
    const fraction = half & 0x3ff;
    if (exponent === 0x1f) outBits[i] = sign | 0x7f800000 | (fraction << 13); // infinities and NaN
    else if (exponent !== 0) outBits[i] = sign | ((exponent + 112) << 23) | (fraction << 13); // rebias 15 -> 127
    else out[i] = (sign ? -fraction : fraction) * 2 ** -24; // zero and subnormals
  }
  return out;
}
