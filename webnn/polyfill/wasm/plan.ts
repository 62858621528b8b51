// Compiles a built graph into the wasm engine's plan: one memory layout and one program (opcodes.ts) that the
// engine's run() executes in a single call. Everything is decided here, once: which ops fuse (fusion.ts), where
// each tensor lives (memory-layout.ts: one arena, reused by tensors whose lifetimes do not overlap), the packed
// weights (kernel-layouts.ts), and each kernel's words; a reshape is a new name for the same bytes. Every address a
// kernel will touch is inside the memory laid out here, so nothing is checked per dispatch.
import type { MLConv2dFilterOperandLayout, MLOperandDescriptor } from '../../types.ts';
import { topologicalOrder, type PolyfillOperand } from '../operand.ts';
import type { OpSpec } from '../ops/op-context.ts';
import { elementCount } from '../shape.ts';
import { specOf, UnsupportedByEngine } from './engine-support.ts';
import { findFusions } from './fusion.ts';
import { packBias, packConvWeights, packDepthwiseWeights } from './kernel-layouts.ts';
import { align, layOut, MAX_MEMORY, type Buffer } from './memory-layout.ts';
import { Opcode } from './opcodes.ts';

export { UnsupportedByEngine };

/** A region of the engine's memory. */
export interface Region {
  offset: number;
  /** Elements (float32). */
  length: number;
}

export interface Plan {
  /** Bytes of memory the plan needs, from 0. */
  memoryBytes: number;
  /** Constant bytes to write before the first dispatch: packed weights and constant operands. */
  constants: { offset: number; values: Float32Array }[];
  program: Int32Array;
  programOffset: number;
  /** Multiply-adds of the graph's convolutions per dispatch (the bench's roofline). */
  macs: number;
  inputs: Map<string, Region & { descriptor: MLOperandDescriptor }>;
  outputs: Map<string, Region & { descriptor: MLOperandDescriptor }>;
}

type Fp = { f32: number };
type Word = number | Fp | { buffer: Buffer; plus: number };

interface Step {
  words: Word[];
}

const f32 = (value: number): Fp => ({ f32: value });
const at = (buffer: Buffer, plus = 0): Word => ({ buffer, plus });

function shape4(shape: readonly number[]): [number, number, number, number] {
  if (shape.length > 4) throw new UnsupportedByEngine(`rank ${shape.length} tensors`);
  const padded = [1, 1, 1, 1, ...shape].slice(-4);
  return padded as [number, number, number, number];
}

/** Row-major element strides of a shape. */
function strides(shape: readonly number[]): number[] {
  const result = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) result[d] = result[d + 1]! * shape[d + 1]!;
  return result;
}

/** A [kh][kw][ci][co] filter from any WebNN layout, with its sizes (ci per group). */
function hwioFilter(values: Float32Array, shape: readonly number[], layout: MLConv2dFilterOperandLayout) {
  const axes = { oihw: 'oihw', hwio: 'hwio', ohwi: 'ohwi', ihwo: 'ihwo' }[layout];
  const size = (axis: string) => shape[axes.indexOf(axis)]!;
  const [co, ci, kh, kw] = [size('o'), size('i'), size('h'), size('w')];
  const stride = strides(shape);
  const step = (axis: string) => stride[axes.indexOf(axis)]!;
  const [so, si, sh, sw] = [step('o'), step('i'), step('h'), step('w')];
  const out = new Float32Array(values.length);
  let k = 0;
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) {
    out[k++] = values[y * sh + x * sw + i * si + o * so]!;
  }
  return { hwio: out, kh, kw, ci, co };
}

/** A constant's values, looking through reshapes and value-preserving casts of it. */
function constantValues(operand: PolyfillOperand, what: string): Float32Array {
  let node = operand.node;
  while (node.kind === 'op' && node.spec?.type === 'reshape') node = node.spec.inputs[0]!.node;
  if (node.kind !== 'constant') throw new UnsupportedByEngine(`a computed ${what}`);
  if (!(node.values instanceof Float32Array)) throw new UnsupportedByEngine(`an int32 ${what}`);
  return node.values;
}

