// Plain nested-loop reference implementations (float64) that the WebNN op tests compare against.

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Deterministic pseudo-random values in [-1, 1). */
export function randomData(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function transposeRef(data: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = strides(shape);
  const out = new Float32Array(size(shape));
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += idx[d]! * inStrides[perm[d]!]!;
    out[o] = data[src]!;
    for (let d = perm.length - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

export interface ConvParams {
  padding: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  groups: number;
}

/** NHWC input, HWIO filter ([kh,kw,C/groups,O]), optional bias [O]. */
export function conv2dRef(
  x: ArrayLike<number>, [n, h, w, c]: readonly number[], f: ArrayLike<number>, [kh, kw, ci, o]: readonly number[],
  p: ConvParams, bias?: ArrayLike<number>,
): { data: Float32Array; shape: number[] } {
  const [pt, pb, pl, pr] = p.padding;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const oh = Math.floor((h + pt + pb - ((kh - 1) * dh + 1)) / sh) + 1;
  const ow = Math.floor((w + pl + pr - ((kw - 1) * dw + 1)) / sw) + 1;
  const og = o / p.groups;
  const out = new Float32Array(n * oh * ow * o);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++)
        for (let oc = 0; oc < o; oc++) {
          const g = Math.floor(oc / og);
          let sum = bias ? bias[oc]! : 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = y * sh - pt + ky * dh;
              const ix = xo * sw - pl + kx * dw;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (let i = 0; i < ci; i++) {
                sum += x[((b * h + iy) * w + ix) * c + g * ci + i]! * f[((ky * kw + kx) * ci + i) * o + oc]!;
              }
            }
          out[((b * oh + y) * ow + xo) * o + oc] = sum;
        }
  return { data: out, shape: [n, oh, ow, o] };
}

/** NHWC pooling; padded cells are skipped (max) or not counted (average). */
export function pool2dRef(
  kind: 'max' | 'avg', x: ArrayLike<number>, [n, h, w, c]: readonly number[], [kh, kw]: [number, number],
  [pt, , pl]: readonly number[], [sh, sw]: [number, number], [oh, ow]: [number, number], [dh, dw]: [number, number] = [1, 1],
): { data: Float32Array; shape: number[] } {
  const out = new Float32Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++)
        for (let ch = 0; ch < c; ch++) {
          let acc = kind === 'max' ? -Infinity : 0;
          let count = 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = y * sh - pt + ky * dh;
              const ix = xo * sw - pl + kx * dw;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              const v = x[((b * h + iy) * w + ix) * c + ch]!;
              acc = kind === 'max' ? Math.max(acc, v) : acc + v;
              count++;
            }
          out[((b * oh + y) * ow + xo) * c + ch] = kind === 'max' ? acc : acc / count;
        }
  return { data: out, shape: [n, oh, ow, c] };
}

/** Spec resample2d on a rank-4 tensor along `axes`, scale = out/in (or the given scales). */
export function resample2dRef(
  mode: 'linear' | 'nearest-neighbor', x: ArrayLike<number>, shape: readonly number[], axes: [number, number],
  outSizes: [number, number], scales?: [number, number],
): { data: Float32Array; shape: number[] } {
  const outShape = [...shape];
  outShape[axes[0]] = outSizes[0];
  outShape[axes[1]] = outSizes[1];
  const inStrides = strides(shape);
  const out = new Float32Array(size(outShape));
  const idx = [0, 0, 0, 0];
  const coord = (k: 0 | 1, dst: number) => {
    const inSize = shape[axes[k]]!;
    const scale = scales ? scales[k] : outSizes[k] / inSize;
    return Math.min(Math.max((dst + 0.5) / scale - 0.5, 0), inSize - 1);
  };
  for (let o = 0; o < out.length; o++) {
    const cy = coord(0, idx[axes[0]]!);
    const cx = coord(1, idx[axes[1]]!);
    const at = (yy: number, xx: number) => {
      let off = 0;
      for (let d = 0; d < 4; d++) off += (d === axes[0] ? yy : d === axes[1] ? xx : idx[d]!) * inStrides[d]!;
      return x[off]!;
    };
    if (mode === 'nearest-neighbor') {
      out[o] = at(Math.ceil(cy - 0.5), Math.ceil(cx - 0.5));
    } else {
      const y0 = Math.floor(cy), y1 = Math.ceil(cy), x0 = Math.floor(cx), x1 = Math.ceil(cx);
      const ty = cy - y0, tx = cx - x0;
      const top = at(y0, x0) * (1 - tx) + at(y0, x1) * tx;
      const bottom = at(y1, x0) * (1 - tx) + at(y1, x1) * tx;
      out[o] = top * (1 - ty) + bottom * ty;
    }
    for (let d = 3; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** pad in constant / edge / reflection mode, any rank. */
export function padRef(
  x: ArrayLike<number>, shape: readonly number[], begin: readonly number[], end: readonly number[],
  mode: 'constant' | 'edge' | 'reflection', value = 0,
): { data: Float32Array; shape: number[] } {
  const outShape = shape.map((d, i) => begin[i]! + d + end[i]!);
  const inStrides = strides(shape);
  const out = new Float32Array(size(outShape));
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let off = 0;
    let outside = false;
    for (let d = 0; d < shape.length; d++) {
      let i = idx[d]! - begin[d]!;
      const n = shape[d]!;
      if (i < 0 || i >= n) {
        if (mode === 'constant') outside = true;
        else if (mode === 'edge') i = Math.min(Math.max(i, 0), n - 1);
        else i = i < 0 ? -i : 2 * (n - 1) - i;
      }
      off += i * inStrides[d]!;
    }
    out[o] = outside ? value : x[off]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}
