// Where a plan's tensors go in the engine's memory: constants and inputs one after another from the heap base, then
// one arena, in which tensors whose lifetimes (program steps) do not overlap share bytes. Every buffer is 16-byte
// aligned and followed by slack, so a kernel's whole SIMD vectors never reach another buffer.

/** Bytes a kernel may read past the end of a buffer (whole SIMD vectors over a channel tail). */
export const SLACK = 64;
/** The most memory a plan may lay out (wasm32 memories reach 4 GiB; browsers allow less). */
export const MAX_MEMORY = 2 ** 31;

/** A tensor's storage while planning; a reshape's output shares its input's. */
export interface Buffer {
  bytes: number;
  kind: 'input' | 'constant' | 'arena';
  /** Program steps between which the buffer must hold its value (arena buffers). */
  first: number;
  last: number;
  offset: number;
  values?: Float32Array;
}

/** Places every buffer (sets its offset); returns the end of the last one. */
export function layOut(planned: readonly Buffer[], heapBase: number): number {
  let end = align(heapBase);
  const place = (buffer: Buffer) => {
    buffer.offset = end;
    end = align(end + buffer.bytes + SLACK);
  };
  for (const buffer of planned) if (buffer.kind !== 'arena') place(buffer);
  const arenaStart = end;
  const arena = planned.filter((b) => b.kind === 'arena').sort((a, b) => b.bytes - a.bytes);
  const placed: Buffer[] = [];
  let arenaEnd = arenaStart;
  for (const buffer of arena) {
    // First fit among the buffers whose lifetimes overlap this one's.
    const live = placed.filter((p) => p.first <= buffer.last && buffer.first <= p.last).sort((a, b) => a.offset - b.offset);
    let offset = arenaStart;
    for (const p of live) {
      if (offset + buffer.bytes + SLACK <= p.offset) break;
      offset = Math.max(offset, align(p.offset + p.bytes + SLACK));
    }
    buffer.offset = offset;
    placed.push(buffer);
    arenaEnd = Math.max(arenaEnd, align(offset + buffer.bytes + SLACK));
  }
  return arenaEnd;
}

export function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
