// conv2d, NHWC input and output, weights packed by ../kernel-layouts.ts (packConvWeights / packBias).
//
// Weights: output channels in blocks of 8 (co padded with zero filters to a multiple of 8), each block its own
// [kh][kw][ci][8] array: packed[(((ob*kh + ky)*kw + kx)*ci + i)*8 + j] = W[ky][kx][i][ob*8 + j]. Bias: co
// padded with zeros to a multiple of 8.
//
// The micro-kernel computes a tile of 4 output pixels × 8 output channels in 8 v128 accumulators: for each tap,
// splat one input value per pixel and multiply-add it with the 8 contiguous weights of that tap. Within one
// filter row with dilation 1, the kw*ci taps of a pixel are contiguous in the input (and in the block), so the
// inner loop runs over kw*ci values at once (ci for a 1×1 filter, 15 for the 5×5 stem on 3 channels). A 1×1
// stride-1 unpadded conv is one matrix product over all n*h*w pixels. Pixels whose window leaves the input
// (borders) take a checked one-pixel path. Output channel tails (oc not a multiple of 8) are computed in full
// and stored lane by lane; nothing outside the output's exact range is written.

@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// pmax/pmin are single instructions; a NaN passes through unclamped (as in elementwise.ts).
@inline function clampV(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

/** Stores the first n (< 8) lanes of v0:v1 at p. */
function storeTail(p: usize, v0: v128, v1: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v0);
    n -= 4;
    p += 16;
    v0 = v1;
  }
  if (n > 0) v128.store32_lane(p, v0, 0);
  if (n > 1) v128.store32_lane(p, v0, 1, 4);
  if (n > 2) v128.store32_lane(p, v0, 2, 8);
}

/**
 * The epilogue of one pixel's 8 channels: + residual (its first rn channels, 0..8, at rp), clamp, store the
 * first on (1..8) channels at op.
 */
@inline function finish(a0: v128, a1: v128, op: usize, rp: usize, rn: i32, on: i32, lo: v128, hi: v128): void {
  if (rn > 0) {
    let r0 = v128.load(rp);
    let r1 = v128.load(rp, 16);
    if (rn < 8) {
      const limit = i32x4.splat(rn);
      r0 = v128.and(r0, i32x4.gt_s(limit, i32x4(0, 1, 2, 3)));
      r1 = v128.and(r1, i32x4.gt_s(limit, i32x4(4, 5, 6, 7)));
    }
    a0 = f32x4.add(a0, r0);
    a1 = f32x4.add(a1, r1);
  }
  a0 = clampV(a0, lo, hi);
  a1 = clampV(a1, lo, hi);
  if (on == 8) {
    v128.store(op, a0);
    v128.store(op, a1, 16);
  } else {
    storeTail(op, a0, a1, on);
  }
}

/**
 * 4 pixels × 8 channels. p: the first pixel's input at the first tap (first valid filter row), ps: bytes
 * between the pixels' inputs; rows filter rows rowStride bytes apart in the input, each nseg runs of segLen
 * contiguous taps segStride bytes apart; wp: the block's weights at that first tap (contiguous from there on).
 * Output pixels (and residual pixels) are os (rs) bytes apart.
 */
