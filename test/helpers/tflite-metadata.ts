// Attaches TFLite model metadata (the tflite-support "ModelMetadata" flatbuffer) to a .tflite file in the
// browser. MediaPipe Tasks refuses a float32-input model unless its metadata names the input
// normalization, and the @mediapipe/face_detection models ship without any; the tests give MediaPipe a
// copy with metadata attached, keeping every weight byte-identical, so both detectors run the same network.
//
// Schemas (field ids are declaration order; a union takes two ids, its type byte then its value):
// - tensorflow/compiler/mlir/lite/schema/schema.fbs: Model { version 0, operator_codes 1, subgraphs 2,
//   description 3, buffers 4, metadata_buffer 5, metadata 6, signature_defs 7 }, Metadata { name 0,
//   buffer 1 }, Buffer { data 0 (force_align 16), offset 1, size 2 }; file identifier "TFL3".
// - tensorflow_lite_support/metadata/metadata_schema.fbs (identifier "M001"): ModelMetadata { name 0,
//   description 1, version 2, subgraph_metadata 3, author 4, license 5, associated_files 6,
//   min_parser_version 7 }, SubGraphMetadata { name 0, description 1, input_tensor_metadata 2, ... },
//   TensorMetadata { name 0, description 1, dimension_names 2, content 3, process_units 4, ... },
//   Content { content_properties (union: 0 type, 1 value), range 2 }, ImageProperties { color_space 0 },
//   ProcessUnit { options (union: 0 type, 1 value) }, NormalizationOptions { mean 0, std 1 }.
//   Union codes: ContentProperties.ImageProperties = 2, ProcessUnitOptions.NormalizationOptions = 1;
//   ColorSpaceType RGB = 1, GRAYSCALE = 2.

import { Builder, ByteBuffer } from 'flatbuffers';

/** The Model.metadata entry name under which TFLite tooling (and MediaPipe) look for ModelMetadata. */
export const TFLITE_METADATA_NAME = 'TFLITE_METADATA';
export const MODEL_METADATA_IDENTIFIER = 'M001';
const TFLITE_IDENTIFIER = 'TFL3';

const MODEL_FIELDS = 8; // the Model table's fields in the current schema, ids 0..7
const MODEL_BUFFERS = 4;
const MODEL_METADATA = 6;
const CONTENT_IMAGE_PROPERTIES = 2;
const PROCESS_UNIT_NORMALIZATION = 1;
const COLOR_SPACES = { RGB: 1, GRAYSCALE: 2 } as const;

export interface ImageInputMetadata {
  /** Per-channel (or one shared) mean: the model input is (pixel - mean) / std. */
  mean: number[];
  std: number[];
  colorSpace?: keyof typeof COLOR_SPACES;
  /** Name recorded for the model and its input tensor; informational only. */
  modelName?: string;
  inputName?: string;
}

/** A ModelMetadata flatbuffer describing subgraph 0's single image input. */
export function buildImageInputMetadata(options: ImageInputMetadata): Uint8Array {
  const b = new Builder(512);
  const floats = (values: number[]): number => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!); // vectors are built back to front
    return b.endVector();
  };
  const offsets = (values: number[]): number => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i]!);
    return b.endVector();
  };

  const mean = floats(options.mean);
  const std = floats(options.std);
  b.startObject(2);
  b.addFieldOffset(0, mean, 0);
  b.addFieldOffset(1, std, 0);
  const normalization = b.endObject();

  b.startObject(2);
  b.addFieldInt8(0, PROCESS_UNIT_NORMALIZATION, 0);
  b.addFieldOffset(1, normalization, 0);
  const processUnit = b.endObject();
  const processUnits = offsets([processUnit]);

  b.startObject(2);
  b.addFieldInt8(0, COLOR_SPACES[options.colorSpace ?? 'RGB'], 0);
  const imageProperties = b.endObject();

  b.startObject(3);
  b.addFieldInt8(0, CONTENT_IMAGE_PROPERTIES, 0);
  b.addFieldOffset(1, imageProperties, 0);
  const content = b.endObject();

  const inputName = b.createString(options.inputName ?? 'image');
  b.startObject(7);
  b.addFieldOffset(0, inputName, 0);
  b.addFieldOffset(3, content, 0);
  b.addFieldOffset(4, processUnits, 0);
  const tensor = b.endObject();
  const inputs = offsets([tensor]);

  b.startObject(7);
  b.addFieldOffset(2, inputs, 0);
  const subgraph = b.endObject();
  const subgraphs = offsets([subgraph]);

  const modelName = b.createString(options.modelName ?? 'model');
  // The version a metadata writer would record for these fields (all from schema 1.0.0); MediaPipe refuses
  // metadata whose min_parser_version is newer than its parser, so the oldest honest value is the safest.
  const minParserVersion = b.createString('1.0.0');
  b.startObject(8);
  b.addFieldOffset(0, modelName, 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(7, minParserVersion, 0);
  const root = b.endObject();
  b.finish(root, MODEL_METADATA_IDENTIFIER);
  return b.asUint8Array().slice(); // a compact copy; the builder's buffer has unused space in front
}

