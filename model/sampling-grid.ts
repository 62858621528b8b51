// Where each tensor pixel samples the source, the first half of the sampling arithmetic (the second,
// weighting the taps, is letterboxed-sampling.ts). It exists apart because it is OpenCV's geometry emulated
// operation for operation, and it runs only when the source size changes (letterboxed-sampling.ts caches
// what it gives).
//
// Geometry: OpenCV maps the letterbox square's corners onto the tensor corners, so tensor pixel (i, j) reads
// the source at x = x0 + j·L/S, y = y0 + i·L/S (L = max(W, H), x0 = -(L-W)/2, y0 = -(L-H)/2) with no
// half-pixel shift. 'opencv' sampling rounds that position (half to even, cvRound) to 1/32 pixel
// (INTER_BITS = 5), as warpPerspective does for 8-bit images; 'exact' keeps the unquantized position.

export type Sampling = 'opencv' | 'exact';

/**
 * Where each output pixel samples the source: the integer tap (x, y) and the fractions toward x+1 and y+1.
 * In 'opencv' mode the fractions are multiples of 1/32.
 */
export interface SamplingGrid {
  baseX: Int32Array;
  baseY: Int32Array;
  fractionX: Float64Array;
  fractionY: Float64Array;
}

/** cvRound: round to nearest, ties to even (lrint / cvtsd2si in the default rounding mode). */
function roundHalfToEven(value: number): number {
  const rounded = Math.round(value);
  return rounded - value === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/**
 * Solves the 8×8 system A·x = b by Gaussian elimination with partial pivoting, in the operation order of
 * OpenCV's LU solver, so the result carries the same rounding errors.
 */
function solveLu(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let i = 0; i < n; i++) {
    let pivot = i;
    for (let j = i + 1; j < n; j++) if (Math.abs(a[j]![i]!) > Math.abs(a[pivot]![i]!)) pivot = j;
    if (pivot !== i) {
      [a[i], a[pivot]] = [a[pivot]!, a[i]!];
      [b[i], b[pivot]] = [b[pivot]!, b[i]!];
    }
    const d = -1 / a[i]![i]!;
    for (let j = i + 1; j < n; j++) {
      const alpha = a[j]![i]! * d;
      for (let k = i + 1; k < n; k++) a[j]![k]! += alpha * a[i]![k]!;
      b[j]! += alpha * b[i]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i]!;
    for (let k = i + 1; k < n; k++) sum -= a[i]![k]! * b[k]!;
    b[i] = sum / a[i]![i]!;
  }
  return b;
}

/** getPerspectiveTransform: the 3×3 matrix (row-major) mapping the 4 source points onto the 4 targets. */
function perspectiveTransform(from: readonly [number, number][], to: readonly [number, number][]): number[] {
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -x * u, -y * u]);
    b.push(u);
  }
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [, v] = to[i]!;
    a.push([0, 0, 0, x, y, 1, -x * v, -y * v]);
    b.push(v);
  }
  return [...solveLu(a, b), 1];
}

/** cv::invert of a 3×3 matrix: OpenCV's closed form (cofactors over the determinant). */
function invert3(m: readonly number[]): number[] {
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = m as [number, number, number, number, number, number, number, number, number];
  const d = 1 / (m0 * (m4 * m8 - m5 * m7) - m1 * (m3 * m8 - m5 * m6) + m2 * (m3 * m7 - m4 * m6));
  return [
    (m4 * m8 - m5 * m7) * d,
    (m2 * m7 - m1 * m8) * d,
    (m1 * m5 - m2 * m4) * d,
    (m5 * m6 - m3 * m8) * d,
    (m0 * m8 - m2 * m6) * d,
    (m2 * m3 - m0 * m5) * d,
    (m3 * m7 - m4 * m6) * d,
    (m1 * m6 - m0 * m7) * d,
    (m0 * m4 - m1 * m3) * d,
  ];
}

/**
 * OpenCV's sampling positions, reproduced operation for operation: MediaPipe maps the letterbox square's corners
 * (float32 box points of a rotated rect with angle 0) onto the tensor corners with getPerspectiveTransform;
 * warpPerspective inverts that matrix and, in blocks of 64 columns, evaluates x·32 and y·32 in double and
 * rounds them with cvRound. The tiny errors of the solved matrix matter only at exact 1/64-pixel ties (odd sizes
 * such as 97×61), and there they are what decides; with this emulation the result matched OpenCV 4.6 bit for
 * bit on every size tried.
 */
function openCvGrid(grid: SamplingGrid, width: number, height: number, size: number): void {
  const side = Math.max(width, height);
  const centerX = Math.fround(width / 2);
  const centerY = Math.fround(height / 2);
  const half = Math.fround(side * 0.5);
  const corners: [number, number][] = [
    [centerX - half, centerY + half],
    [centerX - half, centerY - half],
    [centerX + half, centerY - half],
    [centerX + half, centerY + half],
  ];
  const targets: [number, number][] = [[0, size], [0, 0], [size, 0], [size, size]];
  const m = invert3(perspectiveTransform(corners, targets));
  const blockWidth = Math.min(Math.floor(1024 / Math.min(16, size)), size);
  const clampInt = (v: number) => Math.max(-2147483648, Math.min(2147483647, v));
  for (let y = 0; y < size; y++) {
    for (let xb = 0; xb < size; xb += blockWidth) {
      const x0 = m[0]! * xb + m[1]! * y + m[2]!;
      const y0 = m[3]! * xb + m[4]! * y + m[5]!;
      const w0 = m[6]! * xb + m[7]! * y + m[8]!;
      for (let x1 = 0; x1 < Math.min(blockWidth, size - xb); x1++) {
        let w = w0 + m[6]! * x1;
        w = w ? 32 / w : 0;
        const fixedX = roundHalfToEven(clampInt((x0 + m[0]! * x1) * w));
        const fixedY = roundHalfToEven(clampInt((y0 + m[3]! * x1) * w));
        const at = y * size + xb + x1;
        grid.baseX[at] = fixedX >> 5;
        grid.baseY[at] = fixedY >> 5;
        grid.fractionX[at] = (fixedX & 31) / 32;
        grid.fractionY[at] = (fixedY & 31) / 32;
      }
    }
  }
}

/** Unquantized positions: x = ((W - L)·S + 2·j·L) / 2S, one division so exact values stay exact. */
function exactGrid(grid: SamplingGrid, width: number, height: number, size: number): void {
  const side = Math.max(width, height);
  for (let i = 0; i < size; i++) {
    const y = ((height - side) * size + 2 * i * side) / (2 * size);
    for (let j = 0; j < size; j++) {
      const x = ((width - side) * size + 2 * j * side) / (2 * size);
      const at = i * size + j;
      grid.baseX[at] = Math.floor(x);
      grid.baseY[at] = Math.floor(y);
      grid.fractionX[at] = x - Math.floor(x);
      grid.fractionY[at] = y - Math.floor(y);
    }
  }
}

/** The sampling positions of every pixel of a size×size tensor letterboxing a width×height source. */
export function samplingGrid(width: number, height: number, size: number, sampling: Sampling): SamplingGrid {
  const count = size * size;
  const grid: SamplingGrid = {
    baseX: new Int32Array(count),
    baseY: new Int32Array(count),
    fractionX: new Float64Array(count),
    fractionY: new Float64Array(count),
  };
  (sampling === 'opencv' ? openCvGrid : exactGrid)(grid, width, height, size);
  return grid;
}
