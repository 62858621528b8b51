// 4-D strided copy of float32 elements: dst[i0*t0 + i1*t1 + i2*t2 + i3*t3] = src[i0*s0 + i1*s1 + i2*s2 + i3*s3]
// (strides in elements), the one primitive behind concat, pad (after a fill), slice and transpose. Unit axes
// are dropped and axes that are contiguous in both source and destination merged, so most copies become a few
// long rows: bulk memory.copy for long rows, v128 for short ones, scalar only for strided (transposing) inner
// axes. src and dst must not overlap. Writes touch exactly the destination elements.

/** Rows at least this long (elements) go to memory.copy; shorter ones are copied with v128 in a loop. */
const BULK_MIN: usize = 1024;

@inline function copyRow(dst: usize, src: usize, n: usize): void {
  if (n >= BULK_MIN) {
    memory.copy(dst, src, n << 2);
  } else if (n >= 4) {
    // Whole vectors, then the last 4 elements again (overlapping: harmless, as src and dst are distinct).
    const bytes = n << 2;
    let o: usize = 0;
    const end = bytes - 16;
    for (; o < end; o += 16) v128.store(dst + o, v128.load(src + o));
    v128.store(dst + end, v128.load(src + end));
  } else {
    store<f32>(dst, load<f32>(src));
    if (n > 1) store<f32>(dst, load<f32>(src, 4), 4);
    if (n > 2) store<f32>(dst, load<f32>(src, 8), 8);
  }
}

export function copy(src: i32, dst: i32, d0: i32, d1: i32, d2: i32, d3: i32, s0: i32, s1: i32, s2: i32, s3: i32, t0: i32, t1: i32, t2: i32, t3: i32): void {
  if (d0 <= 0 || d1 <= 0 || d2 <= 0 || d3 <= 0) return;
  // Drop unit axes: move the outer axes inward over them (the outermost becomes a unit axis).
  for (let k = 0; k < 3; k++) {
    if (d3 != 1) break;
    d3 = d2; s3 = s2; t3 = t2;
    d2 = d1; s2 = s1; t2 = t1;
    d1 = d0; s1 = s0; t1 = t0;
    d0 = 1;
  }
  for (let k = 0; k < 2; k++) {
    if (d2 != 1) break;
    d2 = d1; s2 = s1; t2 = t1;
    d1 = d0; s1 = s0; t1 = t0;
    d0 = 1;
  }
  if (d1 == 1) {
    d1 = d0; s1 = s0; t1 = t0;
    d0 = 1;
  }
  if (d3 == 1) {
    s3 = 1;
    t3 = 1;
  }
  // Merge axes that are contiguous in both tensors into the axis inside them.
  for (let k = 0; k < 3; k++) {
    if (d2 == 1 || s2 != s3 * d3 || t2 != t3 * d3) break;
    d3 *= d2;
    d2 = d1; s2 = s1; t2 = t1;
    d1 = d0; s1 = s0; t1 = t0;
    d0 = 1;
  }
  for (let k = 0; k < 2; k++) {
    if (d1 == 1 || s1 != s2 * d2 || t1 != t2 * d2) break;
    d2 *= d1;
    d1 = d0; s1 = s0; t1 = t0;
    d0 = 1;
  }
  if (d0 != 1 && s0 == s1 * d1 && t0 == t1 * d1) {
    d1 *= d0;
    d0 = 1;
  }

  const sb0 = <usize>s0 << 2, sb1 = <usize>s1 << 2, sb2 = <usize>s2 << 2, sb3 = <usize>s3 << 2;
  const tb0 = <usize>t0 << 2, tb1 = <usize>t1 << 2, tb2 = <usize>t2 << 2, tb3 = <usize>t3 << 2;
  const n3 = <usize>d3;
  if (s3 == 1 && t3 == 1) {
    let ps0 = <usize>src, pt0 = <usize>dst;
    for (let i0 = 0; i0 < d0; i0++) {
      let ps1 = ps0, pt1 = pt0;
      for (let i1 = 0; i1 < d1; i1++) {
        let ps2 = ps1, pt2 = pt1;
        for (let i2 = 0; i2 < d2; i2++) {
          copyRow(pt2, ps2, n3);
          ps2 += sb2;
          pt2 += tb2;
        }
        ps1 += sb1;
        pt1 += tb1;
      }
      ps0 += sb0;
      pt0 += tb0;
    }
    return;
  }
  // Strided inner axis (transpose): scalar.
  let ps0 = <usize>src, pt0 = <usize>dst;
  for (let i0 = 0; i0 < d0; i0++) {
    let ps1 = ps0, pt1 = pt0;
    for (let i1 = 0; i1 < d1; i1++) {
      let ps2 = ps1, pt2 = pt1;
      for (let i2 = 0; i2 < d2; i2++) {
        let ps3 = ps2, pt3 = pt2;
        for (let i3: usize = 0; i3 < n3; i3++) {
          store<f32>(pt3, load<f32>(ps3));
          ps3 += sb3;
          pt3 += tb3;
        }
        ps2 += sb2;
        pt2 += tb2;
      }
      ps1 += sb1;
      pt1 += tb1;
    }
    ps0 += sb0;
    pt0 += tb0;
  }
}