/** What readImageInputMetadata finds in a ModelMetadata flatbuffer (for tests). */
export interface DecodedImageInputMetadata {
  identifier: string;
  mean: number[];
  std: number[];
  colorSpace: number;
}

/** Decodes the input-normalization part of a ModelMetadata flatbuffer, independently of the builder above. */
export function readImageInputMetadata(metadata: Uint8Array): DecodedImageInputMetadata {
  const bb = new ByteBuffer(metadata);
  const identifier = new TextDecoder().decode(metadata.subarray(4, 8));
  const root = bb.readUint32(0);
  const field = (table: number, id: number): number => {
    const at = bb.__offset(table, 4 + 2 * id);
    if (!at) throw new Error(`metadata: field ${id} of the table at ${table} is absent`);
    return table + at;
  };
  const table = (t: number, id: number): number => bb.__indirect(field(t, id));
  const vectorItem = (t: number, id: number, index: number): number => {
    const at = field(t, id);
    if (index >= bb.__vector_len(at)) throw new Error(`metadata: vector field ${id} has no item ${index}`);
    return bb.__vector(at) + 4 * index;
  };
  const floats = (t: number, id: number): number[] => {
    const at = field(t, id);
    return Array.from({ length: bb.__vector_len(at) }, (_, i) => bb.readFloat32(bb.__vector(at) + 4 * i));
  };

  const subgraph = bb.__indirect(vectorItem(root, 3, 0));
  const tensor = bb.__indirect(vectorItem(subgraph, 2, 0));
  const content = table(tensor, 3);
  if (bb.readUint8(field(content, 0)) !== CONTENT_IMAGE_PROPERTIES) throw new Error('metadata: the input content is not an image');
  const imageProperties = table(content, 1);
  const unit = bb.__indirect(vectorItem(tensor, 4, 0));
  if (bb.readUint8(field(unit, 0)) !== PROCESS_UNIT_NORMALIZATION) throw new Error('metadata: the first process unit is not a normalization');
  const normalization = table(unit, 1);
  return {
    identifier,
    mean: floats(normalization, 0),
    std: floats(normalization, 1),
    colorSpace: bb.readInt8(field(imageProperties, 0)),
  };
}

/** Little-endian reads over a .tflite file, with bounds checks: a bad input must fail here, not in wasm. */
class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private check(pos: number, size: number): void {
    if (!Number.isInteger(pos) || pos < 0 || pos + size > this.bytes.length) {
      throw new Error(`tflite: read of ${size} bytes at ${pos} is outside the ${this.bytes.length}-byte file`);
    }
  }
  u16(pos: number): number {
    this.check(pos, 2);
    return this.view.getUint16(pos, true);
  }
  u32(pos: number): number {
    this.check(pos, 4);
    return this.view.getUint32(pos, true);
  }
  i32(pos: number): number {
    this.check(pos, 4);
    return this.view.getInt32(pos, true);
  }
  u64(pos: number): bigint {
    this.check(pos, 8);
    return this.view.getBigUint64(pos, true);
  }
  /** Absolute position of each field of the table at `table` (0 where absent), for ids 0..count-1. */
  fields(table: number, count: number): number[] {
    const vtable = table - this.i32(table);
    const vtableLength = this.u16(vtable);
    return Array.from({ length: Math.max(count, (vtableLength - 4) / 2) }, (_, id) => {
      const at = 4 + 2 * id < vtableLength ? this.u16(vtable + 4 + 2 * id) : 0;
      return at ? table + at : 0;
    });
  }
  /** Follows the uoffset stored at `pos`. */
  target(pos: number): number {
    return pos + this.u32(pos);
  }
  /** Absolute positions of the tables a vector of offsets refers to. */
  tableVector(vector: number): number[] {
    const length = this.u32(vector);
    return Array.from({ length }, (_, i) => this.target(vector + 4 + 4 * i));
  }
  string(pos: number): string {
    const length = this.u32(pos);
    this.check(pos + 4, length);
    return new TextDecoder().decode(this.bytes.subarray(pos + 4, pos + 4 + length));
  }
}

/** The parts of a Model table that attachMetadata rebuilds, as absolute positions (0 = absent). */
interface ModelLayout {
  version: number | undefined;
  fields: number[]; // uoffset targets of fields 1..7 by id (index 0 unused)
  buffers: number[];
  metadata: { name: string; table: number }[];
}

