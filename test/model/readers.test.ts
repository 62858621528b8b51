import { expect } from 'chai';
import { Builder } from 'flatbuffers';
import { ModelFormatError, type ImportedModel, type ImportedTensor } from '../../model/readers/imported-model.ts';
import { readOnnx } from '../../model/readers/onnx.ts';
import { readTflite } from '../../model/readers/tflite.ts';

const SHORT = '/assets/models/face_detection_short_range.tflite';
const FULL = '/assets/models/face_detection_full_range.tflite';
const FRONT = '/assets/models/face_detection_front_128x128_barracuda.onnx';
const BACK = '/assets/models/face_detection_back_256x256_barracuda.onnx';

const fileCache = new Map<string, Promise<Uint8Array>>();
function load(path: string): Promise<Uint8Array> {
  let file = fileCache.get(path);
  if (!file) {
    file = fetch(path).then(async (response) => {
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    });
    fileCache.set(path, file);
  }
  return file;
}

function opCounts(model: ImportedModel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const op of model.operators) counts[op.type] = (counts[op.type] ?? 0) + 1;
  return counts;
}

function tensor(model: ImportedModel, name: string): ImportedTensor {
  const found = model.tensors.get(name);
  expect(found, `tensor ${name}`).to.not.equal(undefined);
  return found!;
}

const ELEMENT_SIZE = { float32: 4, float16: 2, int32: 4, int64: 8, uint8: 1, int8: 1 } as const;

