// TFLite operators -> WebNN. TFLite is NHWC throughout, which is also WebNN's layout here, so tensors map
// one to one. Filters stay as stored: CONV_2D is [O,kh,kw,I] ('ohwi'), DEPTHWISE_CONV_2D is [1,kh,kw,C*m]
// ('ihwo' with groups = C). SAME padding becomes explicit, asymmetric padding (pipeline.md 7.1).

import type { MLOperand } from '../../webnn/types.ts';
import { ModelFormatError, type ImportedOperator } from '../readers/imported-model.ts';
import { samePadding2d } from './padding.ts';
import type { FormatTranslator, OpTranslator, TranslationContext } from './translate.ts';

type Widen<T> = T extends number ? number : T extends string ? string : boolean;

/** A builtin option's value, or the schema default when the file leaves it out. */
function attribute<T extends number | string | boolean>(op: ImportedOperator, name: string, fallback: T): Widen<T> {
  const value = op.attributes[name];
  return (typeof value === typeof fallback ? value : fallback) as Widen<T>;
}

/** Applies a TFLite fused activation; only the ones these models could use are supported. */
function activate(op: ImportedOperator, context: TranslationContext, value: MLOperand): MLOperand {
  const activation = attribute(op, 'fusedActivation', 'NONE');
  switch (activation) {
    case 'NONE':
      return value;
    case 'RELU':
      return context.builder.relu(value);
    case 'RELU6':
      return context.builder.clamp(value, { minValue: 0, maxValue: 6 });
    case 'RELU_N1_TO_1':
      return context.builder.clamp(value, { minValue: -1, maxValue: 1 });
    default:
      return context.unsupported(op, `fused activation ${activation}`);
  }
}

function windowPadding(
  op: ImportedOperator,
  context: TranslationContext,
  input: MLOperand,
  kernel: { height: number; width: number },
  strides: [number, number],
  dilations: [number, number],
): [number, number, number, number] {
  const padding = attribute(op, 'padding', 'SAME');
  if (padding === 'VALID') return [0, 0, 0, 0];
  if (padding !== 'SAME') return context.unsupported(op, `padding ${padding}`);
  return samePadding2d({ height: input.shape[1], width: input.shape[2] }, kernel, strides, dilations);
}

function convolution(depthwise: boolean): OpTranslator {
  return (op, context) => {
    const [inputName, filterName, biasName] = op.inputs;
    const input = context.operand(inputName);
    const filter = context.operand(filterName);
    const strides: [number, number] = [attribute(op, 'strideH', 1), attribute(op, 'strideW', 1)];
    const dilations: [number, number] = [attribute(op, 'dilationH', 1), attribute(op, 'dilationW', 1)];
    const kernel = { height: filter.shape[1], width: filter.shape[2] };
    const channels = input.shape[3];
    if (depthwise && filter.shape[3] !== channels * attribute(op, 'depthMultiplier', 1)) {
      context.unsupported(op, `filter [${filter.shape}] does not match ${channels} channels`);
    }
    const output = context.builder.conv2d(input, filter, {
      padding: windowPadding(op, context, input, kernel, strides, dilations),
      strides,
      dilations,
      inputLayout: 'nhwc',
      filterLayout: depthwise ? 'ihwo' : 'ohwi',
      groups: depthwise ? channels : 1,
      ...(biasName ? { bias: context.operand(biasName) } : {}),
    });
    context.define(op.outputs[0], activate(op, context, output));
  };
}

function pool(kind: 'maxPool2d' | 'averagePool2d'): OpTranslator {
  return (op, context) => {
    const input = context.operand(op.inputs[0]);
    const kernel = { height: attribute(op, 'filterHeight', 1), width: attribute(op, 'filterWidth', 1) };
    const strides: [number, number] = [attribute(op, 'strideH', 1), attribute(op, 'strideW', 1)];
    const padding = windowPadding(op, context, input, kernel, strides, [1, 1]);
    // TFLite's pools skip out-of-bounds cells, WebNN's average pool would count them: only allow padding
    // where the two agree (max pooling, or no padding at all).
    if (kind === 'averagePool2d' && padding.some((side) => side !== 0)) {
      context.unsupported(op, 'average pooling with SAME padding that needs padded cells');
    }
    const output = context.builder[kind](input, {
      windowDimensions: [kernel.height, kernel.width],
      strides,
      padding,
      layout: 'nhwc',
    });
    context.define(op.outputs[0], activate(op, context, output));
  };
}