function readModelLayout(reader: Reader): ModelLayout {
  const { bytes } = reader;
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(4, 8)) !== TFLITE_IDENTIFIER) {
    throw new Error(`tflite: the file identifier is not '${TFLITE_IDENTIFIER}'`);
  }
  const root = reader.u32(0);
  const fields = reader.fields(root, MODEL_FIELDS);
  // A field this code does not know might be an offset into the old file; copying it blindly could
  // produce a model that reads garbage, so refuse instead.
  const unknown = fields.findIndex((at, id) => id >= MODEL_FIELDS && at !== 0);
  if (unknown !== -1) throw new Error(`tflite: the Model table has field ${unknown}, newer than this code`);
  const targets = fields.slice(0, MODEL_FIELDS).map((at, id) => (id > 0 && at ? reader.target(at) : 0));
  if (!targets[MODEL_BUFFERS]) throw new Error('tflite: the model has no buffers');
  const buffers = reader.tableVector(targets[MODEL_BUFFERS]!);
  for (const buffer of buffers) {
    // Buffer.offset (field 1) is an absolute file position, used by models over 2 GB; moving the old bytes
    // would break it. Values 0 and 1 mean "unused".
    const offsetField = reader.fields(buffer, 3)[1]!;
    if (offsetField && reader.u64(offsetField) > 1n) throw new Error('tflite: buffers stored at absolute file offsets are not supported');
  }
  const metadata = targets[MODEL_METADATA]
    ? reader.tableVector(targets[MODEL_METADATA]).map((table) => {
        const nameField = reader.fields(table, 2)[0]!;
        return { name: nameField ? reader.string(reader.target(nameField)) : '', table };
      })
    : [];
  return { version: fields[0] ? reader.u32(fields[0]) : undefined, fields: targets, buffers, metadata };
}

/** Forward-only writer into a fixed-size array (every position is computed before writing). */
class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u16(pos: number, value: number): void {
    this.view.setUint16(pos, value, true);
  }
  u32(pos: number, value: number): void {
    this.view.setUint32(pos, value, true);
  }
  i32(pos: number, value: number): void {
    this.view.setInt32(pos, value, true);
  }
  /** Stores at `pos` a uoffset to `target`; flatbuffer uoffsets are unsigned, so targets must lie ahead. */
  offset(pos: number, target: number): void {
    if (target <= pos) throw new Error(`internal: uoffset from ${pos} to ${target} points backwards`);
    this.u32(pos, target - pos);
  }
}

const alignUp = (value: number, alignment: number): number => Math.ceil(value / alignment) * alignment;

/**
 * Returns a copy of `model` whose Model.metadata has an entry named TFLITE_METADATA (replacing an existing
 * one) pointing to a new buffer that holds `metadata`.
 *
 * How: flatbuffer uoffsets are relative and only point forward, and the only absolute position in a
 * .tflite file is the root offset (plus Buffer.offset, refused above). So the whole original file can be
 * moved, untouched, behind a new header as long as the move keeps its 16-byte alignment (Buffer.data has
 * force_align 16). The header holds a new root Model table that reuses the old operator codes, subgraphs,
 * description, signature defs and Buffer tables by pointing forward into the moved file, plus new
 * buffers/metadata vectors with one extra entry each. Nothing of the original is rewritten, so every
 * tensor's bytes stay identical; the old root table and identifier remain as unreferenced bytes. This
 * needs no existing metadata entry to hijack and keeps entries such as min_runtime_version.
 */
