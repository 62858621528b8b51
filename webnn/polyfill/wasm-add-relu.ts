// relu(a + b) as one pass over memory on the wasm engine, where b may have fewer channels (last axis) than a,
// the missing ones being zero: the residual join of BlazeFace-style blocks (add, channel zero-pad, relu), which
// tfjs would run as three kernels and three passes over the activations (a third of a BlazeFace dispatch).
//
// The kernel is a tiny WebAssembly module of our own, assembled below, that imports the memory of tfjs's wasm
// engine and works on its tensors in place; it is registered with tfjs as the kernel `AddRelu` of the 'wasm'
// backend. The arithmetic is the same float32 add and max(x, 0) as tfjs's two kernels, so results are identical.
// The assembler is loaded with tfjs's wasm engine (tfjs-engines.ts), never on the default path; add-relu.ts, which
// the graph compiler calls, is the small part that runs the kernel or falls back to tfjs's three.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { ADD_RELU } from './add-relu.ts';
import type { Tf } from './tf.ts';

// ---- The module, in WebAssembly's binary format.

/** Unsigned LEB128. */
function leb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    bytes.push(byte);
  } while (value);
  return bytes;
}

const name = (text: string) => [...leb(text.length), ...new TextEncoder().encode(text)];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];

// Instructions used below.
const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  i32: (value: number) => [0x41, value], // small non-negative constants only (one signed LEB byte)
  f32Zero: [0x43, 0, 0, 0, 0],
  i32Eqz: [0x45],
  i32GtU: [0x4b],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  f32Load: [0x2a, 2, 0],
  f32Store: [0x38, 2, 0],
  f32Add: [0x92],
  f32Max: [0x97],
  v128Load: [0xfd, 0x00, 0, 0],
  v128Store: [0xfd, 0x0b, 0, 0],
  f32x4Splat: [0xfd, 0x13],
  f32x4Add: [0xfd, ...leb(0xe4)],
  f32x4Max: [0xfd, ...leb(0xe9)],
};

// add_relu(a, b, out, rows, channels, bChannels): byte offsets and counts. Per row (pixel), out[k] =
// max(a[k] + b[k], 0) for k < bChannels and max(a[k], 0) after; four lanes at a time, then one at a time.
const [A, B, OUT, ROWS, CH, BCH, K, ZERO] = [0, 1, 2, 3, 4, 5, 6, 7];
const address = (base: number) => [...op.get(base), ...op.get(K), ...op.i32(2), ...op.i32Shl, ...op.i32Add];
/** while (k + lanes <= limit) { out[k..] = max(a[k..] (+ b[k..]), 0); k += lanes } */
function lanesLoop(limit: number, lanes: 1 | 4, withB: boolean): number[] {
  const load = lanes === 4 ? op.v128Load : op.f32Load;
  const sum = withB ? [...address(B), ...load, ...(lanes === 4 ? op.f32x4Add : op.f32Add)] : [];
  const max = lanes === 4 ? [...op.get(ZERO), ...op.f32x4Max] : [...op.f32Zero, ...op.f32Max];
  return [
    ...op.block, ...op.loop,
    ...op.get(K), ...op.i32(lanes), ...op.i32Add, ...op.get(limit), ...op.i32GtU, ...op.brIf(1),
    ...address(OUT), ...address(A), ...load, ...sum, ...max, ...(lanes === 4 ? op.v128Store : op.f32Store),
    ...op.get(K), ...op.i32(lanes), ...op.i32Add, ...op.set(K),
    ...op.br(0),
    ...op.end, ...op.end,
  ];
}
const advance = (base: number, channels: number) =>
  [...op.get(base), ...op.get(channels), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(base)];

const body = [
  ...[2, 1, I32, 1, V128], // locals: k (i32), zero (v128)
  ...op.f32Zero, ...op.f32x4Splat, ...op.set(ZERO),
  ...op.block, ...op.loop,
  ...op.get(ROWS), ...op.i32Eqz, ...op.brIf(1),
  ...op.i32(0), ...op.set(K),
  ...lanesLoop(BCH, 4, true), ...lanesLoop(BCH, 1, true),
  ...lanesLoop(CH, 4, false), ...lanesLoop(CH, 1, false),
  ...advance(A, CH), ...advance(OUT, CH), ...advance(B, BCH),
  ...op.get(ROWS), ...op.i32(1), ...op.i32Sub, ...op.set(ROWS),
  ...op.br(0),
  ...op.end, ...op.end,
  ...op.end,
];

function moduleBytes(sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  // Shared memory (the threaded engine) must be imported as shared, which requires a maximum: 4 GiB.
  const memoryType = sharedMemory ? [0x03, 0, ...leb(65536)] : [0x00, 0];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, ...memoryType]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('add_relu'), 0x00, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

// ---- Registration with tfjs's wasm backend.

type AddReluFunction = (a: number, b: number, out: number, rows: number, channels: number, bChannels: number) => void;

/** The parts of tfjs's BackendWasm used here. */
interface WasmBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  dataIdMap: { get(dataId: TensorInfo['dataId']): { memoryOffset: number } };
}

/** Registers the AddRelu kernel for tfjs's active 'wasm' backend (once per page). */
export function registerWasmAddRelu(tf: Tf): void {
  if (tf.getKernel(ADD_RELU, 'wasm')) return;
  const backend = tf.findBackend('wasm') as unknown as WasmBackend;
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  if (!memory) return; // an engine build we don't know: the generic kernels keep working
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(shared)), { env: { memory } });
  const addRelu = instance.exports.add_relu as AddReluFunction;
  tf.registerKernel({
    kernelName: ADD_RELU,
    backendName: 'wasm',
    kernelFunc: ({ inputs }) => {
      const a = inputs.a as TensorInfo;
      const b = inputs.b as TensorInfo;
      const out = backend.makeOutput(a.shape, 'float32');
      const size = a.shape.reduce((x, y) => x * y, 1);
      const channels = a.shape[a.shape.length - 1] ?? 1;
      const bChannels = b.shape[b.shape.length - 1] ?? 1;
      const offset = (t: TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
      // Without a pad the rows are contiguous: one long row keeps the loop in its four-lane part.
      if (bChannels === channels) addRelu(offset(a), offset(b), offset(out), 1, size, size);
      else addRelu(offset(a), offset(b), offset(out), size / channels, channels, bChannels);
      return out;
    },
  });
}
