// Reads a TFLite flatbuffer into the format-neutral ImportedModel: subgraph 0 only, builtin op names,
// builtin options as camelCase attributes, constant tensors with a private copy of their bytes.

import { FlatBuffer, FlatBufferError, type FlatTable } from './flatbuffer-table.ts';
import {
  checkModelSize,
  ModelFormatError,
  type ImportedModel,
  type ImportedOperator,
  type ImportedTensor,
} from './imported-model.ts';
import { decodeBuiltinOptions, TfliteOptionsError } from './tflite-options.ts';
import {
  BUFFER,
  BUILTIN_CUSTOM,
  BUILTIN_NAMES,
  FILE_IDENTIFIER,
  MODEL,
  OPERATOR,
  OPERATOR_CODE,
  SUBGRAPH,
  TENSOR,
  TENSOR_TYPE_NAMES,
  TENSOR_TYPES,
} from './tflite-schema.ts';

/** Internal failure with a message; readTflite prefixes the source. */
class TfliteError extends Error {}

/** Decodes a .tflite file. Throws ModelFormatError (naming `source`) for anything truncated, corrupt or unsupported. */
export function readTflite(bytes: ArrayBuffer | Uint8Array, source: string): ImportedModel {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  checkModelSize(view, source);
  try {
    return decodeModel(new FlatBuffer(view), source);
  } catch (error) {
    if (error instanceof ModelFormatError) throw error;
    // Any failure, including ones we did not foresee, means the file is not a model we can read.
    const known = error instanceof TfliteError || error instanceof FlatBufferError || error instanceof TfliteOptionsError;
    throw new ModelFormatError(source, `not a readable TFLite model (${known ? error.message : String(error)})`);
  }
}