export function planGraph(outputs: ReadonlyMap<string, PolyfillOperand>, heapBase: number): Plan {
  // float16 constants hold their decoded float32 values; a value-preserving cast (a reshape spec) reads them.
  const requireFloat32 = (operand: PolyfillOperand) => {
    if (operand.dataType !== 'float32' && !(operand.dataType === 'float16' && operand.node.kind === 'constant')) {
      throw new UnsupportedByEngine(`${operand.dataType} tensors`);
    }
  };
  // The ops in order over their WebNN inputs (the spec's, not the tfjs kernels'); an op's type is checked before
  // its spec, so an int32 graph is refused for its data type.
  const order = topologicalOrder(outputs.values(), (operand) => {
    requireFloat32(operand);
    return specOf(operand).inputs;
  });
  order.forEach(requireFloat32);

  const outputOperands = new Set(outputs.values());
  const { absorbed, activation, residual, fusedAs, addPad } = findFusions(order, outputOperands);

  // Buffers: one per value, shared through reshapes.
  const buffers = new Map<PolyfillOperand, Buffer>();
  const planned: Buffer[] = [];
  const newBuffer = (operand: PolyfillOperand, kind: Buffer['kind'], first: number): Buffer => {
    const buffer: Buffer = { bytes: elementCount(operand.shape) * 4, kind, first, last: first, offset: -1 };
    planned.push(buffer);
    return buffer;
  };
  const steps: Step[] = [];
  let macs = 0;
  const constants: Plan['constants'] = [];
  const constantBuffer = (values: Float32Array): Buffer => {
    const buffer: Buffer = { bytes: values.length * 4, kind: 'constant', first: 0, last: 0, offset: -1, values };
    planned.push(buffer);
    return buffer;
  };
  /**
   * The buffer holding `operand`'s value, kept live up to the step being planned. Constants get theirs when an
   * op first reads them as they are (a convolution packs its weights instead), reshapes share their input's.
   */
  const read = (operand: PolyfillOperand): Buffer => {
    let buffer = buffers.get(operand);
    if (!buffer) {
      const node = operand.node;
      if (node.kind === 'constant') buffer = constantBuffer(constantValues(operand, 'constant'));
      else if (node.kind === 'op' && node.spec?.type === 'reshape') buffer = read(node.spec.inputs[0]!);
      else throw new Error(`plan: ${node.kind} operand read before it was computed`);
      buffers.set(operand, buffer);
    }
    buffer.last = Math.max(buffer.last, steps.length);
    return buffer;
  };
  const inputs = new Map<string, { buffer: Buffer; descriptor: MLOperandDescriptor }>();

  for (const operand of order) {
    const node = operand.node;
    if (node.kind === 'input') {
      const buffer = newBuffer(operand, 'input', 0);
      buffers.set(operand, buffer);
      inputs.set(node.name, { buffer, descriptor: { dataType: operand.dataType, shape: operand.shape } });
      continue;
    }
    if (node.kind === 'constant') continue; // read() places it
    if (absorbed.has(operand)) continue;
    if (specOf(operand).type === 'reshape') continue; // read() resolves it to its input's buffer
    // A fused chain (conv -> add -> relu) is emitted where it ends, as its first op's kernel.
    const source = fusedAs.get(operand) ?? operand;
    const out = newBuffer(operand, 'arena', steps.length);
    buffers.set(operand, out);
    const act = activation.get(source) ?? { min: -Infinity, max: Infinity };
    steps.push({ words: lower(source, specOf(source), out, act) });
    out.first = steps.length - 1;
  }

  function lower(operand: PolyfillOperand, s: OpSpec, out: Buffer, act: { min: number; max: number }): Word[] {
    switch (s.type) {
      case 'conv2d': {
        if (!s.nhwc) throw new UnsupportedByEngine('conv2d with NCHW input');
        const [input, filter, bias] = s.inputs as [PolyfillOperand, PolyfillOperand, PolyfillOperand | undefined];
        const [n, h, w, c] = input.shape as [number, number, number, number];
        const [, oh, ow, oc] = operand.shape as [number, number, number, number];
        const { hwio, kh, kw, ci, co } = hwioFilter(constantValues(filter, 'filter'), filter.shape, s.filterLayout);
        const biasValues = bias ? constantValues(bias, 'bias') : undefined;
        const res = residual.get(operand);
        const x = read(input);
        macs += n * oh * ow * co * kh * kw * ci;
        const window = [kh, kw, s.strides[0], s.strides[1], s.dilations[0], s.dilations[1], s.padding[0], s.padding[2]];
        const epilogue = [res ? at(read(res)) : 0, res ? res.shape[3]! : 0, f32(act.min), f32(act.max)];
        if (s.groups === 1) {
          const weights = constantBuffer(packConvWeights(hwio, kh, kw, ci, co));
          const packedBias = constantBuffer(packBias(biasValues, co));
          return [Opcode.Conv2d, at(x), n, h, w, c, at(out), oh, ow, oc, ...window, at(weights), at(packedBias), ...epilogue];
        }
        if (s.groups === c && ci === 1 && co === c) {
          // hwio with one input channel per group is already [kh][kw][c].
          const weights = constantBuffer(packDepthwiseWeights(hwio, kh, kw, c));
          const packedBias = constantBuffer(packBias(biasValues, c));
          return [Opcode.Depthwise, at(x), n, h, w, c, at(out), oh, ow, ...window, at(weights), at(packedBias), ...epilogue];
        }
        throw new UnsupportedByEngine(`grouped conv2d (${s.groups} groups of ${ci} channels)`);
      }
      case 'add': {
        const [a, b] = s.inputs as [PolyfillOperand, PolyfillOperand];
        const pad = addPad.get(operand);
        if (pad) {
          const { full, source } = pad;
          const channels = full.shape[full.shape.length - 1]!;
          return [Opcode.AddClamp, at(read(full)), at(read(source)), at(out), elementCount(full.shape) / channels, channels,
            source.shape[source.shape.length - 1]!, f32(act.min), f32(act.max)];
        }
        if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) throw new UnsupportedByEngine('add with broadcasting');
        const count = elementCount(a.shape);
        return [Opcode.AddClamp, at(read(a)), at(read(b)), at(out), 1, count, count, f32(act.min), f32(act.max)];
      }
      case 'clamp':
        return [Opcode.Clamp, at(read(s.inputs[0]!)), at(out), elementCount(operand.shape), f32(s.min), f32(s.max)];
      case 'sigmoid':
        return [Opcode.Sigmoid, at(read(s.inputs[0]!)), at(out), elementCount(operand.shape)];
      case 'pool': {
        if (!s.nhwc) throw new UnsupportedByEngine(`${s.kind === 'max' ? 'maxPool2d' : 'averagePool2d'} with NCHW layout`);
        const input = s.inputs[0]!;
        const [n, h, w, c] = input.shape as [number, number, number, number];
        const [, oh, ow] = operand.shape as [number, number, number, number];
        return [s.kind === 'max' ? Opcode.MaxPool : Opcode.AveragePool, at(read(input)), n, h, w, c, at(out), oh, ow,
          s.window[0], s.window[1], s.strides[0], s.strides[1], s.dilations[0], s.dilations[1], s.padding[0], s.padding[2]];
      }
      case 'resample': {
        if (s.axes[0] !== 1 || s.axes[1] !== 2) throw new UnsupportedByEngine('resample2d over axes other than [1, 2]');
        const input = s.inputs[0]!;
        const [n, h, w, c] = input.shape as [number, number, number, number];
        const [, oh, ow] = operand.shape as [number, number, number, number];
        return [Opcode.ResampleLinear, at(read(input)), n, h, w, c, at(out), oh, ow, f32(s.scales[0]), f32(s.scales[1])];
      }
      case 'pad': {
        const input = s.inputs[0]!;
        const inShape = shape4(input.shape);
        const outStrides = strides(shape4(operand.shape));
        const begin = [0, 0, 0, 0, ...s.beginning].slice(-4);
        const start = begin.reduce((sum, b, d) => sum + b * outStrides[d]!, 0);
        return [
          Opcode.Fill, at(out), elementCount(operand.shape), f32(s.value),
          Opcode.Copy, at(read(input)), at(out, start * 4), ...inShape, ...strides(inShape), ...outStrides,
        ];
      }
      case 'concat': {
        const words: Word[] = [];
        const outer = elementCount(operand.shape.slice(0, s.axis));
        const inner = elementCount(operand.shape.slice(s.axis + 1));
        const total = operand.shape[s.axis]!;
        let offset = 0;
        for (const input of s.inputs) {
          const size = input.shape[s.axis]!;
          words.push(Opcode.Copy, at(read(input)), at(out, offset * inner * 4), 1, outer, size, inner, 0, size * inner, inner, 1, 0, total * inner, inner, 1);
          offset += size;
        }
        return words;
      }
      case 'transpose': {
        const input = s.inputs[0]!;
        const inStrides = strides(input.shape);
        const dims = shape4(operand.shape);
        const sourceStrides = [0, 0, 0, 0, ...s.permutation.map((p) => inStrides[p]!)].slice(-4);
        return [Opcode.Copy, at(read(input)), at(out), ...dims, ...sourceStrides, ...strides(dims)];
      }
      case 'slice': {
        const input = s.inputs[0]!;
        const inStrides = strides(input.shape);
        const dims = shape4(operand.shape);
        const start = s.starts.reduce((sum, b, d) => sum + b * inStrides[d]!, 0);
        const sourceStrides = [0, 0, 0, 0, ...inStrides.map((st, d) => st * s.strides[d]!)].slice(-4);
        return [Opcode.Copy, at(read(input), start * 4), at(out), ...dims, ...sourceStrides, ...strides(dims)];
      }
      case 'reshape':
        throw new Error('plan: reshape is an alias');
    }
  }

  // Graph outputs are read after the program ends: they live to its end.
  for (const operand of outputOperands) read(operand).last = steps.length;

  // Layout: constants, then inputs, then the arena, then the program.
  let end = layOut(planned, heapBase);

  const words = steps.flatMap((step) => step.words);
  words.push(Opcode.End);
  const programOffset = end;
  end = align(end + words.length * 4);
  if (end > MAX_MEMORY) throw new UnsupportedByEngine(`a plan of ${end} bytes`);

  const program = new Int32Array(words.length);
  const view = new DataView(program.buffer);
  words.forEach((word, i) => {
    if (typeof word === 'number') program[i] = word;
    else if ('f32' in word) view.setFloat32(i * 4, word.f32, true);
    else program[i] = word.buffer.offset + word.plus;
  });

  for (const buffer of planned) if (buffer.values) constants.push({ offset: buffer.offset, values: buffer.values });
  const region = (buffer: Buffer, descriptor: MLOperandDescriptor) => ({ offset: buffer.offset, length: buffer.bytes / 4, descriptor });
  return {
    memoryBytes: end,
    constants,
    program,
    programOffset,
    macs,
    inputs: new Map([...inputs].map(([name, { buffer, descriptor }]) => [name, region(buffer, descriptor)])),
    outputs: new Map([...outputs].map(([name, operand]) => [name, region(buffers.get(operand)!, { dataType: operand.dataType, shape: operand.shape })])),
  };
}
