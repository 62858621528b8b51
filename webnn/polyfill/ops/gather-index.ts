// Index tables for ops expressed as gathers along one axis (edge/reflection pad, resampling). They are built
// once in JS and uploaded as int32 constants, which every tfjs engine gathers efficiently.

/** Shape [1,..,n,..,1] (rank `rank`, n at `axis`) for a per-position weight that broadcasts along `axis`. */
export function axisShape(rank: number, axis: number, n: number): number[] {
  return Array.from({ length: rank }, (_, d) => (d === axis ? n : 1));
}

export function padIndices(dim: number, begin: number, end: number, mode: 'edge' | 'reflection'): Int32Array {
  const out = new Int32Array(begin + dim + end);
  for (let o = 0; o < out.length; o++) {
    let i = o - begin;
    if (mode === 'edge') i = Math.min(Math.max(i, 0), dim - 1);
    else if (i < 0) i = -i; // reflection excludes the edge value itself
    else if (i >= dim) i = 2 * (dim - 1) - i;
    out[o] = i;
  }
  return out;
}