function binary(kind: 'add' | 'sub' | 'mul'): OpTranslator {
  return (op, context) => {
    const output = context.builder[kind](context.operand(op.inputs[0]), context.operand(op.inputs[1]));
    context.define(op.outputs[0], activate(op, context, output));
  };
}

/** A tensor's element count, for resolving a -1 in a new shape. */
function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

function reshape(op: ImportedOperator, context: TranslationContext): void {
  const input = context.operand(op.inputs[0]);
  const requested = op.inputs[1] ? context.integers(op.inputs[1]) : (op.attributes.newShape as number[] | undefined);
  if (!requested) return context.unsupported(op, 'no target shape');
  const known = elementCount(requested.filter((dimension) => dimension !== -1));
  const shape = requested.map((dimension) => (dimension === -1 ? elementCount(input.shape) / known : dimension));
  context.define(op.outputs[0], context.builder.reshape(input, shape));
}

function pad(op: ImportedOperator, context: TranslationContext): void {
  const input = context.operand(op.inputs[0]);
  const pairs = context.integers(op.inputs[1]);
  const beginning = pairs.filter((_, index) => index % 2 === 0);
  const ending = pairs.filter((_, index) => index % 2 === 1);
  context.define(op.outputs[0], context.builder.pad(input, beginning, ending, { mode: 'constant', value: 0 }));
}

function concatenation(op: ImportedOperator, context: TranslationContext): void {
  const inputs = op.inputs.map((name) => context.operand(name));
  const rank = inputs[0].shape.length;
  const axis = attribute(op, 'axis', 0);
  const output = context.builder.concat(inputs, axis < 0 ? axis + rank : axis);
  context.define(op.outputs[0], activate(op, context, output));
}

function resizeBilinear(op: ImportedOperator, context: TranslationContext): void {
  // WebNN's linear resample2d is the half-pixel mapping; TFLite's other two modes are different filters.
  if (!attribute(op, 'halfPixelCenters', false) || attribute(op, 'alignCorners', false)) {
    context.unsupported(op, 'only half_pixel_centers resizing maps onto WebNN resample2d');
  }
  const input = context.operand(op.inputs[0]);
  const sizes = context.integers(op.inputs[1]);
  context.define(op.outputs[0], context.builder.resample2d(input, { mode: 'linear', sizes, axes: [1, 2] }));
}

export const tfliteTranslator: FormatTranslator = {
  defineInputs(context, inputName) {
    const input = context.model.tensors.get(context.model.inputs[0]);
    if (!input || context.model.inputs.length !== 1) {
      throw new ModelFormatError(context.model.source, 'expected exactly one input tensor');
    }
    context.define(input.name, context.builder.input(inputName, { dataType: 'float32', shape: input.shape }));
  },
  ops: {
    CONV_2D: convolution(false),
    DEPTHWISE_CONV_2D: convolution(true),
    MAX_POOL_2D: pool('maxPool2d'),
    AVERAGE_POOL_2D: pool('averagePool2d'),
    ADD: binary('add'),
    SUB: binary('sub'),
    MUL: binary('mul'),
    RELU: (op, context) => context.define(op.outputs[0], context.builder.relu(context.operand(op.inputs[0]))),
    LOGISTIC: (op, context) => context.define(op.outputs[0], context.builder.sigmoid(context.operand(op.inputs[0]))),
    // float16 weights are widened when they become constants (tensor-data.ts), so DEQUANTIZE only renames.
    DEQUANTIZE: (op, context) => {
      if (!context.isConstant(op.inputs[0])) context.unsupported(op, 'dequantizing a computed tensor');
      context.define(op.outputs[0], context.operand(op.inputs[0]));
    },
    PAD: pad,
    RESHAPE: reshape,
    CONCATENATION: concatenation,
    RESIZE_BILINEAR: resizeBilinear,
  },
};
