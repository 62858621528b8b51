// Reads an ONNX model (ModelProto) into the format-neutral ImportedModel.
// Only the main graph is read; nodes keep their ONNX op_type and attribute names. Nothing is folded:
// Constant nodes stay operators (their `value` attribute becomes an ImportedTensor).

import {
  checkModelSize,
  ModelFormatError,
  type ImportedAttribute,
  type ImportedDataType,
  type ImportedModel,
  type ImportedOperator,
  type ImportedTensor,
} from './imported-model.ts';
import { ProtoMessage, ProtobufError, safeNumber } from './protobuf.ts';

// Field numbers from onnx/onnx.proto.
const MODEL = { opsetImport: 8, graph: 7 } as const;
const OPSET_ID = { domain: 1, version: 2 } as const;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, t: 5, g: 6, floats: 7, ints: 8, strings: 9, type: 20 } as const;
const TENSOR = {
  dims: 1,
  dataType: 2,
  floatData: 4,
  int32Data: 5,
  stringData: 6,
  int64Data: 7,
  name: 8,
  rawData: 9,
  doubleData: 10,
  uint64Data: 11,
  dataLocation: 14,
} as const;
const VALUE_INFO = { name: 1, type: 2 } as const;
const TYPE = { tensorType: 1 } as const;
const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
const SHAPE = { dim: 1 } as const;
const DIMENSION = { dimValue: 1, dimParam: 2 } as const;

// AttributeProto.AttributeType values.
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_TENSOR = 4;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

/** TensorProto.DataType codes we accept, with their element sizes. */
const DATA_TYPES = new Map<number, { type: ImportedDataType; size: number }>([
  [1, { type: 'float32', size: 4 }],
  [2, { type: 'uint8', size: 1 }],
  [3, { type: 'int8', size: 1 }],
  [6, { type: 'int32', size: 4 }],
  [7, { type: 'int64', size: 8 }],
  [10, { type: 'float16', size: 2 }],
]);

const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED', 4: 'UINT16', 5: 'INT16', 8: 'STRING', 9: 'BOOL', 11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64',
  14: 'COMPLEX64', 15: 'COMPLEX128', 16: 'BFLOAT16',
};

/** Internal failure with a message; readOnnx prefixes the source. */
class OnnxError extends Error {}

/**
 * Decodes an ONNX file. Graph inputs that are also initializers are not model inputs.
 * Symbolic dimensions (dim_param) and missing dimensions become -1: the translator decides what they mean.
 * `tensors` holds initializers, graph inputs/outputs and value_info entries; intermediate values that the
 * file gives no type for have no entry.
 */
export function readOnnx(bytes: ArrayBuffer | Uint8Array, source: string): ImportedModel {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  checkModelSize(view, source);
  try {
    return decodeModel(view, source);
  } catch (error) {
    if (error instanceof ModelFormatError) throw error;
    // Any decoding failure, including ones we did not foresee, means the file is not a model we can read.
    const detail = error instanceof OnnxError || error instanceof ProtobufError ? error.message : String(error);
    throw new ModelFormatError(source, `not a readable ONNX model (${detail})`);
  }
}

function decodeModel(bytes: Uint8Array, source: string): ImportedModel {
  if (bytes.length === 0) throw new OnnxError('the file is empty');
  const model = new ProtoMessage(bytes);
  const graph = model.message(MODEL.graph);
  if (!graph) throw new OnnxError('ModelProto has no graph');
  const opsetVersion = defaultOpset(model);

  const tensors = new Map<string, ImportedTensor>();
  const initializerNames = new Set<string>();
  for (const proto of graph.messages(GRAPH.initializer)) {
    const tensor = decodeTensor(proto, 'initializer');
    if (tensors.has(tensor.name)) throw new OnnxError(`duplicate initializer '${tensor.name}'`);
    tensors.set(tensor.name, tensor);
    initializerNames.add(tensor.name);
  }

  // value_info first, so graph inputs/outputs (the authoritative declarations) overwrite it.
  for (const info of [...graph.messages(GRAPH.valueInfo), ...graph.messages(GRAPH.input), ...graph.messages(GRAPH.output)]) {
    const tensor = decodeValueInfo(info);
    if (tensor && !initializerNames.has(tensor.name)) tensors.set(tensor.name, tensor);
  }

  const inputs = graph
    .messages(GRAPH.input)
    .map((info) => requiredName(info))
    .filter((name) => !initializerNames.has(name));
  const outputs = graph.messages(GRAPH.output).map((info) => requiredName(info));
  for (const name of [...inputs, ...outputs]) {
    if (!tensors.has(name)) throw new OnnxError(`graph input/output '${name}' has no tensor type`);
  }

  const operators = graph.messages(GRAPH.node).map((node, index) => decodeNode(node, index));
  const result: ImportedModel = { format: 'onnx', source, inputs, outputs, tensors, operators };
  if (opsetVersion !== undefined) result.opsetVersion = opsetVersion;
  return result;
}

