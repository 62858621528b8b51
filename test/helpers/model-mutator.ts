// A seeded, format-aware mutator for model files, shared by the fuzz tests and `npm run fuzz`.
// It first maps where a pristine file keeps its structure (FlatBuffers tables, vtables, offsets and vector
// lengths for TFLite; protobuf length prefixes and nested messages for ONNX), so that mutations hit the
// bytes a reader interprets instead of landing, nearly always, in the weights that make up most of a file.

export type FuzzFormat = 'tflite' | 'onnx';

export type MutationKind = 'truncate' | 'bit-flip' | 'structure-bit-flip' | 'length-or-offset' | 'zeroed-table';

export const MUTATION_KINDS: readonly MutationKind[] = ['truncate', 'bit-flip', 'structure-bit-flip', 'length-or-offset', 'zeroed-table'];

export interface Mutation {
  kind: MutationKind;
  /** What was changed, e.g. "cut at 1234" or "uoffset at 88: 40 -> 4294967295", to replay a failure by hand. */
  detail: string;
  bytes: Uint8Array;
}

/** A field a reader follows: a FlatBuffers uoffset/soffset/vector length (4 bytes) or a protobuf length varint. */
interface PointerField {
  pos: number;
  /** Bytes the field occupies; mutations keep its width so the rest of the file stays where it was. */
  width: number;
  label: string;
}

/** A byte range holding one table (or vtable) or one nested message. */
interface Region {
  start: number;
  end: number;
  label: string;
}

export interface FileStructure {
  pointers: PointerField[];
  tables: Region[];
  /** Every byte position that belongs to structure rather than to weight data. */
  structureBytes: number[];
}

/** mulberry32: a small seeded generator, so a case is replayed from its seed alone. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

// ---------------------------------------------------------------------------------------------- TFLite

type FlatField = { kind: 'table'; type: string } | { kind: 'tables'; type: string } | { kind: 'vector' | 'string' | 'data' };

/** The offset-valued fields of the TFLite tables BlazeFace files use, by field id (schema.fbs order). */
const TFLITE_SCHEMA: Record<string, Record<number, FlatField>> = {
  Model: {
    1: { kind: 'tables', type: 'OperatorCode' },
    2: { kind: 'tables', type: 'SubGraph' },
    3: { kind: 'string' },
    4: { kind: 'tables', type: 'Buffer' },
    5: { kind: 'vector' },
    6: { kind: 'tables', type: 'Metadata' },
  },
  OperatorCode: { 1: { kind: 'string' } },
  SubGraph: {
    0: { kind: 'tables', type: 'Tensor' },
    1: { kind: 'vector' },
    2: { kind: 'vector' },
    3: { kind: 'tables', type: 'Operator' },
    4: { kind: 'string' },
  },
  Tensor: { 0: { kind: 'vector' }, 3: { kind: 'string' }, 4: { kind: 'table', type: 'Quantization' } },
  Quantization: { 0: { kind: 'vector' }, 1: { kind: 'vector' }, 2: { kind: 'vector' }, 3: { kind: 'vector' } },
  Operator: { 1: { kind: 'vector' }, 2: { kind: 'vector' }, 4: { kind: 'table', type: 'Options' }, 5: { kind: 'vector' } },
  Options: {},
  Buffer: { 0: { kind: 'data' } },
  Metadata: { 0: { kind: 'string' } },
};

