// Elementwise kernels: add (with a zero-padded second operand) + clamp, clamp, sigmoid, fill. float32 data,
// pointers are byte offsets, counts in elements. Every kernel reads and writes element i only at step i, so
// out may equal an input (in place). Writes never leave the output's exact range: SIMD for whole vectors of 4,
// scalar tails.

// pmax/pmin (a < b ? b : a, b < a ? b : a) are single instructions on x86/ARM, unlike f32x4.max/min with
// their NaN rules; a NaN x passes through unclamped. The scalar form does the same.
@inline function clampV(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

@inline function clampS(v: f32, lo: f32, hi: f32): f32 {
  const r = v < lo ? lo : v;
  return hi < r ? hi : r;
}

/** out[i] = clamp(a[i] + b[i]) for i < count. */
@inline function addClampRun(a: usize, b: usize, out: usize, count: usize, lo: v128, hi: v128, min: f32, max: f32): void {
  let i: usize = 0;
  const n16 = count & ~(<usize>15);
  for (; i < n16; i += 16) {
    const o = i << 2;
    const r0 = clampV(f32x4.add(v128.load(a + o), v128.load(b + o)), lo, hi);
    const r1 = clampV(f32x4.add(v128.load(a + o, 16), v128.load(b + o, 16)), lo, hi);
    const r2 = clampV(f32x4.add(v128.load(a + o, 32), v128.load(b + o, 32)), lo, hi);
    const r3 = clampV(f32x4.add(v128.load(a + o, 48), v128.load(b + o, 48)), lo, hi);
    v128.store(out + o, r0);
    v128.store(out + o, r1, 16);
    v128.store(out + o, r2, 32);
    v128.store(out + o, r3, 48);
  }
  const n4 = count & ~(<usize>3);
  for (; i < n4; i += 4) {
    const o = i << 2;
    v128.store(out + o, clampV(f32x4.add(v128.load(a + o), v128.load(b + o)), lo, hi));
  }
  for (; i < count; i++) {
    const o = i << 2;
    store<f32>(out + o, clampS(load<f32>(a + o) + load<f32>(b + o), min, max));
  }
}

/** out[i] = clamp(x[i]) for i < count. */
@inline function clampRun(x: usize, out: usize, count: usize, lo: v128, hi: v128, min: f32, max: f32): void {
  let i: usize = 0;
  const n16 = count & ~(<usize>15);
  for (; i < n16; i += 16) {
    const o = i << 2;
    const r0 = clampV(v128.load(x + o), lo, hi);
    const r1 = clampV(v128.load(x + o, 16), lo, hi);
    const r2 = clampV(v128.load(x + o, 32), lo, hi);
    const r3 = clampV(v128.load(x + o, 48), lo, hi);
    v128.store(out + o, r0);
    v128.store(out + o, r1, 16);
    v128.store(out + o, r2, 32);
    v128.store(out + o, r3, 48);
  }
  const n4 = count & ~(<usize>3);
  for (; i < n4; i += 4) {
    const o = i << 2;
    v128.store(out + o, clampV(v128.load(x + o), lo, hi));
  }
  for (; i < count; i++) {
    const o = i << 2;
    store<f32>(out + o, clampS(load<f32>(x + o), min, max));
  }
}

/**
 * out[r, k] = clamp(a[r, k] + (k < bChannels ? b[r, k] : 0), min, max) over rows × channels; b's rows are
 * bChannels long (a's last axis zero-padded at its end). out may equal a.
 */
export function addClamp(a: i32, b: i32, out: i32, rows: i32, channels: i32, bChannels: i32, min: f32, max: f32): void {
  const lo = f32x4.splat(min);
  const hi = f32x4.splat(max);
  if (rows <= 0 || channels <= 0) return;
  if (bChannels == channels) {
    addClampRun(<usize>a, <usize>b, <usize>out, <usize>rows * <usize>channels, lo, hi, min, max);
    return;
  }
  if (bChannels <= 0) {
    clampRun(<usize>a, <usize>out, <usize>rows * <usize>channels, lo, hi, min, max);
    return;
  }
  // bChannels < channels (a larger bChannels only reads b's first `channels` of each row).
  const addN = <usize>(bChannels < channels ? bChannels : channels);
  const restN = <usize>channels - addN;
  const rowBytes = <usize>channels << 2;
  const bRowBytes = <usize>bChannels << 2;
  const addBytes = addN << 2;
  let pa = <usize>a, pb = <usize>b, po = <usize>out;
  for (let r = 0; r < rows; r++) {
    addClampRun(pa, pb, po, addN, lo, hi, min, max);
    if (restN) clampRun(pa + addBytes, po + addBytes, restN, lo, hi, min, max);
    pa += rowBytes;
    pb += bRowBytes;
    po += rowBytes;
  }
}

/** out[i] = min(max(x[i], min), max). out may equal x. */
export function clamp(x: i32, out: i32, count: i32, min: f32, max: f32): void {
  if (count <= 0) return;
  clampRun(<usize>x, <usize>out, <usize>count, f32x4.splat(min), f32x4.splat(max), min, max);
}

/** out[i] = 1 / (1 + exp(-x[i])). out may equal x. */
export function sigmoid(x: i32, out: i32, count: i32): void {
  const px = <usize>x, po = <usize>out;
  for (let i = 0; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(po + o, <f32>1 / (<f32>1 + Mathf.exp(-load<f32>(px + o))));
  }
}

/** dst[i] = value for i < count. */
export function fill(dst: i32, count: i32, value: f32): void {
  if (count <= 0) return;
  const p = <usize>dst;
  const n = <usize>count;
  if (reinterpret<u32>(value) == 0) {
    memory.fill(p, 0, n << 2);
    return;
  }
  const v = f32x4.splat(value);
  let i: usize = 0;
  const n16 = n & ~(<usize>15);
  for (; i < n16; i += 16) {
    const o = p + (i << 2);
    v128.store(o, v);
    v128.store(o, v, 16);
    v128.store(o, v, 32);
    v128.store(o, v, 48);
  }
  const n4 = n & ~(<usize>3);
  for (; i < n4; i += 4) v128.store(p + (i << 2), v);
  for (; i < n; i++) store<f32>(p + (i << 2), value);
}
