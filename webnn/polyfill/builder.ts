// The polyfill's MLGraphBuilder: validates each call synchronously (TypeError "<op>: <problem>") and records
// a node; build() compiles the reachable nodes into a PolyfillGraph.
import type {
  MLClampOptions, MLContext, MLConv2dOptions, MLGraph, MLGraphBuilder, MLNamedOperands, MLOperand, MLOperandDataType,
  MLOperandDescriptor, MLOperatorOptions, MLPadOptions, MLPool2dOptions, MLResample2dOptions, MLTensorData,
} from '../types.ts';
import { bytesPerElement, copyBytes, engineValues } from './constant-data.ts';
import { PolyfillContext } from './context.ts';
import { invalidState, opError } from './errors.ts';
import { checkByteLength } from './limits.ts';
import { PolyfillOperand } from './operand.ts';
import { conv2d } from './ops/conv2d.ts';
import { binary, cast, clamp, unary, type BinaryOp } from './ops/elementwise.ts';
import type { OpContext, OpResult } from './ops/op-context.ts';
import { pad } from './ops/pad.ts';
import { pool2d } from './ops/pool2d.ts';
import { resample2d } from './ops/resample2d.ts';
import { concat, reshape, slice, transpose } from './ops/shape-ops.ts';
import { checkDimensions, elementCount } from './shape.ts';