function decodeModel(file: FlatBuffer, source: string): ImportedModel {
  if (file.length < 8) throw new TfliteError(`the file has only ${file.length} bytes`);
  const identifier = file.identifier();
  if (identifier !== FILE_IDENTIFIER) throw new TfliteError(`file identifier is '${printable(identifier)}', expected '${FILE_IDENTIFIER}'`);
  const model = file.root();

  const opNames = model.tables(MODEL.operatorCodes, 'operator_codes').map(operatorName);
  const buffers = model.tables(MODEL.buffers, 'buffers');
  const subgraph = model.tables(MODEL.subgraphs, 'subgraphs')[0];
  if (!subgraph) throw new TfliteError('the model has no subgraph');

  const tensorTables = subgraph.tables(SUBGRAPH.tensors, 'tensors');
  const names = uniqueNames(tensorTables);
  const tensors = new Map<string, ImportedTensor>();
  tensorTables.forEach((table, index) => {
    tensors.set(names[index]!, decodeTensor(table, names[index]!, buffers, file));
  });

  const nameOf = (index: number, what: string): string => {
    if (index === -1) return ''; // an omitted optional input
    const name = names[index];
    if (name === undefined) throw new TfliteError(`${what} refers to tensor ${index}, but there are ${names.length}`);
    return name;
  };
  const inputs = (subgraph.int32s(SUBGRAPH.inputs, 'subgraph inputs') ?? []).map((i) => nameOf(i, 'a subgraph input'));
  const outputs = (subgraph.int32s(SUBGRAPH.outputs, 'subgraph outputs') ?? []).map((i) => nameOf(i, 'a subgraph output'));
  if (inputs.includes('') || outputs.includes('')) throw new TfliteError('a subgraph input/output is -1');

  const operators = subgraph.tables(SUBGRAPH.operators, 'operators').map((op, index): ImportedOperator => {
    const opcodeIndex = op.uint32(OPERATOR.opcodeIndex, 0);
    const type = opNames[opcodeIndex];
    if (type === undefined) throw new TfliteError(`operator ${index} uses opcode ${opcodeIndex}, but there are ${opNames.length}`);
    const what = `operator ${index} (${type})`;
    let attributes;
    try {
      attributes = decodeBuiltinOptions(
        type,
        op.uint8(OPERATOR.builtinOptionsType, 0),
        op.table(OPERATOR.builtinOptions, `builtin options of ${what}`),
      );
    } catch (error) {
      if (error instanceof TfliteOptionsError) throw new TfliteError(`${what}: ${error.message}`);
      throw error;
    }
    return {
      type,
      inputs: (op.int32s(OPERATOR.inputs, `inputs of ${what}`) ?? []).map((i) => nameOf(i, `an input of ${what}`)),
      outputs: (op.int32s(OPERATOR.outputs, `outputs of ${what}`) ?? []).map((i) => nameOf(i, `an output of ${what}`)),
      attributes,
    };
  });

  return { format: 'tflite', source, inputs, outputs, tensors, operators };
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

/**
 * The op name of an OperatorCode. The schema's rule (as the TFLite runtime applies it): the real code is
 * the larger of builtin_code and deprecated_builtin_code, because old writers only fill the byte-sized
 * deprecated field and new writers fill both (with the deprecated one capped at 127).
 */
function operatorName(code: FlatTable): string {
  const builtin = Math.max(code.int32(OPERATOR_CODE.builtinCode, 0), code.int8(OPERATOR_CODE.deprecatedBuiltinCode, 0));
  if (builtin === BUILTIN_CUSTOM) return `CUSTOM:${code.string(OPERATOR_CODE.customCode) ?? ''}`;
  return BUILTIN_NAMES[builtin] ?? `BUILTIN_${builtin}`;
}

/** Tensor names are map keys: empty names get one, and repeats get their index appended. */
function uniqueNames(tables: FlatTable[]): string[] {
  const names = tables.map((table, index) => table.string(TENSOR.name) || `tensor_${index}`);
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const taken = new Set(names);
  return names.map((name, index) => {
    if (counts.get(name) === 1) return name;
    let unique = `${name}#${index}`;
    while (taken.has(unique)) unique += '_';
    taken.add(unique);
    return unique;
  });
}

function decodeTensor(table: FlatTable, name: string, buffers: FlatTable[], file: FlatBuffer): ImportedTensor {
  const typeCode = table.int8(TENSOR.type, 0);
  const known = TENSOR_TYPES.get(typeCode);
  if (!known) throw new TfliteError(`tensor '${name}' has unsupported type ${TENSOR_TYPE_NAMES[typeCode] ?? typeCode}`);
  if (table.has(TENSOR.sparsity)) throw new TfliteError(`tensor '${name}' is sparse; DENSIFY models are not supported`);
  const shape = table.int32s(TENSOR.shape, `shape of tensor '${name}'`) ?? [];
  const tensor: ImportedTensor = { name, dataType: known.type, shape };

  const bufferIndex = table.uint32(TENSOR.buffer, 0);
  const buffer = buffers[bufferIndex];
  if (bufferIndex !== 0 && !buffer) throw new TfliteError(`tensor '${name}' uses buffer ${bufferIndex}, but there are ${buffers.length}`);
  const data = buffer && bufferData(buffer, file, name);
  if (data && data.length > 0) {
    const expected = shape.reduce((a, b) => a * b, 1) * known.size;
    if (shape.some((d) => d < 0) || data.length !== expected) {
      throw new TfliteError(`tensor '${name}' has ${data.length} data bytes, its shape [${shape}] needs ${expected}`);
    }
    // A private, aligned copy: typed-array views over it are safe, and the file buffer can be freed.
    tensor.data = new Uint8Array(data);
  }
  return tensor;
}

/** A buffer's bytes: inline, or (for files over 2 GB) at an absolute file offset, which counts when > 1. */
function bufferData(buffer: FlatTable, file: FlatBuffer, name: string): Uint8Array | undefined {
  const offset = buffer.uint64(BUFFER.offset, 0n);
  if (offset > 1n) {
    const size = buffer.uint64(BUFFER.size, 0n);
    if (offset + size > BigInt(file.length)) throw new TfliteError(`the data of tensor '${name}' lies outside the file`);
    return file.bb.bytes().subarray(Number(offset), Number(offset + size));
  }
  return buffer.bytes(BUFFER.data, `data of tensor '${name}'`);
}
