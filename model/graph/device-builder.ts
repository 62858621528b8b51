// A graph builder that checks every operation against the device's own limits (context.opSupportLimits():
// data types and ranks per operand) before handing it to the real builder, so a device that cannot run the
// network fails with an UnsupportedGraphError naming the op and the reason, never with a crash inside
// build(). It also sets the network's precision: in float16, the float32 input is cast to float16 on entry,
// every constant is stored as float16 (exact for the TFLite files' own float16 weights) and the outputs are
// cast back to float32, so callers' tensors stay float32 either way.
//
// The input layout needs no check: the graph is NHWC like the model files, and every WebNN implementation
// must accept both layouts; preferredInputLayout only says which one it runs without extra transposes.

/// <reference lib="esnext.float16" />
import type {
  MLClampOptions, MLConv2dOptions, MLGraph, MLGraphBuilder, MLNamedOperands, MLOpSupportLimits, MLOperand,
  MLOperandDataType, MLOperandDescriptor, MLOperatorOptions, MLPadOptions, MLPool2dOptions, MLResample2dOptions,
  MLTensorData, MLTensorLimits,
} from '../../webnn/types.ts';
import { UnsupportedGraphError } from '../errors.ts';

/** The arithmetic precision of the network's graph. */
export type Precision = 'float32' | 'float16';

function isTensorLimits(value: unknown): value is MLTensorLimits {
  const limits = value as Partial<MLTensorLimits> | undefined;
  return Array.isArray(limits?.dataTypes) && typeof limits?.rankRange === 'object';
}

/**
 * Ranks the WebNN spec itself requires of an operand. Another rank there makes a malformed graph (a broken
 * model file), not one too large for the device: it is left to the real builder, whose TypeError the
 * translator reports as a ModelFormatError.
 */
const specRanks: Record<string, Record<string, number>> = {
  conv2d: { input: 4, filter: 4, bias: 1, output: 4 },
  maxPool2d: { input: 4, output: 4 },
  averagePool2d: { input: 4, output: 4 },
  resample2d: { input: 4, output: 4 },
};

/** Throws when `operand` (named as the spec names it in `op`) is outside the device's `limits`. */
function checkOperand(op: string, name: string, operand: MLOperandDescriptor, limits: MLTensorLimits): void {
  if (!limits.dataTypes.includes(operand.dataType)) {
    const supported = limits.dataTypes.join(', ') || 'none';
    throw new UnsupportedGraphError('check', op, `${name} data type ${operand.dataType} is not supported (supported: ${supported})`, operand.dataType);
  }
  const rank = operand.shape.length;
  const required = specRanks[op]?.[name];
  if (required !== undefined && rank !== required) return;
  const { min, max } = limits.rankRange;
  if (rank < min || rank > max) throw new UnsupportedGraphError('check', op, `${name} rank ${rank} is outside the supported ${min}..${max}`);
}

export class DeviceCheckedBuilder implements MLGraphBuilder {
  readonly precision: Precision;
  #inner: MLGraphBuilder;
  #limits: MLOpSupportLimits;

  constructor(inner: MLGraphBuilder, limits: MLOpSupportLimits, precision: Precision) {
    this.#inner = inner;
    this.#limits = limits;
    this.precision = precision;
  }

