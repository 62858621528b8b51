// Depthwise conv2d (groups = channels, one filter per channel), NHWC, weights packed by ../kernel-layouts.ts
// (packDepthwiseWeights / packBias).
//
// Weights: [kh*kw][cp] with cp = c rounded up to a multiple of 4 (zero padded): packed[(ky*kw + kx)*cp + ch].
// Bias: c padded with zeros (to a multiple of 8, of which the kernel reads cp).
//
// Vectorised over channels, 4 at a time. Each output row is walked in blocks of XB columns (bounding the input
// a block reads for very wide rows); within a block, for each group of 4 channels, a 3×3
// filter's 9 weight vectors stay in registers while the columns whose window is fully inside the input are
// computed without checks (two pixels per step when stride == dilation, sharing their input loads), and the
// borders with per-tap checks. Other filter sizes take the same structure
// with the weights read from memory. A channel tail (c not a multiple of 4) is computed in full (lanes are
// independent; reading past a pixel's channels stays inside the allowed slack) and stored lane by lane:
// nothing outside the output's exact range is written.

@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

@inline function clampV(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

/** + residual (its first rn channels, 0..4, at rp), clamp, store the first on (1..4) lanes at op. */
@inline function finish4(a: v128, op: usize, rp: usize, rn: i32, on: i32, lo: v128, hi: v128): void {
  if (rn > 0) {
    let r = v128.load(rp);
    if (rn < 4) r = v128.and(r, i32x4.gt_s(i32x4.splat(rn), i32x4(0, 1, 2, 3)));
    a = f32x4.add(a, r);
  }
  a = clampV(a, lo, hi);
  if (on == 4) {
    v128.store(op, a);
  } else {
    v128.store32_lane(op, a, 0);
    if (on > 1) v128.store32_lane(op, a, 1, 4);
    if (on > 2) v128.store32_lane(op, a, 2, 8);
  }
}

@inline function count4(channels: i32, ch: i32): i32 {
  const k = channels - ch;
  return k < 0 ? 0 : k > 4 ? 4 : k;
}

/** Output columns per block (smaller blocks cost more per-block setup than they save in cache misses). */
const XB = 64;

/** One output pixel's 4 channels of a 3×3 filter with per-tap checks. row0: input row of filter row 0. */
@inline function checked3x3(
  row0: usize, ix0: i32, kyLo: i32, kyHi: i32, w: i32, dil: i32, dy: usize, pixelBytes: usize, acc: v128,
  w0: v128, w1: v128, w2: v128, w3: v128, w4: v128, w5: v128, w6: v128, w7: v128, w8: v128,
): v128 {
  const ix1 = ix0 + dil;
  const ix2 = ix1 + dil;
  const v0 = ix0 >= 0 && ix0 < w;
  const v1 = ix1 >= 0 && ix1 < w;
  const v2 = ix2 >= 0 && ix2 < w;
  const c0 = row0 + <usize>ix0 * pixelBytes; // only dereferenced when valid
  const c1 = row0 + <usize>ix1 * pixelBytes;
  const c2 = row0 + <usize>ix2 * pixelBytes;
  if (kyLo <= 0 && kyHi > 0) {
    if (v0) acc = madd(v128.load(c0), w0, acc);
    if (v1) acc = madd(v128.load(c1), w1, acc);
    if (v2) acc = madd(v128.load(c2), w2, acc);
  }
  if (kyLo <= 1 && kyHi > 1) {
    if (v0) acc = madd(v128.load(c0 + dy), w3, acc);
    if (v1) acc = madd(v128.load(c1 + dy), w4, acc);
    if (v2) acc = madd(v128.load(c2 + dy), w5, acc);
  }
  if (kyLo <= 2 && kyHi > 2) {
    const d2 = dy << 1;
    if (v0) acc = madd(v128.load(c0 + d2), w6, acc);
    if (v1) acc = madd(v128.load(c1 + d2), w7, acc);
    if (v2) acc = madd(v128.load(c2 + d2), w8, acc);
  }
  return acc;
}

/** count interior pixels (all 9 taps inside) of a 3×3 filter from input p on; plain: no residual, 4 lanes. */
@inline function interior3x3(
  p: usize, count: i32, stepX: usize, dx: usize, dy: usize, pixelBytes: usize, op: usize, rp: usize, rs: usize,
  rn: i32, on: i32, lo: v128, hi: v128, bv: v128, plain: bool,
  w0: v128, w1: v128, w2: v128, w3: v128, w4: v128, w5: v128, w6: v128, w7: v128, w8: v128,
): void {
  let i = 0;
  if (stepX == dx) {
    // Stride == dilation: the next pixel's columns 0, 1 are this one's 1, 2 (4 columns for 2 pixels).
    for (; i + 2 <= count; i += 2) {
      const p1 = p + dy;
      const p2 = p1 + dy;
      let x0 = v128.load(p);
      let x1 = v128.load(p + dx);
      let x2 = v128.load(p + 2 * dx);
      let x3 = v128.load(p + 3 * dx);
      let s = madd(x0, w0, bv);
      let t = madd(x1, w0, bv);
      s = madd(x1, w1, s);
      t = madd(x2, w1, t);
      s = madd(x2, w2, s);
      t = madd(x3, w2, t);
      x0 = v128.load(p1);
      x1 = v128.load(p1 + dx);
      x2 = v128.load(p1 + 2 * dx);
      x3 = v128.load(p1 + 3 * dx);
      s = madd(x0, w3, s);
      t = madd(x1, w3, t);
      s = madd(x1, w4, s);
      t = madd(x2, w4, t);
      s = madd(x2, w5, s);
      t = madd(x3, w5, t);
      x0 = v128.load(p2);
      x1 = v128.load(p2 + dx);
      x2 = v128.load(p2 + 2 * dx);
      x3 = v128.load(p2 + 3 * dx);
      s = madd(x0, w6, s);
      t = madd(x1, w6, t);
      s = madd(x1, w7, s);
      t = madd(x2, w7, t);
      s = madd(x2, w8, s);
      t = madd(x3, w8, t);
      if (plain) {
        v128.store(op, clampV(s, lo, hi));
        v128.store(op + pixelBytes, clampV(t, lo, hi));
      } else {
        finish4(s, op, rp, rn, on, lo, hi);
        finish4(t, op + pixelBytes, rp + rs, rn, on, lo, hi);
      }
      p += 2 * stepX;
      op += 2 * pixelBytes;
      rp += 2 * rs;
    }
  }
  for (; i < count; i++) {
    const p1 = p + dy;
    const p2 = p1 + dy;
    let s = madd(v128.load(p), w0, bv);
    let t = f32x4.mul(v128.load(p + dx), w1);
    s = madd(v128.load(p + 2 * dx), w2, s);
    t = madd(v128.load(p1), w3, t);
    s = madd(v128.load(p1 + dx), w4, s);
    t = madd(v128.load(p1 + 2 * dx), w5, t);
    s = madd(v128.load(p2), w6, s);
    t = madd(v128.load(p2 + dx), w7, t);
    s = madd(v128.load(p2 + 2 * dx), w8, s);
    if (plain) v128.store(op, clampV(f32x4.add(s, t), lo, hi));
    else finish4(f32x4.add(s, t), op, rp, rn, on, lo, hi);
    p += stepX;
    op += pixelBytes;
    rp += rs;
  }
}

export function depthwise(
  input: i32, n: i32, h: i32, w: i32, c: i32, output: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  weights: i32, bias: i32, residual: i32, residualChannels: i32, min: f32, max: f32,
): void {
  const lo = f32x4.splat(min);
  const hi = f32x4.splat(max);
  const rc = residual != 0 ? residualChannels : 0;
  const cp = (c + 3) & ~3;
  const tapBytes = <usize>cp << 2; // weights of one tap
  const pixelBytes = <usize>c << 2;
  const rowBytes = <usize>w * pixelBytes;
  const rs = <usize>rc << 2;
  const stepX = <usize>sw * pixelBytes;
  const dx = <usize>dw * pixelBytes;
  const dy = <usize>dh * rowBytes;
  // Columns whose whole window is inside the input: [xs, xe).
  let xs = pl > 0 ? (pl + sw - 1) / sw : 0;
  const room = w - 1 + pl - (kw - 1) * dw;
  let xe = room < 0 ? 0 : room / sw + 1;
  if (xe > ow) xe = ow;
  if (xs > ow) xs = ow;
  if (xe < xs) xe = xs;
  const is3x3 = kh == 3 && kw == 3;

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
      const fullRows = kyLo == 0 && kyHi == kh;
      // The interior of this row: [fs, fe) (empty unless every filter row is inside the input).
      const fs = fullRows ? xs : 0;
      const fe = fullRows ? xe : 0;
      const row0 = image + <usize>iy0 * rowBytes; // input row of filter row 0 (maybe outside; offset later)
      const pix = (b * oh + y) * ow;
      const outRow = <usize>output + <usize>pix * pixelBytes;
      const resRow = <usize>residual + <usize>pix * rs;
      for (let xb = 0; xb < ow; xb += XB) {
        const xbe = xb + XB < ow ? xb + XB : ow;
        // [xb, xbe) = checked [xb, a) + interior [a, z) + checked [z, xbe)
        let a = fs > xb ? fs : xb;
        let z = fe < xbe ? fe : xbe;
        if (z < a) {
          a = xbe;
          z = xbe;
        }
        for (let ch = 0; ch < c; ch += 4) {
          const chOff = <usize>ch << 2;
          const on = count4(c, ch);
          const rn = count4(rc, ch);
          const bv = v128.load(<usize>bias + chOff);
          const wBase = <usize>weights + chOff;
          const rowC = row0 + chOff;
          let op = outRow + <usize>xb * pixelBytes + chOff;
          let rp = resRow + <usize>xb * rs + chOff;
          if (is3x3) {
            const w0 = v128.load(wBase);
            const w1 = v128.load(wBase + tapBytes);
            const w2 = v128.load(wBase + 2 * tapBytes);
            const w3 = v128.load(wBase + 3 * tapBytes);
            const w4 = v128.load(wBase + 4 * tapBytes);
            const w5 = v128.load(wBase + 5 * tapBytes);
            const w6 = v128.load(wBase + 6 * tapBytes);
            const w7 = v128.load(wBase + 7 * tapBytes);
            const w8 = v128.load(wBase + 8 * tapBytes);
            let x = xb;
            for (; x < a; x++) {
              const acc = checked3x3(rowC, x * sw - pl, kyLo, kyHi, w, dw, dy, pixelBytes, bv, w0, w1, w2, w3, w4, w5, w6, w7, w8);
              finish4(acc, op, rp, rn, on, lo, hi);
              op += pixelBytes;
              rp += rs;
            }
            const p = rowC + <usize>(x * sw - pl) * pixelBytes;
            if (rn == 0 && on == 4) {
              interior3x3(p, z - x, stepX, dx, dy, pixelBytes, op, rp, rs, 0, 4, lo, hi, bv, true, w0, w1, w2, w3, w4, w5, w6, w7, w8);
            } else {
              interior3x3(p, z - x, stepX, dx, dy, pixelBytes, op, rp, rs, rn, on, lo, hi, bv, false, w0, w1, w2, w3, w4, w5, w6, w7, w8);
            }
            op += <usize>(z - x) * pixelBytes;
            rp += <usize>(z - x) * rs;
            x = z;
            for (; x < xbe; x++) {
              const acc = checked3x3(rowC, x * sw - pl, kyLo, kyHi, w, dw, dy, pixelBytes, bv, w0, w1, w2, w3, w4, w5, w6, w7, w8);
              finish4(acc, op, rp, rn, on, lo, hi);
              op += pixelBytes;
              rp += rs;
            }
          } else {
            for (let x = xb; x < xbe; x++) {
              const ix0 = x * sw - pl;
              let acc = bv;
              if (x >= a && x < z) {
                // Interior: every tap inside.
                let rowP = rowC + <usize>ix0 * pixelBytes;
                let wp = wBase;
                for (let ky = 0; ky < kh; ky++) {
                  let q = rowP;
                  for (let kx = 0; kx < kw; kx++) {
                    acc = madd(v128.load(q), v128.load(wp), acc);
                    q += dx;
                    wp += tapBytes;
                  }
                  rowP += dy;
                }
              } else {
                let rowP = rowC + <usize>kyLo * dy;
                let wp = wBase + <usize>(kyLo * kw) * tapBytes;
                for (let ky = kyLo; ky < kyHi; ky++) {
                  for (let kx = 0; kx < kw; kx++) {
                    const ix = ix0 + kx * dw;
                    if (ix >= 0 && ix < w) acc = madd(v128.load(rowP + <usize>ix * pixelBytes), v128.load(wp), acc);
                    wp += tapBytes;
                  }
                  rowP += dy;
                }
              }
              finish4(acc, op, rp, rn, on, lo, hi);
              op += pixelBytes;
              rp += rs;
            }
          }
        }
      }
    }
  }
}
