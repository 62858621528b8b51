// A minimal protobuf wire-format decoder: just enough to walk ONNX files without generated code.
// Messages are decoded one level at a time; nested messages stay as byte ranges until asked for,
// so the big weight blobs are never copied here. Every read is bounds-checked and reports a
// ProtobufError, which the format reader turns into a ModelFormatError naming the file.

/** A malformed protobuf encoding. */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

export type WireType = typeof WIRE_VARINT | typeof WIRE_FIXED64 | typeof WIRE_LENGTH_DELIMITED | typeof WIRE_FIXED32;

/** One field occurrence: varints keep their full 64 bits as a bigint; the other wire types keep their bytes. */
export type WireField =
  | { readonly wireType: typeof WIRE_VARINT; readonly varint: bigint }
  | { readonly wireType: typeof WIRE_FIXED64 | typeof WIRE_FIXED32 | typeof WIRE_LENGTH_DELIMITED; readonly bytes: Uint8Array };

const utf8 = new TextDecoder('utf-8');

/** Reads a varint at `pos`; returns the value (unsigned 64-bit) and the position after it. */
function readVarint(bytes: Uint8Array, pos: number): [bigint, number] {
  // Fast path: up to 4 bytes (28 bits) fit a small integer exactly; longer ones go through BigInt.
  let small = 0;
  for (let i = 0; i < 4; i++) {
    if (pos + i >= bytes.length) throw new ProtobufError(`varint runs past the end at byte ${pos}`);
    const b = bytes[pos + i]!;
    small |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return [BigInt(small >>> 0), pos + i + 1];
  }
  let value = BigInt(small >>> 0);
  for (let i = 4; i < 10; i++) {
    if (pos + i >= bytes.length) throw new ProtobufError(`varint runs past the end at byte ${pos}`);
    const b = bytes[pos + i]!;
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return [BigInt.asUintN(64, value), pos + i + 1];
  }
  throw new ProtobufError(`varint longer than 10 bytes at byte ${pos}`);
}

/** The fields of one message, grouped by field number, in file order. */
export class ProtoMessage {
  private readonly fields = new Map<number, WireField[]>();

  constructor(bytes: Uint8Array) {
    let pos = 0;
    while (pos < bytes.length) {
      const [key, afterKey] = readVarint(bytes, pos);
      const fieldNumber = Number(key >> 3n);
      const wireType = Number(key & 7n);
      if (fieldNumber === 0 || key >> 3n > 0x1fffffffn) throw new ProtobufError(`invalid field number at byte ${pos}`);
      pos = afterKey;
      let field: WireField;
      switch (wireType) {
        case WIRE_VARINT: {
          const [varint, next] = readVarint(bytes, pos);
          field = { wireType, varint };
          pos = next;
          break;
        }
        case WIRE_FIXED64:
        case WIRE_FIXED32: {
          const size = wireType === WIRE_FIXED64 ? 8 : 4;
          if (pos + size > bytes.length) throw new ProtobufError(`fixed-size field ${fieldNumber} runs past the end`);
          field = { wireType, bytes: bytes.subarray(pos, pos + size) };
          pos += size;
          break;
        }
        case WIRE_LENGTH_DELIMITED: {
          const [length, start] = readVarint(bytes, pos);
          if (length > BigInt(bytes.length - start)) {
            throw new ProtobufError(`field ${fieldNumber} claims ${length} bytes, only ${bytes.length - start} left`);
          }
          const end = start + Number(length);
          field = { wireType, bytes: bytes.subarray(start, end) };
          pos = end;
          break;
        }
        default:
          // Groups (3, 4) are deprecated and never used by ONNX; 6 and 7 are not wire types at all.
          throw new ProtobufError(`unsupported wire type ${wireType} for field ${fieldNumber} at byte ${pos}`);
      }
      const list = this.fields.get(fieldNumber);
      if (list) list.push(field);
      else this.fields.set(fieldNumber, [field]);
    }
  }

  has(fieldNumber: number): boolean {
    return this.fields.has(fieldNumber);
  }

  /** Protobuf semantics for a singular field: the last occurrence wins. */
  private last(fieldNumber: number): WireField | undefined {
    const list = this.fields.get(fieldNumber);
    return list?.[list.length - 1];
  }