@inline function tile4(
  p: usize, ps: usize, rows: i32, rowStride: usize, nseg: i32, segLen: i32, segStride: usize, wp: usize,
  bp: usize, op: usize, os: usize, rp: usize, rs: usize, rn: i32, on: i32, lo: v128, hi: v128,
): void {
  const b0 = v128.load(bp);
  const b1 = v128.load(bp, 16);
  let c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
  for (let r = 0; r < rows; r++) {
    let q = p;
    for (let s = 0; s < nseg; s++) {
      let a0 = q;
      let a1 = q + ps;
      let a2 = a1 + ps;
      let a3 = a2 + ps;
      const end = wp + (<usize>segLen << 5);
      while (wp < end) {
        const w0 = v128.load(wp);
        const w1 = v128.load(wp, 16);
        let x = v128.load32_splat(a0);
        c00 = madd(x, w0, c00);
        c01 = madd(x, w1, c01);
        x = v128.load32_splat(a1);
        c10 = madd(x, w0, c10);
        c11 = madd(x, w1, c11);
        x = v128.load32_splat(a2);
        c20 = madd(x, w0, c20);
        c21 = madd(x, w1, c21);
        x = v128.load32_splat(a3);
        c30 = madd(x, w0, c30);
        c31 = madd(x, w1, c31);
        a0 += 4;
        a1 += 4;
        a2 += 4;
        a3 += 4;
        wp += 32;
      }
      q += segStride;
    }
    p += rowStride;
  }
  finish(c00, c01, op, rp, rn, on, lo, hi);
  finish(c10, c11, op + os, rp + rs, rn, on, lo, hi);
  finish(c20, c21, op + 2 * os, rp + 2 * rs, rn, on, lo, hi);
  finish(c30, c31, op + 3 * os, rp + 3 * rs, rn, on, lo, hi);
}

/** One pixel × 8 channels of a 1×1 conv: ci taps at p, the block's weights at wp. */
@inline function pixel1x1(
  p: usize, ci: i32, wp: usize, bp: usize, op: usize, rp: usize, rn: i32, on: i32, lo: v128, hi: v128,
): void {
  let c0 = v128.load(bp);
  let c1 = v128.load(bp, 16);
  const end = wp + (<usize>ci << 5);
  while (wp < end) {
    const x = v128.load32_splat(p);
    c0 = madd(x, v128.load(wp), c0);
    c1 = madd(x, v128.load(wp, 16), c1);
    p += 4;
    wp += 32;
  }
  finish(c0, c1, op, rp, rn, on, lo, hi);
}

/** Valid channels (0..8) of the block starting at channel o, of a tensor with `channels` channels. */
@inline function blockCount(channels: i32, o: i32): i32 {
  const k = channels - o;
  return k < 0 ? 0 : k > 8 ? 8 : k;
}