function expectConsistentData(model: ImportedModel): number {
  let constants = 0;
  for (const t of model.tensors.values()) {
    if (!t.data) continue;
    constants++;
    const count = t.shape.reduce((a, b) => a * b, 1);
    expect(t.data.length, `bytes of ${t.name}`).to.equal(count * ELEMENT_SIZE[t.dataType]);
  }
  return constants;
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be replayed. */
function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

type Reader = (bytes: ArrayBuffer | Uint8Array, source: string) => ImportedModel;

function expectFormatError(read: Reader, bytes: Uint8Array, source: string): ModelFormatError {
  try {
    read(bytes, source);
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(ModelFormatError);
    expect((error as ModelFormatError).message).to.contain(source);
    expect((error as ModelFormatError).source).to.equal(source);
    return error as ModelFormatError;
  }
  expect.fail(`${source} was read without error`);
}

/** Reads a possibly corrupt file: success or ModelFormatError are fine, any other error is a reader bug. */
function readOrFormatError(read: Reader, bytes: Uint8Array, source: string): void {
  try {
    read(bytes, source);
  } catch (error) {
    expect(error, `${source}: ${String(error)}`).to.be.instanceOf(ModelFormatError);
  }
}

describe('readTflite', () => {
  it('reads the short-range model: ops, I/O and the float16 weights', async () => {
    const model = readTflite(await load(SHORT), SHORT);
    expect(model.format).to.equal('tflite');
    expect(model.source).to.equal(SHORT);
    expect(opCounts(model)).to.deep.equal({
      DEQUANTIZE: 74,
      CONV_2D: 21,
      DEPTHWISE_CONV_2D: 16,
      RELU: 17,
      ADD: 16,
      PAD: 11,
      MAX_POOL_2D: 3,
      RESHAPE: 4,
      CONCATENATION: 2,
    });
    expect(model.inputs).to.deep.equal(['input']);
    expect(tensor(model, 'input')).to.deep.include({ dataType: 'float32', shape: [1, 128, 128, 3] });
    expect(tensor(model, 'input').data).to.equal(undefined);
    expect(model.outputs).to.deep.equal(['regressors', 'classificators']);
    expect(tensor(model, 'regressors').shape).to.deep.equal([1, 896, 16]);
    expect(tensor(model, 'classificators').shape).to.deep.equal([1, 896, 1]);
    expect(expectConsistentData(model)).to.equal(85);

    const stem = model.operators.find((op) => op.type === 'CONV_2D')!;
    expect(stem.attributes).to.deep.equal({
      padding: 'SAME',
      strideW: 2,
      strideH: 2,
      dilationW: 1,
      dilationH: 1,
      fusedActivation: 'NONE',
    });
    const filter = tensor(model, stem.inputs[1]!);
    expect(filter.shape).to.deep.equal([24, 5, 5, 3]);
    // The filter is the float32 output of a DEQUANTIZE whose input holds the float16 bytes.
    const dequantize = model.operators.find((op) => op.type === 'DEQUANTIZE' && op.outputs[0] === filter.name)!;
    const weights = tensor(model, dequantize.inputs[0]!);
    expect(weights.dataType).to.equal('float16');
    expect(weights.shape).to.deep.equal([24, 5, 5, 3]);
    expect(weights.data!.length).to.equal(24 * 5 * 5 * 3 * 2);

    const depthwise = model.operators.filter((op) => op.type === 'DEPTHWISE_CONV_2D');
    expect(depthwise.every((op) => op.attributes.depthMultiplier === 1 && op.attributes.padding === 'SAME')).to.equal(true);
    expect(model.operators.every((op) => op.attributes.fusedActivation === undefined || op.attributes.fusedActivation === 'NONE')).to.equal(true);
    const pool = model.operators.find((op) => op.type === 'MAX_POOL_2D')!;
    expect(pool.attributes).to.deep.include({ padding: 'SAME', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 });
    expect(model.operators.filter((op) => op.type === 'CONCATENATION').map((op) => op.attributes.axis)).to.deep.equal([1, 1]);
    const pad = model.operators.find((op) => op.type === 'PAD')!;
    const paddings = tensor(model, pad.inputs[1]!);
    expect(paddings).to.deep.include({ dataType: 'int32', shape: [4, 2] });
    expect(Array.from(new Int32Array(paddings.data!.buffer))).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 4]);
  });

  it('reads the full-range model with half-pixel bilinear resizes', async () => {
    const model = readTflite(await load(FULL), FULL);
    expect(opCounts(model)).to.deep.equal({
      DEQUANTIZE: 178,
      CONV_2D: 49,
      DEPTHWISE_CONV_2D: 40,
      RELU: 47,
      ADD: 23,
      MAX_POOL_2D: 4,
      PAD: 8,
      RESIZE_BILINEAR: 3,
      RESHAPE: 2,
    });
    expect(tensor(model, model.inputs[0]!)).to.deep.include({ dataType: 'float32', shape: [1, 192, 192, 3] });
    expect(model.outputs.map((name) => tensor(model, name).shape)).to.deep.equal([
      [1, 2304, 16],
      [1, 2304, 1],
    ]);
    for (const op of model.operators.filter((o) => o.type === 'RESIZE_BILINEAR')) {
      expect(op.attributes).to.deep.equal({ alignCorners: false, halfPixelCenters: true });
    }
    expectConsistentData(model);
  });

  it('falls back to deprecated_builtin_code, names custom ops and suffixes repeated tensor names', () => {
    const model = readTflite(tinyTflite(), 'tiny.tflite');
    expect(model.operators.map((op) => op.type)).to.deep.equal(['LOGISTIC', 'CUSTOM:MyOp', 'BUILTIN_150']);
    expect([...model.tensors.keys()]).to.deep.equal(['x#0', 'x#1', 'tensor_2']);
    expect(model.inputs).to.deep.equal(['x#0']);
    expect(model.outputs).to.deep.equal(['tensor_2']);
    expect(model.operators[0]!.inputs).to.deep.equal(['x#0', '']);
  });
});

/**
 * A hand-built TFLite file: 3 tensors (two named 'x', one unnamed), 3 opcodes (LOGISTIC only in the deprecated
 * byte field as old writers leave it, a custom op, and GELU = 150 only in the 32-bit field).
 */