  private all(fieldNumber: number): WireField[] {
    return this.fields.get(fieldNumber) ?? [];
  }

  private lengthDelimited(fieldNumber: number, field: WireField): Uint8Array {
    if (field.wireType !== WIRE_LENGTH_DELIMITED) {
      throw new ProtobufError(`field ${fieldNumber} has wire type ${field.wireType}, expected length-delimited`);
    }
    return field.bytes;
  }

  /** A varint field as the unsigned 64-bit value on the wire. */
  uint64(fieldNumber: number): bigint | undefined {
    const field = this.last(fieldNumber);
    if (!field) return undefined;
    if (field.wireType !== WIRE_VARINT) throw new ProtobufError(`field ${fieldNumber} has wire type ${field.wireType}, expected varint`);
    return field.varint;
  }

  /** An int64/int32 varint field, sign-restored (negative numbers are sent as 10-byte two's complement). */
  int64(fieldNumber: number): bigint | undefined {
    const value = this.uint64(fieldNumber);
    return value === undefined ? undefined : BigInt.asIntN(64, value);
  }

  /** A `float` (fixed32) field. */
  float32(fieldNumber: number): number | undefined {
    const field = this.last(fieldNumber);
    if (!field) return undefined;
    if (field.wireType !== WIRE_FIXED32) throw new ProtobufError(`field ${fieldNumber} has wire type ${field.wireType}, expected fixed32`);
    return new DataView(field.bytes.buffer, field.bytes.byteOffset, 4).getFloat32(0, true);
  }

  bytes(fieldNumber: number): Uint8Array | undefined {
    const field = this.last(fieldNumber);
    return field ? this.lengthDelimited(fieldNumber, field) : undefined;
  }

  string(fieldNumber: number): string | undefined {
    const raw = this.bytes(fieldNumber);
    return raw === undefined ? undefined : utf8.decode(raw);
  }

  strings(fieldNumber: number): string[] {
    return this.all(fieldNumber).map((field) => utf8.decode(this.lengthDelimited(fieldNumber, field)));
  }

  message(fieldNumber: number): ProtoMessage | undefined {
    const raw = this.bytes(fieldNumber);
    return raw === undefined ? undefined : new ProtoMessage(raw);
  }

  messages(fieldNumber: number): ProtoMessage[] {
    return this.all(fieldNumber).map((field) => new ProtoMessage(this.lengthDelimited(fieldNumber, field)));
  }

  /** A repeated varint field, accepting both packed and unpacked encodings (parsers must accept both). */
  repeatedInt64(fieldNumber: number): bigint[] {
    const values: bigint[] = [];
    for (const field of this.all(fieldNumber)) {
      if (field.wireType === WIRE_VARINT) {
        values.push(BigInt.asIntN(64, field.varint));
      } else if (field.wireType === WIRE_LENGTH_DELIMITED) {
        let pos = 0;
        while (pos < field.bytes.length) {
          const [value, next] = readVarint(field.bytes, pos);
          values.push(BigInt.asIntN(64, value));
          pos = next;
        }
      } else {
        throw new ProtobufError(`field ${fieldNumber} has wire type ${field.wireType}, expected varint or packed`);
      }
    }
    return values;
  }

  /**
   * A repeated fixed-size field (float = 4 bytes, double = 8) as its concatenated little-endian bytes,
   * packed or unpacked. The bytes are what a raw_data blob would hold, so callers need no conversion.
   */
  repeatedFixedBytes(fieldNumber: number, size: 4 | 8): Uint8Array {
    const expected = size === 4 ? WIRE_FIXED32 : WIRE_FIXED64;
    const parts: Uint8Array[] = [];
    for (const field of this.all(fieldNumber)) {
      if (field.wireType === expected) {
        parts.push(field.bytes);
      } else if (field.wireType === WIRE_LENGTH_DELIMITED) {
        if (field.bytes.length % size !== 0) throw new ProtobufError(`packed field ${fieldNumber} is not a multiple of ${size} bytes`);
        parts.push(field.bytes);
      } else {
        throw new ProtobufError(`field ${fieldNumber} has wire type ${field.wireType}, expected fixed${size * 8}`);
      }
    }
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

/** Converts an int64 to a JS number, or fails when it would lose precision. */
export function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtobufError(`${what} = ${value} does not fit a JavaScript number exactly`);
  }
  return Number(value);
}