export function conv2d(
  input: i32, n: i32, h: i32, w: i32, c: i32, output: i32, oh: i32, ow: i32, oc: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  weights: i32, bias: i32, residual: i32, residualChannels: i32, min: f32, max: f32,
): void {
  const lo = f32x4.splat(min);
  const hi = f32x4.splat(max);
  const blocks = (oc + 7) >> 3;
  const rc = residual != 0 ? residualChannels : 0;
  const blockBytes = (<usize>kh * <usize>kw * <usize>c) << 5;
  const pixelBytes = <usize>c << 2;
  const os = <usize>oc << 2;
  const rs = <usize>rc << 2;

  if (kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && oh == h && ow == w) {
    // Pointwise: out[m] = in[m] · W for all m < n*h*w.
    const m = n * h * w;
    const m4 = m & ~3;
    let pi = 0;
    for (; pi < m4; pi += 4) {
      const p = <usize>input + <usize>pi * pixelBytes;
      const op = <usize>output + <usize>pi * os;
      const rp = <usize>residual + <usize>pi * rs;
      for (let ob = 0; ob < blocks; ob++) {
        const o = ob << 3;
        tile4(
          p, pixelBytes, 1, 0, 1, c, 0, <usize>weights + <usize>ob * blockBytes, <usize>bias + (<usize>o << 2),
          op + (<usize>o << 2), os, rp + (<usize>o << 2), rs, blockCount(rc, o), blockCount(oc, o), lo, hi,
        );
      }
    }
    for (; pi < m; pi++) {
      const p = <usize>input + <usize>pi * pixelBytes;
      const op = <usize>output + <usize>pi * os;
      const rp = <usize>residual + <usize>pi * rs;
      for (let ob = 0; ob < blocks; ob++) {
        const o = ob << 3;
        pixel1x1(
          p, c, <usize>weights + <usize>ob * blockBytes, <usize>bias + (<usize>o << 2), op + (<usize>o << 2),
          rp + (<usize>o << 2), blockCount(rc, o), blockCount(oc, o), lo, hi,
        );
      }
    }
    return;
  }

  // General: output rows one by one; the columns whose whole window is inside the input in 4-pixel tiles.
  let xs = pl > 0 ? (pl + sw - 1) / sw : 0; // first x with x*sw - pl >= 0
  const room = w - 1 + pl - (kw - 1) * dw; // x*sw <= room: the last tap is inside
  let xe = room < 0 ? 0 : room / sw + 1;
  if (xe > ow) xe = ow;
  if (xs > ow) xs = ow;
  if (xe < xs) xe = xs;
  const rowBytes = <usize>w * pixelBytes;
  const tapRowBytes = <usize>kw * <usize>c << 5; // one filter row of a block's weights
  const contiguous = dw == 1;
  const nseg = contiguous ? 1 : kw;
  const segLen = contiguous ? kw * c : c;
  const segStride = <usize>dw * pixelBytes;
  const ps = <usize>sw * pixelBytes;
  for (let b = 0; b < n; b++) {
    const image = <usize>input + <usize>b * <usize>h * rowBytes;
    for (let y = 0; y < oh; y++) {
      const iy0 = y * sh - pt;
      let kyLo = 0;
      if (iy0 < 0) kyLo = (-iy0 + dh - 1) / dh;
      let kyHi = 0;
      if (iy0 < h) kyHi = (h - 1 - iy0) / dh + 1;
      if (kyHi > kh) kyHi = kh;
      if (kyLo > kyHi) kyLo = kyHi;
      const rows = kyHi - kyLo;
      const rowIn = image + <usize>(iy0 + kyLo * dh) * rowBytes; // input row of the first valid tap
      const wRow = <usize>weights + <usize>kyLo * tapRowBytes;
      const pix = (b * oh + y) * ow;
      const outRow = <usize>output + <usize>pix * os;
      const resRow = <usize>residual + <usize>pix * rs;
      let x = xs;
      for (; x + 4 <= xe; x += 4) {
        const p = rowIn + <usize>(x * sw - pl) * pixelBytes;
        const op = outRow + <usize>x * os;
        const rp = resRow + <usize>x * rs;
        for (let ob = 0; ob < blocks; ob++) {
          const o = ob << 3;
          tile4(
            p, ps, rows, <usize>dh * rowBytes, nseg, segLen, segStride, wRow + <usize>ob * blockBytes,
            <usize>bias + (<usize>o << 2), op + (<usize>o << 2), os, rp + (<usize>o << 2), rs,
            blockCount(rc, o), blockCount(oc, o), lo, hi,
          );
        }
      }
      // Leftover interior columns and the borders, one checked pixel at a time.
      for (let x1 = 0; x1 < ow; x1++) {
        if (x1 == xs) x1 = x; // skip the tiled columns
        if (x1 >= ow) break;
        const ix0 = x1 * sw - pl;
        const op = outRow + <usize>x1 * os;
        const rp = resRow + <usize>x1 * rs;
        for (let ob = 0; ob < blocks; ob++) {
          const o = ob << 3;
          const bp = <usize>bias + (<usize>o << 2);
          let c0 = v128.load(bp);
          let c1 = v128.load(bp, 16);
          let rowP = rowIn;
          let wp = wRow + <usize>ob * blockBytes;
          for (let r = 0; r < rows; r++) {
            for (let kx = 0; kx < kw; kx++) {
              const ix = ix0 + kx * dw;
              if (ix >= 0 && ix < w) {
                let a = rowP + <usize>ix * pixelBytes;
                let q = wp;
                const end = q + (<usize>c << 5);
                while (q < end) {
                  const v = v128.load32_splat(a);
                  c0 = madd(v, v128.load(q), c0);
                  c1 = madd(v, v128.load(q, 16), c1);
                  a += 4;
                  q += 32;
                }
              }
              wp += <usize>c << 5;
            }
            rowP += <usize>dh * rowBytes;
          }
          finish(c0, c1, op + (<usize>o << 2), rp + (<usize>o << 2), blockCount(rc, o), blockCount(oc, o), lo, hi);
        }
      }
    }
  }
}