function tinyTflite(): Uint8Array {
  const b = new Builder(256);
  const int32Vector = (values: number[]): number => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
    return b.endVector();
  };
  const offsetVector = (offsets: number[]): number => {
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
    return b.endVector();
  };
  const tensors = [0, 1, 2].map((index) => {
    const name = index < 2 ? b.createString('x') : 0;
    const shape = int32Vector([1, 4]);
    b.startObject(4);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, 0, -1); // FLOAT32, written explicitly
    if (name) b.addFieldOffset(3, name, 0);
    return b.endObject();
  });
  const operator = (opcode: number, inputs: number[], outputs: number[]): number => {
    const ins = int32Vector(inputs);
    const outs = int32Vector(outputs);
    b.startObject(3);
    b.addFieldInt32(0, opcode, -1);
    b.addFieldOffset(1, ins, 0);
    b.addFieldOffset(2, outs, 0);
    return b.endObject();
  };
  const operators = [operator(0, [0, -1], [1]), operator(1, [1], [2]), operator(2, [2], [2])];
  const customName = b.createString('MyOp');
  const opcode = (deprecated: number, builtin: number, custom = 0): number => {
    b.startObject(4);
    b.addFieldInt8(0, deprecated, -1);
    if (custom) b.addFieldOffset(1, custom, 0);
    b.addFieldInt32(3, builtin, -1);
    return b.endObject();
  };
  const opcodes = [opcode(14, 0), opcode(32, 32, customName), opcode(127, 150)];
  const subgraphTensors = offsetVector(tensors);
  const subgraphInputs = int32Vector([0]);
  const subgraphOutputs = int32Vector([2]);
  const subgraphOperators = offsetVector(operators);
  b.startObject(5);
  b.addFieldOffset(0, subgraphTensors, 0);
  b.addFieldOffset(1, subgraphInputs, 0);
  b.addFieldOffset(2, subgraphOutputs, 0);
  b.addFieldOffset(3, subgraphOperators, 0);
  const subgraph = b.endObject();
  b.startObject(0);
  const emptyBuffer = b.endObject();
  const opcodeVector = offsetVector(opcodes);
  const subgraphVector = offsetVector([subgraph]);
  const bufferVector = offsetVector([emptyBuffer]);
  b.startObject(5);
  b.addFieldInt32(0, 3, -1);
  b.addFieldOffset(1, opcodeVector, 0);
  b.addFieldOffset(2, subgraphVector, 0);
  b.addFieldOffset(4, bufferVector, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}

/** Minimal protobuf writer for hand-made ONNX files. */
class ProtoWriter {
  private readonly bytes: number[] = [];

  varint(value: bigint | number): this {
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      this.bytes.push(v ? low | 0x80 : low);
    } while (v);
    return this;
  }

  int(field: number, value: bigint | number): this {
    return this.varint(field * 8).varint(value);
  }

  float(field: number, value: number): this {
    this.varint(field * 8 + 5);
    const data = new Uint8Array(4);
    new DataView(data.buffer).setFloat32(0, value, true);
    this.bytes.push(...data);
    return this;
  }

  raw(field: number, data: Uint8Array | ProtoWriter | string): this {
    const content =
      typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof ProtoWriter ? data.finish() : data;
    this.varint(field * 8 + 2).varint(content.length);
    this.bytes.push(...content);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.raw(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().raw(2, d));
  return new ProtoWriter().raw(1, name).raw(2, new ProtoWriter().raw(1, new ProtoWriter().int(1, elemType).raw(2, shape)));
}

