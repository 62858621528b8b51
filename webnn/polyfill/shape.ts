// Shape arithmetic for builder-time validation and output-shape inference (no engine involved).
import { opError } from './errors.ts';

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** numpy-style bidirectional broadcasting. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw opError(op, `shapes [${a.join(',')}] and [${b.join(',')}] are not broadcastable`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Validates an option that must be a list of `length` integers (each >= `min`). */
export function checkList(op: string, name: string, value: readonly number[], length: number, min: number): void {
  if (value.length !== length) throw opError(op, `${name} must have length ${length}, got ${value.length}`);
  for (const v of value) {
    if (!Number.isInteger(v) || v < min) throw opError(op, `${name} values must be integers >= ${min}, got [${value.join(',')}]`);
  }
}

export function checkDimensions(op: string, shape: readonly number[], what = 'shape'): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d <= 0) throw opError(op, `${what} [${shape.join(',')}] must contain positive integers`);
  }
}

/** Windowed output size (conv/pool): floor or ceil of 1 + (in - effectiveWindow + padding) / stride. */
export function windowOutputSize(
  input: number, window: number, dilation: number, padBegin: number, padEnd: number, stride: number, round: 'floor' | 'ceil',
): number {
  const effective = (window - 1) * dilation + 1;
  const span = input - effective + padBegin + padEnd;
  return round === 'floor' ? Math.floor(span / stride) + 1 : Math.ceil(span / stride) + 1;
}
