// ONNX operators -> WebNN. The BlazeFace ONNX files (tf2onnx exports of the Keras models) take an NHWC
// image, transpose it to NCHW, run NCHW convolutions, and transpose back to NHWC before the final reshapes.
// Engines here prefer NHWC, so the graph is built NHWC throughout: a tensor the file holds as NCHW is kept
// physically NHWC and marked "channels-first in the file"; the two boundary transposes become no-ops, and
// NCHW-specific attributes (conv pads order, concat axis) are remapped. An op this scheme does not cover is
// an unsupported-operator error rather than a silent layout mix-up.

import type { MLOperand } from '../../webnn/types.ts';
import { ModelFormatError, type ImportedOperator, type ImportedTensor } from '../readers/imported-model.ts';
import type { FormatTranslator, TranslationContext } from './translate.ts';

const toChannelsFirst = [0, 3, 1, 2];
const toChannelsLast = [0, 2, 3, 1];

/** Names of tensors that the file holds as NCHW but the graph holds as NHWC. Per translation. */
const channelsFirst = new WeakMap<TranslationContext, Set<string>>();

function marks(context: TranslationContext): Set<string> {
  let set = channelsFirst.get(context);
  if (!set) channelsFirst.set(context, (set = new Set()));
  return set;
}

function ints(op: ImportedOperator, name: string, fallback: number[]): number[] {
  const value = op.attributes[name];
  return Array.isArray(value) ? value : fallback;
}

function int(op: ImportedOperator, name: string, fallback: number): number {
  const value = op.attributes[name];
  return typeof value === 'number' ? value : fallback;
}