export function attachMetadata(model: Uint8Array, metadata: Uint8Array): Uint8Array {
  const layout = readModelLayout(new Reader(model));
  const oldMetadata = layout.metadata.filter((entry) => entry.name !== TFLITE_METADATA_NAME);
  const nameBytes = new TextEncoder().encode(TFLITE_METADATA_NAME);

  // Header layout, front to back; each item only refers to items after it.
  const modelVtable = 8; // after the root offset and the file identifier
  const modelVtableLength = 4 + 2 * MODEL_FIELDS;
  const modelTable = alignUp(modelVtable + modelVtableLength, 4);
  const modelTableLength = 4 + 4 * MODEL_FIELDS; // soffset, version, then 7 uoffsets; a slot per field id
  const buffersVector = modelTable + modelTableLength;
  const metadataVector = buffersVector + 4 + 4 * (layout.buffers.length + 1);
  const entryVtable = metadataVector + 4 + 4 * (oldMetadata.length + 1);
  const entryTable = entryVtable + 8; // vtable: length, table length, 2 fields
  const bufferVtable = entryTable + 12; // table: soffset, name, buffer index
  const bufferTable = bufferVtable + 8; // vtable: length, table length, 1 field, 2 bytes padding
  const nameString = bufferTable + 8; // table: soffset, data
  // Buffer.data is force_align 16: the bytes after the length prefix start on a 16-byte boundary.
  const dataVector = alignUp(nameString + 4 + nameBytes.length + 1 + 4, 16) - 4;
  const shift = alignUp(dataVector + 4 + metadata.length, 16);
  const moved = (position: number): number => shift + position;

  const w = new Writer(shift + model.length);
  w.bytes.set(model, shift);
  w.u32(0, modelTable);
  w.bytes.set(new TextEncoder().encode(TFLITE_IDENTIFIER), 4);

  // Model vtable and table: field id i lives in slot 4 + 4*i; absent fields get vtable entry 0.
  w.u16(modelVtable, modelVtableLength);
  w.u16(modelVtable + 2, modelTableLength);
  w.i32(modelTable, modelTable - modelVtable);
  for (let id = 0; id < MODEL_FIELDS; id++) {
    const slot = modelTable + 4 + 4 * id;
    let present = true;
    if (id === 0) {
      if (layout.version === undefined) present = false;
      else w.u32(slot, layout.version);
    } else if (id === MODEL_BUFFERS) {
      w.offset(slot, buffersVector);
    } else if (id === MODEL_METADATA) {
      w.offset(slot, metadataVector);
    } else if (layout.fields[id]) {
      w.offset(slot, moved(layout.fields[id]!));
    } else {
      present = false;
    }
    w.u16(modelVtable + 4 + 2 * id, present ? 4 + 4 * id : 0);
  }

  w.u32(buffersVector, layout.buffers.length + 1);
  layout.buffers.forEach((table, i) => w.offset(buffersVector + 4 + 4 * i, moved(table)));
  w.offset(buffersVector + 4 + 4 * layout.buffers.length, bufferTable);

  w.u32(metadataVector, oldMetadata.length + 1);
  oldMetadata.forEach((entry, i) => w.offset(metadataVector + 4 + 4 * i, moved(entry.table)));
  w.offset(metadataVector + 4 + 4 * oldMetadata.length, entryTable);

  // Metadata { name, buffer = index of the new Buffer }.
  w.u16(entryVtable, 8);
  w.u16(entryVtable + 2, 12);
  w.u16(entryVtable + 4, 4);
  w.u16(entryVtable + 6, 8);
  w.i32(entryTable, entryTable - entryVtable);
  w.offset(entryTable + 4, nameString);
  w.u32(entryTable + 8, layout.buffers.length);

  // Buffer { data }.
  w.u16(bufferVtable, 6);
  w.u16(bufferVtable + 2, 8);
  w.u16(bufferVtable + 4, 4);
  w.i32(bufferTable, bufferTable - bufferVtable);
  w.offset(bufferTable + 4, dataVector);

  w.u32(nameString, nameBytes.length);
  w.bytes.set(nameBytes, nameString + 4); // the terminating NUL is already 0
  w.u32(dataVector, metadata.length);
  w.bytes.set(metadata, dataVector + 4);
  return w.bytes;
}

/** The Model.metadata entries of a .tflite file, name to that buffer's bytes (for tests and checks). */
export function readModelMetadataEntries(model: Uint8Array): Map<string, Uint8Array> {
  const reader = new Reader(model);
  const layout = readModelLayout(reader);
  const entries = new Map<string, Uint8Array>();
  for (const entry of layout.metadata) {
    const bufferField = reader.fields(entry.table, 2)[1]!;
    const index = bufferField ? reader.u32(bufferField) : 0;
    const buffer = layout.buffers[index];
    if (buffer === undefined) throw new Error(`tflite: metadata '${entry.name}' refers to buffer ${index} of ${layout.buffers.length}`);
    const dataField = reader.fields(buffer, 3)[0]!;
    if (!dataField) {
      entries.set(entry.name, new Uint8Array(0));
      continue;
    }
    const data = reader.target(dataField);
    const length = reader.u32(data);
    if (data + 4 + length > model.length) throw new Error(`tflite: metadata '${entry.name}' runs past the end of the file`);
    entries.set(entry.name, model.subarray(data + 4, data + 4 + length));
  }
  return entries;
}

/** The model with MediaPipe's image-input metadata for a [-1, 1] RGB input, as BlazeFace expects. */
export function withBlazeFaceMetadata(model: Uint8Array, modelName: string): Uint8Array {
  return attachMetadata(model, buildImageInputMetadata({ mean: [127.5], std: [127.5], colorSpace: 'RGB', modelName }));
}