/** A small graph exercising the ONNX reader's conversions. */
function tinyOnnx(attribute: ProtoWriter = new ProtoWriter().raw(1, 'axis').int(20, 2).int(3, -1)): Uint8Array {
  const packedFloats = new Uint8Array(new Float32Array([1.5, -2]).buffer);
  const weights = new ProtoWriter().raw(8, 'w').int(1, 2).int(2, 1).raw(4, packedFloats);
  const packedInts = new ProtoWriter().varint(-1).varint(7).finish();
  const shape = new ProtoWriter().raw(8, 'shape').int(1, 2).int(2, 7).raw(7, packedInts);
  const halves = new ProtoWriter().raw(8, 'h').int(1, 1).int(2, 10).int(5, 0x3c00);
  const node = new ProtoWriter()
    .raw(1, 'x')
    .raw(1, 'w')
    .raw(1, '')
    .raw(2, 'y')
    .raw(3, 'n0')
    .raw(4, 'Concat')
    .raw(5, attribute)
    .raw(5, new ProtoWriter().raw(1, 'alpha').int(20, 1).float(2, 0.25))
    .raw(5, new ProtoWriter().raw(1, 'pads').int(20, 7).raw(8, new ProtoWriter().varint(0).varint(1).varint(2).varint(3)))
    .raw(5, new ProtoWriter().raw(1, 'auto_pad').int(20, 3).raw(4, 'SAME_UPPER'));
  const graph = new ProtoWriter()
    .raw(1, node)
    .raw(2, 'g')
    .raw(5, weights)
    .raw(5, shape)
    .raw(5, halves)
    .raw(11, valueInfo('x', 1, ['batch', 2]))
    .raw(11, valueInfo('w', 1, [2]))
    .raw(12, valueInfo('y', 1, ['n', 4]));
  return new ProtoWriter().int(1, 7).raw(8, new ProtoWriter().raw(1, '').int(2, 12)).raw(7, graph).finish();
}

describe('readOnnx', () => {
  it('reads the front (128x128) model', async () => {
    const model = readOnnx(await load(FRONT), FRONT);
    expect(model.format).to.equal('onnx');
    expect(model.opsetVersion).to.equal(12);
    expect(opCounts(model)).to.deep.equal({
      Transpose: 5,
      Conv: 37,
      Relu: 17,
      Add: 16,
      ConstantOfShape: 11,
      Concat: 11,
      MaxPool: 3,
      Reshape: 4,
    });
    expect(model.inputs).to.deep.equal(['input:0']);
    expect(tensor(model, 'input:0')).to.deep.include({ dataType: 'float32', shape: [1, 128, 128, 3] });
    expect(model.outputs.map((name) => [name, tensor(model, name).shape])).to.deep.equal([
      ['Identity:0', [1, 512, 1]],
      ['Identity_1:0', [1, 384, 1]],
      ['Identity_2:0', [1, 512, 16]],
      ['Identity_3:0', [1, 384, 16]],
    ]);
    expect(expectConsistentData(model)).to.equal(71);
    // The NHWC input is transposed to NCHW first; the stem conv carries TFLite's asymmetric SAME padding.
    expect(model.operators[0]).to.deep.include({ type: 'Transpose', attributes: { perm: [0, 3, 1, 2] } });
    expect(model.operators[1]!.attributes).to.deep.equal({ dilations: [1, 1], strides: [2, 2], kernel_shape: [5, 5], pads: [1, 1, 2, 2] });
    expect(tensor(model, model.operators[1]!.inputs[1]!).shape).to.deep.equal([24, 3, 5, 5]);
    expect(model.operators.some((op) => 'auto_pad' in op.attributes)).to.equal(false);
    // Channel zero-padding is ConstantOfShape(int64 shape initializer) + Concat on axis 1.
    const fill = model.operators.find((op) => op.type === 'ConstantOfShape')!;
    const fillShape = tensor(model, fill.inputs[0]!);
    expect(fillShape.dataType).to.equal('int64');
    expect(Array.from(new BigInt64Array(fillShape.data!.buffer), Number)).to.deep.equal([1, 4, 64, 64]);
  });

  it('reads the back (256x256) model', async () => {
    const model = readOnnx(await load(BACK), BACK);
    expect(opCounts(model)).to.deep.equal({
      Transpose: 5,
      Conv: 69,
      Relu: 33,
      Add: 31,
      MaxPool: 3,
      ConstantOfShape: 2,
      Concat: 2,
      Reshape: 4,
    });
    expect(tensor(model, 'input:0')).to.deep.include({ dataType: 'float32', shape: [1, 256, 256, 3] });
    expect(model.outputs.map((name) => tensor(model, name).shape)).to.deep.equal([
      [1, 512, 1],
      [1, 384, 1],
      [1, 512, 16],
      [1, 384, 16],
    ]);
    expect(expectConsistentData(model)).to.equal(114);
  });

  it('converts typed data fields, symbolic dims, int64 attributes and initializer inputs', () => {
    const model = readOnnx(tinyOnnx(), 'tiny.onnx');
    expect(model.inputs).to.deep.equal(['x']); // 'w' is an initializer, so not a model input
    expect(tensor(model, 'x').shape).to.deep.equal([-1, 2]);
    expect(Array.from(new Float32Array(tensor(model, 'w').data!.buffer))).to.deep.equal([1.5, -2]);
    expect(Array.from(new BigInt64Array(tensor(model, 'shape').data!.buffer))).to.deep.equal([-1n, 7n]);
    expect(tensor(model, 'h')).to.deep.include({ dataType: 'float16', shape: [1] });
    expect(Array.from(tensor(model, 'h').data!)).to.deep.equal([0x00, 0x3c]);
    const [node] = model.operators;
    expect(node!.inputs).to.deep.equal(['x', 'w', '']);
    expect(node!.attributes).to.deep.equal({ axis: -1, alpha: 0.25, pads: [0, 1, 2, 3], auto_pad: 'SAME_UPPER' });
  });

  it('refuses an int64 attribute that a JavaScript number cannot hold exactly', () => {
    const huge = new ProtoWriter().raw(1, 'axis').int(20, 2).int(3, 2n ** 60n + 1n);
    const error = expectFormatError(readOnnx, tinyOnnx(huge), 'huge.onnx');
    expect(error.message).to.contain('axis');
  });
});