function sameArray(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** The NHWC operand of a tensor that must be channels-first in the file (conv, pool and concat inputs). */
function channelsFirstInput(op: ImportedOperator, context: TranslationContext, name: string): MLOperand {
  if (!marks(context).has(name)) context.unsupported(op, `input "${name}" is not an NCHW activation`);
  return context.operand(name);
}

function defineChannelsFirst(context: TranslationContext, name: string, operand: MLOperand): void {
  marks(context).add(name);
  context.define(name, operand);
}

/** ONNX pads [top, left, bottom, right] -> WebNN [top, bottom, left, right]; auto_pad is not supported. */
function windowPadding(op: ImportedOperator, context: TranslationContext): number[] {
  const autoPad = op.attributes.auto_pad;
  if (autoPad !== undefined && autoPad !== 'NOTSET') context.unsupported(op, `auto_pad ${String(autoPad)}`);
  const [top, left, bottom, right] = ints(op, 'pads', [0, 0, 0, 0]);
  return [top, bottom, left, right];
}

function conv(op: ImportedOperator, context: TranslationContext): void {
  const [inputName, weightName, biasName] = op.inputs;
  const input = channelsFirstInput(op, context, inputName);
  const output = context.builder.conv2d(input, context.operand(weightName), {
    padding: windowPadding(op, context),
    strides: ints(op, 'strides', [1, 1]),
    dilations: ints(op, 'dilations', [1, 1]),
    groups: int(op, 'group', 1),
    inputLayout: 'nhwc',
    filterLayout: 'oihw',
    ...(biasName ? { bias: context.operand(biasName) } : {}),
  });
  defineChannelsFirst(context, op.outputs[0], output);
}

function maxPool(op: ImportedOperator, context: TranslationContext): void {
  if (int(op, 'ceil_mode', 0) !== 0 || op.outputs.length > 1) context.unsupported(op, 'ceil_mode or indices output');
  const input = channelsFirstInput(op, context, op.inputs[0]);
  const output = context.builder.maxPool2d(input, {
    windowDimensions: ints(op, 'kernel_shape', []),
    strides: ints(op, 'strides', [1, 1]),
    dilations: ints(op, 'dilations', [1, 1]),
    padding: windowPadding(op, context),
    layout: 'nhwc',
  });
  defineChannelsFirst(context, op.outputs[0], output);
}

/** Element-wise ops keep the layout of their inputs, which must agree. */
function elementwise(kind: 'add' | 'relu'): (op: ImportedOperator, context: TranslationContext) => void {
  return (op, context) => {
    const layouts = op.inputs.map((name) => marks(context).has(name));
    if (layouts.some((layout) => layout !== layouts[0])) context.unsupported(op, 'inputs in different layouts');
    const output =
      kind === 'relu'
        ? context.builder.relu(context.operand(op.inputs[0]))
        : context.builder.add(context.operand(op.inputs[0]), context.operand(op.inputs[1]));
    if (layouts[0]) defineChannelsFirst(context, op.outputs[0], output);
    else context.define(op.outputs[0], output);
  };
}

function transpose(op: ImportedOperator, context: TranslationContext): void {
  const [name] = op.inputs;
  const perm = ints(op, 'perm', []);
  const isChannelsFirst = marks(context).has(name);
  const input = context.operand(name);
  // Entering or leaving the file's NCHW section: the data is already NHWC, only the mark changes.
  if (!isChannelsFirst && input.shape.length === 4 && sameArray(perm, toChannelsFirst)) {
    defineChannelsFirst(context, op.outputs[0], input);
  } else if (isChannelsFirst && sameArray(perm, toChannelsLast)) {
    context.define(op.outputs[0], input);
  } else if (!isChannelsFirst) {
    context.define(op.outputs[0], context.builder.transpose(input, { permutation: perm }));
  } else {
    context.unsupported(op, `permutation [${perm}] of an NCHW activation`);
  }
}

function reshape(op: ImportedOperator, context: TranslationContext): void {
  const [name, shapeName] = op.inputs;
  if (marks(context).has(name)) context.unsupported(op, 'reshaping an NCHW activation');
  if (!context.isConstant(shapeName)) context.unsupported(op, 'a computed target shape');
  const input = context.operand(name);
  const requested = context.integers(shapeName);
  const total = input.shape.reduce((product, dimension) => product * dimension, 1);
  const known = requested.reduce((product, dimension, index) => {
    const resolved = dimension === 0 ? input.shape[index] : dimension;
    return resolved === -1 ? product : product * resolved;
  }, 1);
  const shape = requested.map((dimension, index) => (dimension === 0 ? input.shape[index] : dimension === -1 ? total / known : dimension));
  context.define(op.outputs[0], context.builder.reshape(input, shape));
}

function concat(op: ImportedOperator, context: TranslationContext): void {
  const axis = int(op, 'axis', 0);
  const layouts = op.inputs.map((name) => marks(context).has(name));
  if (layouts.some((layout) => layout !== layouts[0])) context.unsupported(op, 'inputs in different layouts');
  const inputs = op.inputs.map((name) => context.operand(name));
  const rank = inputs[0].shape.length;
  const fileAxis = axis < 0 ? axis + rank : axis;
  if (!layouts[0]) {
    context.define(op.outputs[0], context.builder.concat(inputs, fileAxis));
    return;
  }
  // NCHW axis -> NHWC axis.
  defineChannelsFirst(context, op.outputs[0], context.builder.concat(inputs, toChannelsLast.indexOf(fileAxis)));
}

/** ConstantOfShape with a constant shape is a constant: folded at build time. */
function constantOfShape(op: ImportedOperator, context: TranslationContext): void {
  if (!context.isConstant(op.inputs[0])) context.unsupported(op, 'a computed shape');
  const shape = context.integers(op.inputs[0]);
  const valueTensor = op.attributes.value as ImportedTensor | undefined;
  const value = valueTensor ? context.floatsOf(valueTensor)[0] : 0;
  const count = shape.reduce((product, dimension) => product * dimension, 1);
  const data = new Float32Array(count).fill(value);
  // Every element is equal, so the NCHW constant is also its own NHWC constant: only the shape changes.
  if (shape.length === 4) {
    const nhwc = toChannelsLast.map((axis) => shape[axis]);
    defineChannelsFirst(context, op.outputs[0], context.builder.constant({ dataType: 'float32', shape: nhwc }, data));
  } else {
    context.define(op.outputs[0], context.builder.constant({ dataType: 'float32', shape }, data));
  }
}

export const onnxTranslator: FormatTranslator = {
  defineInputs(context, inputName) {
    const [name] = context.model.inputs;
    const input = context.model.tensors.get(name);
    if (!input || context.model.inputs.length !== 1 || input.shape.length !== 4 || input.shape[3] !== 3) {
      throw new ModelFormatError(context.model.source, 'expected one NHWC image input');
    }
    const shape = input.shape.map((dimension) => (dimension < 0 ? 1 : dimension));
    context.define(name, context.builder.input(inputName, { dataType: 'float32', shape }));
  },
  ops: {
    Conv: conv,
    MaxPool: maxPool,
    Add: elementwise('add'),
    Relu: elementwise('relu'),
    Transpose: transpose,
    Reshape: reshape,
    Concat: concat,
    ConstantOfShape: constantOfShape,
  },
  output(name, context) {
    if (marks(context).has(name)) {
      throw new ModelFormatError(context.model.source, `output "${name}" is an NCHW activation`);
    }
    return context.operand(name);
  },
};