export class PolyfillGraphBuilder implements MLGraphBuilder {
  readonly #context: PolyfillContext;
  readonly #inputNames = new Set<string>();
  #built = false;
  readonly #ops: OpContext = {
    derive: (op, inputs, dataType, shape, kernel) => {
      checkByteLength(op, 'output', { dataType, shape });
      return new PolyfillOperand(this, dataType, shape, { kind: 'op', op, inputs, kernel });
    },
    constant: (values, shape) =>
      new PolyfillOperand(this, values instanceof Int32Array ? 'int32' : 'float32', shape, { kind: 'constant', values }),
  };

  constructor(context: MLContext) {
    if (!(context instanceof PolyfillContext)) throw new TypeError('MLGraphBuilder: context is not a polyfill MLContext');
    this.#context = context;
  }

  input(name: string, descriptor: MLOperandDescriptor): MLOperand {
    this.#checkState();
    if (typeof name !== 'string' || name === '') throw opError('input', 'name must be a non-empty string');
    if (this.#inputNames.has(name)) throw opError('input', `name "${name}" is already used by another input`);
    this.#checkDescriptor('input', descriptor, this.#context.opSupportLimits().input.dataTypes);
    this.#inputNames.add(name);
    return new PolyfillOperand(this, descriptor.dataType, descriptor.shape, { kind: 'input', name });
  }

  constant(descriptor: MLOperandDescriptor, buffer: MLTensorData): MLOperand {
    this.#checkState();
    this.#checkDescriptor('constant', descriptor, this.#context.opSupportLimits().constant.dataTypes);
    const bytes = copyBytes('constant', descriptor.dataType, elementCount(descriptor.shape) * bytesPerElement(descriptor.dataType), buffer);
    return new PolyfillOperand(this, descriptor.dataType, descriptor.shape, { kind: 'constant', values: engineValues(descriptor.dataType, bytes) });
  }

  conv2d(input: MLOperand, filter: MLOperand, options: MLConv2dOptions = {}): MLOperand {
    const operands: Record<string, MLOperand> = options.bias ? { input, filter, bias: options.bias } : { input, filter };
    const [x, f, bias] = this.#own('conv2d', operands);
    return this.#add('conv2d', conv2d(this.#ops, x!, f!, { ...options, bias }));
  }

  add(a: MLOperand, b: MLOperand, _options?: MLOperatorOptions): MLOperand { return this.#binary('add', a, b); }
  sub(a: MLOperand, b: MLOperand, _options?: MLOperatorOptions): MLOperand { return this.#binary('sub', a, b); }
  mul(a: MLOperand, b: MLOperand, _options?: MLOperatorOptions): MLOperand { return this.#binary('mul', a, b); }
  div(a: MLOperand, b: MLOperand, _options?: MLOperatorOptions): MLOperand { return this.#binary('div', a, b); }
  max(a: MLOperand, b: MLOperand, _options?: MLOperatorOptions): MLOperand { return this.#binary('max', a, b); }
  min(a: MLOperand, b: MLOperand, _options?: MLOperatorOptions): MLOperand { return this.#binary('min', a, b); }

  relu(input: MLOperand, _options?: MLOperatorOptions): MLOperand {
    const [x] = this.#own('relu', { input });
    return this.#add('relu', unary('relu', x!));
  }

  sigmoid(input: MLOperand, _options?: MLOperatorOptions): MLOperand {
    const [x] = this.#own('sigmoid', { input });
    return this.#add('sigmoid', unary('sigmoid', x!));
  }

  clamp(input: MLOperand, options: MLClampOptions = {}): MLOperand {
    const [x] = this.#own('clamp', { input });
    return this.#add('clamp', clamp(x!, options));
  }

  pad(input: MLOperand, beginningPadding: readonly number[], endingPadding: readonly number[], options: MLPadOptions = {}): MLOperand {
    const [x] = this.#own('pad', { input });
    return this.#add('pad', pad(this.#ops, x!, beginningPadding, endingPadding, options));
  }

  maxPool2d(input: MLOperand, options: MLPool2dOptions = {}): MLOperand {
    const [x] = this.#own('maxPool2d', { input });
    return this.#add('maxPool2d', pool2d(this.#ops, 'max', x!, options));
  }

  averagePool2d(input: MLOperand, options: MLPool2dOptions = {}): MLOperand {
    const [x] = this.#own('averagePool2d', { input });
    return this.#add('averagePool2d', pool2d(this.#ops, 'avg', x!, options));
  }

  reshape(input: MLOperand, newShape: readonly number[], _options?: MLOperatorOptions): MLOperand {
    const [x] = this.#own('reshape', { input });
    return this.#add('reshape', reshape(x!, newShape));
  }

  concat(inputs: readonly MLOperand[], axis: number, _options?: MLOperatorOptions): MLOperand {
    const xs = this.#own('concat', Object.fromEntries(inputs.map((x, i) => [`inputs[${i}]`, x])));
    return this.#add('concat', concat(xs, axis));
  }

  transpose(input: MLOperand, options: MLOperatorOptions & { permutation?: readonly number[] } = {}): MLOperand {
    const [x] = this.#own('transpose', { input });
    return this.#add('transpose', transpose(x!, options.permutation));
  }

  slice(
    input: MLOperand, starts: readonly number[], sizes: readonly number[], options: MLOperatorOptions & { strides?: readonly number[] } = {},
  ): MLOperand {
    const [x] = this.#own('slice', { input });
    return this.#add('slice', slice(x!, starts, sizes, options.strides));
  }

  resample2d(input: MLOperand, options: MLResample2dOptions = {}): MLOperand {
    const [x] = this.#own('resample2d', { input });
    return this.#add('resample2d', resample2d(this.#ops, x!, options));
  }

  cast(input: MLOperand, type: MLOperandDataType, _options?: MLOperatorOptions): MLOperand {
    const [x] = this.#own('cast', { input });
    return this.#add('cast', cast(x!, type));
  }

  async build(outputs: MLNamedOperands): Promise<MLGraph> {
    // Checked before any await so that a second build() rejects even while the first is still compiling.
    if (this.#built) throw invalidState('build: this MLGraphBuilder has already built a graph');
    if (this.#context.isLost) throw invalidState('build: the context is lost');
    const entries = Object.entries(outputs);
    if (entries.length === 0) throw opError('build', 'outputs must not be empty');
    const named = new Map<string, PolyfillOperand>();
    for (const [name, operand] of entries) {
      const [own] = this.#own('build', { [`outputs["${name}"]`]: operand });
      if (own!.node.kind !== 'op') throw opError('build', `output "${name}" is an input or constant operand; route it through an op`);
      if (!this.#context.opSupportLimits().output.dataTypes.includes(own!.dataType)) {
        throw opError('build', `output "${name}" dataType ${own!.dataType} is not supported`);
      }
      named.set(name, own!);
    }
    this.#built = true;
    return this.#context.compile(named);
  }

  #checkState(): void {
    if (this.#built) throw invalidState('MLGraphBuilder: build() was already called on this builder');
    if (this.#context.isLost) throw invalidState('MLGraphBuilder: the context is lost');
  }

  #checkDescriptor(op: string, descriptor: MLOperandDescriptor, dataTypes: readonly MLOperandDataType[]): void {
    if (!dataTypes.includes(descriptor.dataType)) throw opError(op, `dataType ${descriptor.dataType} is not supported (supported: ${dataTypes.join(', ')})`);
    checkDimensions(op, descriptor.shape);
    checkByteLength(op, 'descriptor', descriptor);
  }

  /** Checks state and that every operand was made by this builder; returns them as PolyfillOperands. */
  #own(op: string, operands: Record<string, MLOperand>): PolyfillOperand[] {
    this.#checkState();
    return Object.entries(operands).map(([name, operand]) => {
      if (!(operand instanceof PolyfillOperand) || operand.builder !== this) throw opError(op, `${name} was not created by this MLGraphBuilder`);
      return operand;
    });
  }

  #binary(op: BinaryOp, a: MLOperand, b: MLOperand): MLOperand {
    const [x, y] = this.#own(op, { a, b });
    return this.#add(op, binary(op, x!, y!));
  }

  #add(op: string, result: OpResult): MLOperand {
    const { inputs, kernel, reluKernel, lastAxisZeroPad, spec } = result;
    checkByteLength(op, 'output', result);
    return new PolyfillOperand(this, result.dataType, result.shape, {
      kind: 'op', op, inputs, kernel, ...(reluKernel ? { reluKernel } : {}), ...(lastAxisZeroPad ? { lastAxisZeroPad } : {}), ...(spec ? { spec } : {}),
    });
  }
}