describe('corrupt model files', () => {
  const readers: [string, Reader, string][] = [
    ['readTflite', readTflite, SHORT],
    ['readOnnx', readOnnx, FRONT],
  ];

  for (const [name, read, path] of readers) {
    describe(name, () => {
      it('rejects an empty file', () => {
        expectFormatError(read, new Uint8Array(0), 'empty.bin');
      });

      it('rejects a truncated file (first 1000 bytes)', async () => {
        expectFormatError(read, (await load(path)).slice(0, 1000), 'truncated.bin');
      });

      it('rejects random bytes', () => {
        for (let seed = 1; seed <= 20; seed++) expectFormatError(read, randomBytes(4096, seed), `random-${seed}.bin`);
      });

      it('rejects the other format', async () => {
        const other = read === readTflite ? FRONT : SHORT;
        expectFormatError(read, await load(other), 'other-format.bin');
      });

      it('never fails with anything but ModelFormatError on truncations and bit flips', async () => {
        const good = await load(path);
        for (let cut = 0; cut < good.length; cut += 9973) readOrFormatError(read, good.slice(0, cut), `cut-${cut}`);
        // Flip bytes in the first 8 KB, where the structure (not weight data) lives in both files.
        const noise = randomBytes(400, 42);
        for (let i = 0; i < 200; i++) {
          const bad = good.slice();
          const at = ((noise[2 * i]! << 8) | noise[2 * i + 1]!) % Math.min(8192, bad.length);
          bad[at] ^= noise[i]! | 1;
          readOrFormatError(read, bad, `flip-${at}`);
        }
      });
    });
  }

  it('rejects a TFLite file with the wrong identifier', async () => {
    const bad = (await load(SHORT)).slice();
    bad.set(new TextEncoder().encode('TFL2'), 4);
    const error = expectFormatError(readTflite, bad, 'wrong-id.tflite');
    expect(error.message).to.contain('TFL3');
  });
});
