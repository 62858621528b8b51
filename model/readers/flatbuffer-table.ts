// Bounds-checked access to FlatBuffers tables. The `flatbuffers` runtime trusts its input: reading past the
// end yields undefined/NaN silently. Model files come from the network, so every offset is checked here
// before the runtime dereferences it, and a violation raises FlatBufferError.

import { ByteBuffer } from 'flatbuffers';

/** A FlatBuffer that is truncated or has offsets pointing outside the file. */
export class FlatBufferError extends Error {
  override readonly name = 'FlatBufferError';
}

/** Table vtable slot of field `id` (the schema's declaration order, counting a union as two fields). */
function slot(id: number): number {
  return 4 + 2 * id;
}

export class FlatBuffer {
  readonly bb: ByteBuffer;

  constructor(bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
  }

  get length(): number {
    return this.bb.capacity();
  }

  /** Throws unless [pos, pos + size) lies inside the buffer. */
  check(pos: number, size: number, what: string): void {
    if (!Number.isInteger(pos) || pos < 0 || size < 0 || pos + size > this.length) {
      throw new FlatBufferError(`${what} at byte ${pos} (+${size}) is outside the ${this.length}-byte file`);
    }
  }

  /** The 4-character file identifier stored after the root offset. */
  identifier(): string {
    this.check(0, 8, 'file header');
    return this.bb.getBufferIdentifier();
  }

  root(): FlatTable {
    this.check(0, 4, 'root offset');
    return this.tableAt(this.bb.readUint32(0), 'root table');
  }

  /** Validates the table and its vtable so that field lookups cannot leave the buffer. */
  tableAt(pos: number, what: string): FlatTable {
    this.check(pos, 4, what);
    const vtable = pos - this.bb.readInt32(pos);
    this.check(vtable, 4, `vtable of ${what}`);
    const vtableSize = this.bb.readUint16(vtable);
    const objectSize = this.bb.readUint16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw new FlatBufferError(`vtable of ${what} has invalid size ${vtableSize}`);
    this.check(vtable, vtableSize, `vtable of ${what}`);
    this.check(pos, objectSize, what);
    return new FlatTable(this, pos, objectSize, what);
  }

  /** Follows the uoffset stored at `pos` (to a string, vector or table) and checks the target's 4-byte header. */
  indirect(pos: number, what: string): number {
    this.check(pos, 4, what);
    const target = pos + this.bb.readUint32(pos);
    this.check(target, 4, what);
    return target;
  }

  /** Start and length of the vector whose header is at `start`, with its `elementSize`-byte elements checked. */
  vectorAt(start: number, elementSize: number, what: string): { data: number; length: number } {
    const length = this.bb.readUint32(start);
    this.check(start + 4, length * elementSize, what);
    return { data: start + 4, length };
  }
}

/** One table: scalar fields with schema defaults, strings, vectors and sub-tables by field id. */
export class FlatTable {
  constructor(
    private readonly buffer: FlatBuffer,
    readonly pos: number,
    private readonly objectSize: number,
    private readonly what: string,
  ) {}

  /** Absolute position of field `id`, or 0 when the field is absent (the writer left it at its default). */
  private field(id: number, size: number): number {
    const offset = this.buffer.bb.__offset(this.pos, slot(id));
    if (offset === 0) return 0;
    if (offset < 4 || offset + size > this.objectSize) throw new FlatBufferError(`field ${id} of ${this.what} lies outside the table`);
    return this.pos + offset;
  }

  has(id: number): boolean {
    return this.field(id, 0) !== 0;
  }

  int8(id: number, fallback: number): number {
    const at = this.field(id, 1);
    return at ? this.buffer.bb.readInt8(at) : fallback;
  }

  uint8(id: number, fallback: number): number {
    const at = this.field(id, 1);
    return at ? this.buffer.bb.readUint8(at) : fallback;
  }

  bool(id: number, fallback: boolean): boolean {
    const at = this.field(id, 1);
    return at ? this.buffer.bb.readUint8(at) !== 0 : fallback;
  }

  int32(id: number, fallback: number): number {
    const at = this.field(id, 4);
    return at ? this.buffer.bb.readInt32(at) : fallback;
  }

  uint32(id: number, fallback: number): number {
    const at = this.field(id, 4);
    return at ? this.buffer.bb.readUint32(at) : fallback;
  }

  uint64(id: number, fallback: bigint): bigint {
    const at = this.field(id, 8);
    return at ? this.buffer.bb.readUint64(at) : fallback;
  }

  string(id: number): string | undefined {
    const bytes = this.bytes(id, `string field ${id} of ${this.what}`);
    return bytes && new TextDecoder().decode(bytes);
  }

  table(id: number, what: string): FlatTable | undefined {
    const at = this.field(id, 4);
    return at ? this.buffer.tableAt(this.buffer.indirect(at, what), what) : undefined;
  }

  /** A [ubyte] vector (or a string's bytes) as a view into the file. */
  bytes(id: number, what: string): Uint8Array | undefined {
    const vector = this.vector(id, 1, what);
    return vector && this.buffer.bb.bytes().subarray(vector.data, vector.data + vector.length);
  }

  int32s(id: number, what: string): number[] | undefined {
    const vector = this.vector(id, 4, what);
    if (!vector) return undefined;
    return Array.from({ length: vector.length }, (_, i) => this.buffer.bb.readInt32(vector.data + 4 * i));
  }

  tables(id: number, what: string): FlatTable[] {
    const vector = this.vector(id, 4, what);
    if (!vector) return [];
    return Array.from({ length: vector.length }, (_, i) => {
      const element = vector.data + 4 * i;
      return this.buffer.tableAt(this.buffer.indirect(element, `${what}[${i}]`), `${what}[${i}]`);
    });
  }

  private vector(id: number, elementSize: number, what: string): { data: number; length: number } | undefined {
    const at = this.field(id, 4);
    return at ? this.buffer.vectorAt(this.buffer.indirect(at, what), elementSize, what) : undefined;
  }
}
