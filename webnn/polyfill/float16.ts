// IEEE 754 binary16 -> binary32 decoding. Every float16 value (subnormals, infinities, NaN) is exactly
// representable in float32, so this is lossless; engines then compute float16 constants in float32.

const table = new Float32Array(65536);
let filled = false;

function decode(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal (or zero)
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Decodes raw little-endian float16 bits to float32 values. */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  // A full table costs 256 kB once and makes decoding large weight sets a plain lookup.
  if (!filled) {
    for (let i = 0; i < 65536; i++) table[i] = decode(i);
    filled = true;
  }
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}