function mapTflite(bytes: Uint8Array): FileStructure {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pointers: PointerField[] = [{ pos: 0, width: 4, label: 'root offset' }];
  const tables: Region[] = [];
  const structure = new Set<number>();
  const mark = (start: number, end: number) => {
    for (let i = start; i < end; i++) structure.add(i);
  };
  mark(0, 8);
  const seen = new Set<number>();

  const vector = (at: number, elementSize: number, label: string, isStructure: boolean): { data: number; length: number } => {
    pointers.push({ pos: at, width: 4, label: `uoffset of ${label}` });
    const start = at + view.getUint32(at, true);
    const length = view.getUint32(start, true);
    pointers.push({ pos: start, width: 4, label: `length of ${label}` });
    mark(start, start + 4 + (isStructure ? length * elementSize : 0));
    return { data: start + 4, length };
  };

  const table = (pos: number, type: string, label: string) => {
    if (seen.has(pos)) return;
    seen.add(pos);
    const vtable = pos - view.getInt32(pos, true);
    const vtableSize = view.getUint16(vtable, true);
    const objectSize = view.getUint16(vtable + 2, true);
    pointers.push({ pos, width: 4, label: `vtable soffset of ${label}` });
    tables.push({ start: pos, end: pos + objectSize, label }, { start: vtable, end: vtable + vtableSize, label: `vtable of ${label}` });
    mark(pos, pos + objectSize);
    mark(vtable, vtable + vtableSize);
    for (const [id, field] of Object.entries(TFLITE_SCHEMA[type] ?? {})) {
      const slot = 4 + 2 * Number(id);
      if (slot >= vtableSize) continue;
      const offset = view.getUint16(vtable + slot, true);
      if (offset === 0) continue;
      const at = pos + offset;
      const fieldLabel = `${label}.${id}`;
      if (field.kind === 'table') {
        pointers.push({ pos: at, width: 4, label: `uoffset of ${fieldLabel}` });
        table(at + view.getUint32(at, true), field.type, fieldLabel);
      } else if (field.kind === 'tables') {
        const { data, length } = vector(at, 4, fieldLabel, true);
        for (let i = 0; i < length; i++) {
          const element = data + 4 * i;
          pointers.push({ pos: element, width: 4, label: `uoffset of ${fieldLabel}[${i}]` });
          table(element + view.getUint32(element, true), field.type, `${fieldLabel}[${i}]`);
        }
      } else {
        vector(at, field.kind === 'vector' ? 4 : 1, fieldLabel, field.kind !== 'data');
      }
    }
  };

  table(view.getUint32(0, true), 'Model', 'Model');
  return { pointers, tables, structureBytes: [...structure].filter((i) => i < bytes.length).sort((a, b) => a - b) };
}

// ------------------------------------------------------------------------------------------------ ONNX

/** Nested-message fields of the ONNX messages BlazeFace files use (onnx.proto field numbers). */
const ONNX_SCHEMA: Record<string, Record<number, string>> = {
  Model: { 7: 'Graph', 8: 'OperatorSetId' },
  Graph: { 1: 'Node', 5: 'Tensor', 11: 'ValueInfo', 12: 'ValueInfo', 13: 'ValueInfo' },
  Node: { 5: 'Attribute' },
  Attribute: { 5: 'Tensor' },
  ValueInfo: { 2: 'Type' },
  Type: { 1: 'TensorType' },
  TensorType: { 2: 'Shape' },
  Shape: { 1: 'Dimension' },
};
/** Fields that hold weights rather than structure: TensorProto float_data and raw_data. */
const ONNX_DATA_FIELDS: Record<string, readonly number[]> = { Tensor: [4, 9] };

function varintEnd(bytes: Uint8Array, pos: number): number {
  while (bytes[pos]! & 0x80) pos++;
  return pos + 1;
}

function varintValue(bytes: Uint8Array, pos: number, end: number): number {
  let value = 0;
  for (let i = pos; i < end; i++) value += (bytes[i]! & 0x7f) * 2 ** (7 * (i - pos));
  return value;
}

function mapOnnx(bytes: Uint8Array): FileStructure {
  const pointers: PointerField[] = [];
  const tables: Region[] = [];
  const structure: number[] = [];
  const message = (start: number, end: number, type: string, label: string) => {
    let pos = start;
    while (pos < end) {
      const keyEnd = varintEnd(bytes, pos);
      const key = varintValue(bytes, pos, keyEnd);
      const field = Math.floor(key / 8);
      const wireType = key % 8;
      for (let i = pos; i < keyEnd; i++) structure.push(i);
      pos = keyEnd;
      if (wireType === 0) {
        const valueEnd = varintEnd(bytes, pos);
        for (let i = pos; i < valueEnd; i++) structure.push(i);
        pos = valueEnd;
      } else if (wireType === 1 || wireType === 5) {
        const size = wireType === 1 ? 8 : 4;
        for (let i = pos; i < pos + size; i++) structure.push(i);
        pos += size;
      } else if (wireType === 2) {
        const lengthEnd = varintEnd(bytes, pos);
        const length = varintValue(bytes, pos, lengthEnd);
        const fieldLabel = `${label}.${field}`;
        pointers.push({ pos, width: lengthEnd - pos, label: `length of ${fieldLabel}` });
        for (let i = pos; i < lengthEnd; i++) structure.push(i);
        const payloadEnd = lengthEnd + length;
        const child = ONNX_SCHEMA[type]?.[field];
        if (child) {
          tables.push({ start: lengthEnd, end: payloadEnd, label: fieldLabel });
          message(lengthEnd, payloadEnd, child, fieldLabel);
        } else if (!ONNX_DATA_FIELDS[type]?.includes(field)) {
          for (let i = lengthEnd; i < payloadEnd; i++) structure.push(i);
        }
        pos = payloadEnd;
      } else {
        throw new Error(`mapOnnx: wire type ${wireType} at ${pos}: the pristine file is not what the mutator expects`);
      }
    }
  };
  message(0, bytes.length, 'Model', 'Model');
  return { pointers, tables, structureBytes: structure };
}