/** The version of the default ('' or 'ai.onnx') operator set, which decides operator semantics. */
function defaultOpset(model: ProtoMessage): number | undefined {
  for (const opset of model.messages(MODEL.opsetImport)) {
    const domain = opset.string(OPSET_ID.domain) ?? '';
    const version = opset.int64(OPSET_ID.version);
    if ((domain === '' || domain === 'ai.onnx') && version !== undefined) return safeNumber(version, 'opset version');
  }
  return undefined;
}

function requiredName(info: ProtoMessage): string {
  const name = info.string(VALUE_INFO.name);
  if (!name) throw new OnnxError('a graph input/output/value_info has no name');
  return name;
}

function dataTypeOf(code: number, what: string): { type: ImportedDataType; size: number } {
  const known = DATA_TYPES.get(code);
  if (!known) throw new OnnxError(`${what} has unsupported data type ${DATA_TYPE_NAMES[code] ?? code}`);
  return known;
}

function int32Field(message: ProtoMessage, field: number, what: string): number | undefined {
  const value = message.int64(field);
  return value === undefined ? undefined : safeNumber(value, what);
}

/** ValueInfoProto -> tensor without data; undefined for non-tensor types (sequences, maps), which we do not use. */
function decodeValueInfo(info: ProtoMessage): ImportedTensor | undefined {
  const name = requiredName(info);
  const tensorType = info.message(VALUE_INFO.type)?.message(TYPE.tensorType);
  if (!tensorType) return undefined;
  const elemType = int32Field(tensorType, TENSOR_TYPE.elemType, `elem_type of '${name}'`) ?? 0;
  const { type } = dataTypeOf(elemType, `tensor '${name}'`);
  const shapeProto = tensorType.message(TENSOR_TYPE.shape);
  // An absent shape means unknown rank; [] would wrongly claim a scalar, so refuse it for a declared tensor.
  if (!shapeProto) throw new OnnxError(`tensor '${name}' has no shape`);
  const shape = shapeProto.messages(SHAPE.dim).map((dim) => {
    const value = dim.int64(DIMENSION.dimValue);
    // dim_param (a symbolic size such as a batch name) and empty dims are unknown: -1.
    return value === undefined ? -1 : safeNumber(value, `a dimension of '${name}'`);
  });
  return { name, dataType: type, shape };
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** TensorProto -> tensor with little-endian data, whichever field the file stored it in. */
function decodeTensor(proto: ProtoMessage, role: string): ImportedTensor {
  const name = proto.string(TENSOR.name) ?? '';
  const label = `${role} '${name}'`;
  const shape = proto.repeatedInt64(TENSOR.dims).map((d) => {
    const n = safeNumber(d, `a dimension of ${label}`);
    if (n < 0) throw new OnnxError(`${label} has a negative dimension`);
    return n;
  });
  const code = int32Field(proto, TENSOR.dataType, `data_type of ${label}`) ?? 0;
  const { type, size } = dataTypeOf(code, label);
  if ((int32Field(proto, TENSOR.dataLocation, 'data_location') ?? 0) !== 0) {
    throw new OnnxError(`${label} keeps its data in an external file, which is not supported`);
  }
  const count = product(shape);
  const data = tensorBytes(proto, type, count, label);
  if (data.length !== count * size) {
    throw new OnnxError(`${label} has ${data.length} data bytes, its shape [${shape}] needs ${count * size}`);
  }
  return { name, dataType: type, shape, data };
}

function tensorBytes(proto: ProtoMessage, type: ImportedDataType, count: number, label: string): Uint8Array {
  const raw = proto.bytes(TENSOR.rawData);
  // Copy so the tensor owns aligned bytes and does not pin the whole file buffer. (Not slice(): on a Node
  // Buffer that returns a view.)
  if (raw !== undefined) return new Uint8Array(raw);
  if (proto.has(TENSOR.floatData)) {
    if (type !== 'float32') throw new OnnxError(`${label} stores ${type} in float_data`);
    return proto.repeatedFixedBytes(TENSOR.floatData, 4);
  }
  if (proto.has(TENSOR.int64Data)) {
    if (type !== 'int64') throw new OnnxError(`${label} stores ${type} in int64_data`);
    const values = proto.repeatedInt64(TENSOR.int64Data);
    return littleEndian(values.length, 8, (view, i) => view.setBigInt64(i * 8, values[i]!, true));
  }
  if (proto.has(TENSOR.int32Data)) {
    const values = proto.repeatedInt64(TENSOR.int32Data).map(Number);
    // int32_data carries int32, the 8-bit types and float16 bit patterns (as uint16), one value per element.
    switch (type) {
      case 'int32':
        return littleEndian(values.length, 4, (view, i) => view.setInt32(i * 4, values[i]!, true));
      case 'float16':
        return littleEndian(values.length, 2, (view, i) => view.setUint16(i * 2, values[i]!, true));
      case 'uint8':
      case 'int8':
        return littleEndian(values.length, 1, (view, i) => view.setUint8(i, values[i]! & 0xff));
      default:
        throw new OnnxError(`${label} stores ${type} in int32_data`);
    }
  }
  if (proto.has(TENSOR.doubleData) || proto.has(TENSOR.uint64Data) || proto.has(TENSOR.stringData)) {
    throw new OnnxError(`${label} stores its values in a field that does not match ${type}`);
  }
  // No data at all is only consistent with an empty tensor.
  if (count === 0) return new Uint8Array(0);
  throw new OnnxError(`${label} has no data`);
}

/** Serialises `count` elements explicitly little-endian (typed arrays would use the platform byte order). */
function littleEndian(count: number, size: number, write: (view: DataView, index: number) => void): Uint8Array {
  const out = new Uint8Array(count * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < count; i++) write(view, i);
  return out;
}

function decodeNode(node: ProtoMessage, index: number): ImportedOperator {
  const opType = node.string(NODE.opType);
  if (!opType) throw new OnnxError(`node ${index} has no op_type`);
  const label = `node ${index} (${opType} '${node.string(NODE.name) ?? ''}')`;
  const domain = node.string(NODE.domain) ?? '';
  // Operators from other domains (e.g. com.microsoft) would be mistaken for standard ones of the same name.
  const type = domain === '' || domain === 'ai.onnx' ? opType : `${domain}:${opType}`;
  const attributes: Record<string, ImportedAttribute> = {};
  for (const attribute of node.messages(NODE.attribute)) {
    const name = attribute.string(ATTRIBUTE.name);
    if (!name) throw new OnnxError(`${label} has an attribute without a name`);
    attributes[name] = decodeAttribute(attribute, `attribute '${name}' of ${label}`);
  }
  return { type, inputs: node.strings(NODE.input), outputs: node.strings(NODE.output), attributes };
}

/** The attribute kind: the `type` discriminator, or (IR version 1 files) whichever value field is present. */
function attributeKind(attribute: ProtoMessage): number {
  const declared = attribute.int64(ATTRIBUTE.type);
  if (declared !== undefined && declared !== 0n) return Number(declared);
  if (attribute.has(ATTRIBUTE.f)) return ATTR_FLOAT;
  if (attribute.has(ATTRIBUTE.i)) return ATTR_INT;
  if (attribute.has(ATTRIBUTE.s)) return ATTR_STRING;
  if (attribute.has(ATTRIBUTE.t)) return ATTR_TENSOR;
  if (attribute.has(ATTRIBUTE.floats)) return ATTR_FLOATS;
  if (attribute.has(ATTRIBUTE.ints)) return ATTR_INTS;
  return 0;
}

function decodeAttribute(attribute: ProtoMessage, label: string): ImportedAttribute {
  const kind = attributeKind(attribute);
  switch (kind) {
    case ATTR_FLOAT:
      return attribute.float32(ATTRIBUTE.f) ?? 0;
    case ATTR_INT:
      return safeNumber(attribute.int64(ATTRIBUTE.i) ?? 0n, label);
    case ATTR_STRING:
      return new TextDecoder().decode(attribute.bytes(ATTRIBUTE.s) ?? new Uint8Array(0));
    case ATTR_TENSOR: {
      const tensor = attribute.message(ATTRIBUTE.t);
      if (!tensor) throw new OnnxError(`${label} is a tensor attribute without a tensor`);
      return decodeTensor(tensor, label);
    }
    case ATTR_FLOATS: {
      const raw = attribute.repeatedFixedBytes(ATTRIBUTE.floats, 4);
      return Array.from(new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4));
    }
    case ATTR_INTS:
      return attribute.repeatedInt64(ATTRIBUTE.ints).map((value) => safeNumber(value, label));
    default:
      // Graphs (If/Loop bodies), string lists, tensor lists and sparse tensors never occur in BlazeFace.
      throw new OnnxError(`${label} has attribute type ${kind}, which is not supported`);
  }
}
