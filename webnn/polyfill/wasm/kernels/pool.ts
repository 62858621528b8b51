// 2-D max / average pooling, NHWC float32. The window at output (y, x) covers input rows y*sh - pt + ky*dh
// (ky < kh) and columns x*sw - pl + kx*dw (kx < kw); cells outside the input are ignored: the max is over the
// valid cells, the average divides by their number (count_include_pad = false). Vectorised over channels, 4
// at a time, with a scalar tail; only the output's exact range is written.

/**
 * The valid taps of one window axis: tapLo is the first k with 0 <= i0 + k*d, tapHi one past the last (< kernel
 * size) with i0 + k*d < size. Integer division is slow, so it is skipped for the usual dilation 1.
 */
@inline function tapLo(i0: i32, d: i32): i32 {
  if (i0 >= 0) return 0;
  return d == 1 ? -i0 : (d - 1 - i0) / d;
}

@inline function tapHi(i0: i32, d: i32, k: i32, size: i32): i32 {
  const room = size - 1 - i0;
  if (room < 0) return 0;
  const hi = d == 1 ? room + 1 : room / d + 1;
  return hi < k ? hi : k;
}

@inline function poolBody(
  isMax: bool, input: i32, n: i32, h: i32, w: i32, c: i32, output: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
): void {
  const pixelBytes = <usize>c << 2;
  const stepX = <usize>dw * pixelBytes;
  const stepY = <usize>dh * <usize>w * pixelBytes;
  const c4 = c & ~3;
  const init: f32 = isMax ? <f32>-Infinity : <f32>0;
  const initV = f32x4.splat(init);
  let po = <usize>output;
  for (let b = 0; b < n; b++) {
    const imageBase = <usize>input + <usize>b * <usize>h * <usize>w * pixelBytes;
    for (let y = 0; y < oh; y++) {
      const iy0 = y * sh - pt;
      const kyLo = tapLo(iy0, dh);
      const kyHi = tapHi(iy0, dh, kh, h);
      const ny = kyHi - kyLo;
      const rowBase = imageBase + <usize>(iy0 + kyLo * dh) * <usize>w * pixelBytes;
      for (let x = 0; x < ow; x++) {
        const ix0 = x * sw - pl;
        const kxLo = tapLo(ix0, dw);
        const kxHi = tapHi(ix0, dw, kw, w);
        const nx = kxHi - kxLo;
        const cellBase = rowBase + <usize>(ix0 + kxLo * dw) * pixelBytes;
        const count = <f32>(ny * nx);
        let ch = 0;
        if (ny == 2 && nx == 2) {
          // The whole 2×2 window is inside (BlazeFace's pools): straight-line, no window loops.
          const q = cellBase + stepY;
          for (; ch < c4; ch += 4) {
            const k = <usize>ch << 2;
            const v00 = v128.load(cellBase + k), v01 = v128.load(cellBase + stepX + k);
            const v10 = v128.load(q + k), v11 = v128.load(q + stepX + k);
            const r = isMax
              ? f32x4.pmax(f32x4.pmax(v00, v01), f32x4.pmax(v10, v11))
              : f32x4.mul(f32x4.add(f32x4.add(v00, v01), f32x4.add(v10, v11)), f32x4.splat(0.25));
            v128.store(po + k, r);
          }
        }
        for (; ch < c4; ch += 4) {
          let acc = initV;
          let pr = cellBase + (<usize>ch << 2);
          for (let ky = 0; ky < ny; ky++) {
            let p = pr;
            for (let kx = 0; kx < nx; kx++) {
              const v = v128.load(p);
              acc = isMax ? f32x4.pmax(acc, v) : f32x4.add(acc, v); // pmax: acc < v ? v : acc
              p += stepX;
            }
            pr += stepY;
          }
          if (!isMax) acc = f32x4.div(acc, f32x4.splat(count));
          v128.store(po + (<usize>ch << 2), acc);
        }
        for (; ch < c; ch++) {
          let acc = init;
          let pr = cellBase + (<usize>ch << 2);
          for (let ky = 0; ky < ny; ky++) {
            let p = pr;
            for (let kx = 0; kx < nx; kx++) {
              const v = load<f32>(p);
              acc = isMax ? (acc < v ? v : acc) : acc + v;
              p += stepX;
            }
            pr += stepY;
          }
          if (!isMax) acc /= count;
          store<f32>(po + (<usize>ch << 2), acc);
        }
        po += pixelBytes;
      }
    }
  }
}

export function maxPool(input: i32, n: i32, h: i32, w: i32, c: i32, output: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32): void {
  poolBody(true, input, n, h, w, c, output, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl);
}

export function averagePool(input: i32, n: i32, h: i32, w: i32, c: i32, output: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32): void {
  poolBody(false, input, n, h, w, c, output, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl);
}