export function mapStructure(bytes: Uint8Array, format: FuzzFormat): FileStructure {
  return format === 'tflite' ? mapTflite(bytes) : mapOnnx(bytes);
}

// ------------------------------------------------------------------------------------------- mutations

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Values that break readers in different ways: zero, one, all ones, sign bit, the file's size, near misses. */
function hostileValue(random: () => number, original: number, fileLength: number, maxValue: number): number {
  const candidates = [
    0,
    1,
    maxValue,
    Math.floor(maxValue / 2),
    Math.floor(maxValue / 2) + 1,
    fileLength,
    fileLength - 4,
    original + 1 + Math.floor(random() * 16),
    original - 1 - Math.floor(random() * 16),
    original * 2,
    original ^ (1 << Math.floor(random() * Math.min(31, Math.log2(maxValue + 1)))),
    Math.floor(random() * (maxValue + 1)),
  ];
  return Math.min(maxValue, Math.max(0, pick(random, candidates) >>> 0));
}

function writePointer(bytes: Uint8Array, field: PointerField, value: number, format: FuzzFormat): void {
  if (format === 'tflite') {
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(field.pos, value, true);
    return;
  }
  // A varint of the same width: 7 bits per byte, every byte but the last with its continuation bit.
  for (let i = 0; i < field.width; i++) {
    const group = Math.floor(value / 2 ** (7 * i)) & 0x7f;
    bytes[field.pos + i] = i < field.width - 1 ? group | 0x80 : group;
  }
}

function readPointer(bytes: Uint8Array, field: PointerField, format: FuzzFormat): number {
  if (format === 'tflite') return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(field.pos, true);
  return varintValue(bytes, field.pos, field.pos + field.width);
}

function flipBits(random: () => number, bytes: Uint8Array, positions: () => number): string {
  const flips = 1 + Math.floor(random() * 8);
  // Distinct bits, so that no flip undoes another and the file always changes.
  const bits = new Set<number>();
  while (bits.size < flips) bits.add(positions() * 8 + Math.floor(random() * 8));
  for (const bit of bits) bytes[bit >> 3]! ^= 1 << (bit & 7);
  return `bits flipped at ${[...bits].map((bit) => `${bit >> 3}.${bit & 7}`).join(', ')}`;
}

/** The mutation of `pristine` that `seed` selects; the same seed always gives the same bytes. */
export function mutate(pristine: Uint8Array, structure: FileStructure, format: FuzzFormat, seed: number): Mutation {
  const random = seededRandom(seed);
  const kind = MUTATION_KINDS[seed % MUTATION_KINDS.length]!;
  const bytes = pristine.slice();
  switch (kind) {
    case 'truncate': {
      const cut = Math.floor(random() * pristine.length);
      return { kind, detail: `cut at ${cut}`, bytes: bytes.subarray(0, cut) };
    }
    case 'bit-flip':
      return { kind, detail: flipBits(random, bytes, () => Math.floor(random() * bytes.length)), bytes };
    case 'structure-bit-flip':
      return { kind, detail: flipBits(random, bytes, () => pick(random, structure.structureBytes)), bytes };
    case 'length-or-offset': {
      const field = pick(random, structure.pointers);
      const original = readPointer(bytes, field, format);
      // A protobuf length this reader takes as a JS number; wider varints are capped at 31 bits.
      const maxValue = format === 'tflite' ? 0xffffffff : Math.min(2 ** (7 * field.width) - 1, 0x7fffffff);
      const hostile = hostileValue(random, original, pristine.length, maxValue);
      const value = hostile === original ? (original === 0 ? maxValue : 0) : hostile;
      writePointer(bytes, field, value, format);
      return { kind, detail: `${field.label} at ${field.pos}: ${original} -> ${value}`, bytes };
    }
    case 'zeroed-table': {
      const table = pick(random, structure.tables);
      bytes.fill(0, table.start, table.end);
      return { kind, detail: `${table.label} zeroed (${table.start}..${table.end})`, bytes };
    }
  }
}