  /** Throws unless the device supports `op` with these operands (by the spec's operand names) and output. */
  #check(op: string, operands: Record<string, MLOperand | readonly MLOperand[] | undefined>, output?: MLOperandDescriptor): void {
    const entry = this.#limits[op];
    if (entry === undefined) throw new UnsupportedGraphError('check', op, 'the operation is not supported by this device');
    const perOperand = entry as Record<string, unknown>;
    const named = Object.entries(operands).flatMap(([name, value]) =>
      value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((operand: MLOperand) => [name, operand] as const));
    if (output) named.push(['output', output]);
    for (const [name, operand] of named) {
      const limits = perOperand[name];
      if (isTensorLimits(limits)) checkOperand(op, name, operand, limits);
    }
  }

  /**
   * Runs `make` on the real builder, checking its operands first and its result's descriptor after (or before,
   * when the caller knows it: a builder may reject an output itself, with an error of its own).
   */
  #op(op: string, operands: Record<string, MLOperand | readonly MLOperand[] | undefined>, make: () => MLOperand, output?: MLOperandDescriptor): MLOperand {
    this.#check(op, operands, output);
    const result = make();
    this.#check(op, {}, result);
    return result;
  }

  #graphEdge(kind: 'input' | 'constant' | 'output', descriptor: MLOperandDescriptor): void {
    checkOperand(kind, kind, descriptor, this.#limits[kind]);
  }

  input(name: string, descriptor: MLOperandDescriptor): MLOperand {
    this.#graphEdge('input', descriptor);
    const input = this.#inner.input(name, descriptor);
    return this.precision === 'float16' && descriptor.dataType === 'float32' ? this.cast(input, 'float16') : input;
  }

  constant(descriptor: MLOperandDescriptor, buffer: MLTensorData): MLOperand {
    if (this.precision === 'float16' && descriptor.dataType === 'float32') {
      const values = buffer instanceof Float32Array ? buffer : new Float32Array(buffer as ArrayBuffer);
      return this.constant({ ...descriptor, dataType: 'float16' }, Float16Array.from(values));
    }
    this.#graphEdge('constant', descriptor);
    if (buffer.byteLength > this.#limits.maxTensorByteLength) {
      throw new UnsupportedGraphError('check', 'constant', `${buffer.byteLength} bytes exceed the device's ${this.#limits.maxTensorByteLength}`);
    }
    return this.#inner.constant(descriptor, buffer);
  }

  conv2d(input: MLOperand, filter: MLOperand, options?: MLConv2dOptions): MLOperand {
    return this.#op('conv2d', { input, filter, bias: options?.bias }, () => this.#inner.conv2d(input, filter, options));
  }

  add(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand { return this.#op('add', { a, b }, () => this.#inner.add(a, b, options)); }
  sub(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand { return this.#op('sub', { a, b }, () => this.#inner.sub(a, b, options)); }
  mul(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand { return this.#op('mul', { a, b }, () => this.#inner.mul(a, b, options)); }
  div(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand { return this.#op('div', { a, b }, () => this.#inner.div(a, b, options)); }
  max(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand { return this.#op('max', { a, b }, () => this.#inner.max(a, b, options)); }
  min(a: MLOperand, b: MLOperand, options?: MLOperatorOptions): MLOperand { return this.#op('min', { a, b }, () => this.#inner.min(a, b, options)); }
  relu(input: MLOperand, options?: MLOperatorOptions): MLOperand { return this.#op('relu', { input }, () => this.#inner.relu(input, options)); }
  sigmoid(input: MLOperand, options?: MLOperatorOptions): MLOperand { return this.#op('sigmoid', { input }, () => this.#inner.sigmoid(input, options)); }
  clamp(input: MLOperand, options?: MLClampOptions): MLOperand { return this.#op('clamp', { input }, () => this.#inner.clamp(input, options)); }

  pad(input: MLOperand, beginningPadding: readonly number[], endingPadding: readonly number[], options?: MLPadOptions): MLOperand {
    return this.#op('pad', { input }, () => this.#inner.pad(input, beginningPadding, endingPadding, options));
  }

  maxPool2d(input: MLOperand, options?: MLPool2dOptions): MLOperand { return this.#op('maxPool2d', { input }, () => this.#inner.maxPool2d(input, options)); }
  averagePool2d(input: MLOperand, options?: MLPool2dOptions): MLOperand { return this.#op('averagePool2d', { input }, () => this.#inner.averagePool2d(input, options)); }
  reshape(input: MLOperand, newShape: readonly number[], options?: MLOperatorOptions): MLOperand { return this.#op('reshape', { input }, () => this.#inner.reshape(input, newShape, options)); }
  concat(inputs: readonly MLOperand[], axis: number, options?: MLOperatorOptions): MLOperand { return this.#op('concat', { inputs }, () => this.#inner.concat(inputs, axis, options)); }

  transpose(input: MLOperand, options?: MLOperatorOptions & { permutation?: readonly number[] }): MLOperand {
    return this.#op('transpose', { input }, () => this.#inner.transpose(input, options));
  }

  slice(input: MLOperand, starts: readonly number[], sizes: readonly number[], options?: MLOperatorOptions & { strides?: readonly number[] }): MLOperand {
    return this.#op('slice', { input }, () => this.#inner.slice(input, starts, sizes, options));
  }

  resample2d(input: MLOperand, options?: MLResample2dOptions): MLOperand { return this.#op('resample2d', { input }, () => this.#inner.resample2d(input, options)); }
  cast(input: MLOperand, type: MLOperandDataType, options?: MLOperatorOptions): MLOperand {
    return this.#op('cast', { input }, () => this.#inner.cast(input, type, options), { dataType: type, shape: input.shape });
  }

  /** Builds with float32 outputs (cast back from float16); a rejected build() is an UnsupportedGraphError. */
  async build(outputs: MLNamedOperands): Promise<MLGraph> {
    const graphOutputs: MLNamedOperands = {};
    for (const [name, operand] of Object.entries(outputs)) {
      const output = operand.dataType === 'float16' ? this.cast(operand, 'float32') : operand;
      this.#graphEdge('output', output);
      graphOutputs[name] = output;
    }
    try {
      return await this.#inner.build(graphOutputs);
    } catch (error) {
      throw new UnsupportedGraphError('build', undefined, `build() failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
