// One translator from an imported model (TFLite or ONNX) to WebNN builder calls. The per-format op tables
// say how each operator maps; this file walks the operators in order, keeps the name -> operand map, turns
// constant tensors into WebNN constants on first use, and reports unsupported operators by file and name.

import type { MLGraphBuilder, MLOperand } from '../../webnn/types.ts';
import {
  ModelFormatError,
  type ImportedModel,
  type ImportedOperator,
  type ImportedTensor,
} from '../readers/imported-model.ts';
import { readFloat32, readIntegers, tensorOf } from './tensor-data.ts';
import { UnsupportedGraphError } from '../errors.ts';

export interface TranslationContext {
  readonly builder: MLGraphBuilder;
  readonly model: ImportedModel;
  /** The operand for a tensor name: an earlier op's output, or the constant tensor of that name. */
  operand(name: string): MLOperand;
  /** A constant tensor read as numbers at build time (shapes, paddings, axes). */
  integers(name: string): number[];
  /** A constant tensor read as float32 at build time. */
  floats(name: string): Float32Array;
  /** The same for a tensor held in an attribute (e.g. ONNX ConstantOfShape's value). */
  floatsOf(tensor: ImportedTensor): Float32Array;
  isConstant(name: string): boolean;
  define(name: string, operand: MLOperand): void;
  /** Throws the error for an operator (or one of its options) that blaze-face does not translate. */
  unsupported(op: ImportedOperator, why?: string): never;
}

export type OpTranslator = (op: ImportedOperator, context: TranslationContext) => void;

export interface FormatTranslator {
  /** Declares the model's input(s) on the builder under the graph input name. */
  defineInputs(context: TranslationContext, inputName: string): void;
  ops: Readonly<Record<string, OpTranslator>>;
  /** Maps an output tensor to the operand the graph returns (e.g. undoing a layout change). */
  output?(name: string, context: TranslationContext): MLOperand;
}

/** Builds the whole network on `builder`; returns the model's outputs by their names in the file. */
export function translateModel(
  model: ImportedModel,
  builder: MLGraphBuilder,
  format: FormatTranslator,
  inputName: string,
): Map<string, MLOperand> {
  const operands = new Map<string, MLOperand>();
  const floatCache = new Map<string, Float32Array>();
  const floats = (name: string): Float32Array => {
    let values = floatCache.get(name);
    if (!values) floatCache.set(name, (values = readFloat32(tensorOf(model, name), model.source)));
    return values;
  };
  const context: TranslationContext = {
    builder,
    model,
    operand(name) {
      const known = operands.get(name);
      if (known) return known;
      const tensor = tensorOf(model, name);
      if (!tensor.data) throw new ModelFormatError(model.source, `tensor "${name}" is used before it is computed`);
      const constant = builder.constant({ dataType: 'float32', shape: tensor.shape }, floats(name));
      operands.set(name, constant);
      return constant;
    },
    integers: (name) => readIntegers(tensorOf(model, name), model.source),
    floats,
    floatsOf: (tensor) => readFloat32(tensor, model.source),
    isConstant: (name) => !operands.has(name) && model.tensors.get(name)?.data !== undefined,
    define(name, operand) {
      operands.set(name, operand);
    },
    unsupported(op, why) {
      const detail = why ? `: ${why}` : '';
      throw new ModelFormatError(model.source, `unsupported ${model.format} operator ${op.type}${detail}`, op.type);
    },
  };

  asFormatError(model, 'the input', () => format.defineInputs(context, inputName));
  for (const op of model.operators) {
    const translate = format.ops[op.type];
    if (!translate) context.unsupported(op);
    asFormatError(model, `operator ${op.type} (outputs ${op.outputs.join(', ')})`, () => translate(op, context), op.type);
  }

  const outputs = new Map<string, MLOperand>();
  for (const name of model.outputs) {
    outputs.set(name, asFormatError(model, `output ${name}`, () => (format.output ? format.output(name, context) : context.operand(name))));
  }
  return outputs;
}

/**
 * Runs one translation step. A WebNN validation error (or any other failure) there means the file describes
 * a graph that cannot be built as read: it becomes a ModelFormatError naming the step.
 */
function asFormatError<T>(model: ImportedModel, step: string, translate: () => T, op?: string): T {
  try {
    return translate();
  } catch (error) {
    // A device that cannot run an op is not a file problem: its own error says which op and why.
    if (error instanceof ModelFormatError || error instanceof UnsupportedGraphError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ModelFormatError(model.source, `${step} failed to build: ${message}`, op);
  }
}
