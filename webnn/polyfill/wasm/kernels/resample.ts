// WebNN resample2d, linear mode, over the H and W axes of an NHWC float32 tensor. Per axis the source
// coordinate is the spec's half-pixel one, src = clamp((dst + 0.5) / scale - 0.5, 0, in - 1) (computed in
// f64 as the reference does); i0 = floor(src), i1 = min(i0 + 1, in - 1), t = src - i0, and
// value = (v00*(1-tx) + v01*tx)*(1-ty) + (v10*(1-tx) + v11*tx)*ty. Vectorised over channels, scalar tail.

@inline function sourceCoord(dst: i32, scale: f32, size: i32): f64 {
  const s = (<f64>dst + 0.5) / <f64>scale - 0.5;
  return min<f64>(max<f64>(s, 0), <f64>(size - 1));
}

export function resampleLinear(input: i32, n: i32, h: i32, w: i32, c: i32, output: i32, oh: i32, ow: i32, scaleH: f32, scaleW: f32): void {
  const pixelBytes = <usize>c << 2;
  const rowBytes = <usize>w * pixelBytes;
  const c4 = c & ~3;
  let po = <usize>output;
  for (let b = 0; b < n; b++) {
    const image = <usize>input + <usize>b * <usize>h * rowBytes;
    for (let y = 0; y < oh; y++) {
      const sy = sourceCoord(y, scaleH, h);
      const y0 = <i32>Math.floor(sy);
      const y1 = y0 + 1 < h ? y0 + 1 : h - 1;
      const ty = <f32>(sy - <f64>y0);
      const uy = <f32>1 - ty;
      const r0 = image + <usize>y0 * rowBytes;
      const r1 = image + <usize>y1 * rowBytes;
      const vty = f32x4.splat(ty);
      const vuy = f32x4.splat(uy);
      for (let x = 0; x < ow; x++) {
        const sx = sourceCoord(x, scaleW, w);
        const x0 = <i32>Math.floor(sx);
        const x1 = x0 + 1 < w ? x0 + 1 : w - 1;
        const tx = <f32>(sx - <f64>x0);
        const ux = <f32>1 - tx;
        const o0 = <usize>x0 * pixelBytes;
        const o1 = <usize>x1 * pixelBytes;
        const p00 = r0 + o0, p01 = r0 + o1, p10 = r1 + o0, p11 = r1 + o1;
        const vtx = f32x4.splat(tx);
        const vux = f32x4.splat(ux);
        let ch = 0;
        for (; ch < c4; ch += 4) {
          const k = <usize>ch << 2;
          const top = f32x4.add(f32x4.mul(v128.load(p00 + k), vux), f32x4.mul(v128.load(p01 + k), vtx));
          const bottom = f32x4.add(f32x4.mul(v128.load(p10 + k), vux), f32x4.mul(v128.load(p11 + k), vtx));
          v128.store(po + k, f32x4.add(f32x4.mul(top, vuy), f32x4.mul(bottom, vty)));
        }
        for (; ch < c; ch++) {
          const k = <usize>ch << 2;
          const top = load<f32>(p00 + k) * ux + load<f32>(p01 + k) * tx;
          const bottom = load<f32>(p10 + k) * ux + load<f32>(p11 + k) * tx;
          store<f32>(po + k, top * uy + bottom * ty);
        }
        po += pixelBytes;
      }
    }
  }
}
