import { expect } from 'chai';
import { createGraphBuilder } from '../../webnn/index.ts';
import type { MLContext, MLGraphBuilder, MLOperand } from '../../webnn/index.ts';
import { contextFor, f32 } from './harness.ts';
import { rejection } from '../helpers/rejection.ts';

function throwsType(fn: () => unknown, message: RegExp): void {
  expect(fn).to.throw(TypeError, message);
}

describe('webnn polyfill builder validation (TypeError at the wrong call, naming op and problem)', () => {
  let context: MLContext;
  let b: MLGraphBuilder;
  let x: MLOperand; // NHWC [1,8,8,4]
  before(async () => {
    context = await contextFor('cpu');
  });
  beforeEach(() => {
    b = createGraphBuilder(context);
    x = b.input('x', { dataType: 'float32', shape: [1, 8, 8, 4] });
  });

  it('conv2d: wrong rank', () => {
    throwsType(() => b.conv2d(b.input('v', { dataType: 'float32', shape: [8, 8, 4] }), f32(b, [1, 1, 4, 2], new Float32Array(8))), /^conv2d: input must have rank 4, got rank 3/);
  });
  it('conv2d: channel mismatch (input channels vs filter * groups)', () => {
    throwsType(() => b.conv2d(x, f32(b, [2, 3, 3, 3], new Float32Array(54)), { inputLayout: 'nhwc', filterLayout: 'ohwi' }), /^conv2d: input channels \(4\) must equal filter input channels \(3\) \* groups \(1\)/);
    throwsType(() => b.conv2d(x, f32(b, [1, 3, 3, 4], new Float32Array(36)), { inputLayout: 'nhwc', filterLayout: 'ihwo', groups: 2 }), /^conv2d: input channels \(4\) must equal filter input channels \(1\) \* groups \(2\)/);
  });
  it('conv2d: bad padding / strides / dilations length', () => {
    const f = f32(b, [3, 3, 4, 2], new Float32Array(72));
    throwsType(() => b.conv2d(x, f, { inputLayout: 'nhwc', filterLayout: 'hwio', padding: [1, 1] }), /^conv2d: padding must have length 4, got 2/);
    throwsType(() => b.conv2d(x, f, { inputLayout: 'nhwc', filterLayout: 'hwio', strides: [2] }), /^conv2d: strides must have length 2, got 1/);
    throwsType(() => b.conv2d(x, f, { inputLayout: 'nhwc', filterLayout: 'hwio', dilations: [1, 1, 1] }), /^conv2d: dilations must have length 2, got 3/);
    throwsType(() => b.conv2d(x, f, { inputLayout: 'nhwc', filterLayout: 'hwio', strides: [0, 1] }), /^conv2d: strides values must be integers >= 1/);
  });
  it('conv2d: bias shape and dataType', () => {
    const f = f32(b, [3, 3, 4, 2], new Float32Array(72));
    throwsType(() => b.conv2d(x, f, { inputLayout: 'nhwc', filterLayout: 'hwio', bias: f32(b, [3], [1, 2, 3]) }), /^conv2d: bias shape \[3\] must be \[2\]/);
    const f16 = b.constant({ dataType: 'float16', shape: [3, 3, 4, 2] }, new Uint16Array(72));
    throwsType(() => b.conv2d(x, f16, { inputLayout: 'nhwc', filterLayout: 'hwio' }), /^conv2d: filter dataType float16 is not supported/);
  });
  it('reshape: element count mismatch', () => {
    throwsType(() => b.reshape(x, [1, 8, 8, 3]), /^reshape: newShape \[1,8,8,3\] has 192 elements but input \[1,8,8,4\] has 256/);
  });
  it('concat: shape mismatch outside the axis, and bad axis', () => {
    const y = b.input('y', { dataType: 'float32', shape: [1, 8, 7, 4] });
    throwsType(() => b.concat([x, y], 3), /^concat: inputs\[1\] shape \[1,8,7,4\] differs from \[1,8,8,4\] outside axis 3/);
    throwsType(() => b.concat([x], 4), /^concat: axis 4 is out of range for rank 4/);
  });
  it('binary ops: incompatible broadcast and dataType mismatch', () => {
    throwsType(() => b.add(x, f32(b, [3], [1, 2, 3])), /^add: shapes \[1,8,8,4\] and \[3\] are not broadcastable/);
    throwsType(() => b.mul(x, b.input('i', { dataType: 'int32', shape: [4] })), /^mul: a \(float32\) and b \(int32\) must have the same dataType/);
  });
  it('operands from another builder', () => {
    const other = createGraphBuilder(context);
    const foreign = other.input('x', { dataType: 'float32', shape: [1, 8, 8, 4] });
    throwsType(() => b.add(x, foreign), /^add: b was not created by this MLGraphBuilder/);
    throwsType(() => b.relu(foreign), /^relu: input was not created by this MLGraphBuilder/);
  });
  it('pool, pad, slice, transpose, resample2d, clamp, constant and input checks', () => {
    throwsType(() => b.maxPool2d(x, { layout: 'nhwc', windowDimensions: [3] }), /^maxPool2d: windowDimensions must have length 2/);
    throwsType(() => b.averagePool2d(x, { layout: 'nhwc', windowDimensions: [2, 2], strides: [2, 2], outputSizes: [5, 4] }), /^averagePool2d: outputSizes height 5 must be 4 \(floor\) or 4 \(ceil\)/);
    throwsType(() => b.pad(x, [0, 0], [0, 0]), /^pad: beginningPadding \(2\) and endingPadding \(2\) must both have length 4/);
    throwsType(() => b.pad(x, [0, 8, 0, 0], [0, 0, 0, 0], { mode: 'reflection' }), /^pad: reflection padding \(8, 0\) on axis 1 must be smaller than its dimension 8/);
    throwsType(() => b.slice(x, [0, 0, 6, 0], [1, 8, 3, 4]), /^slice: starts\[2\] \+ sizes\[2\] \(6 \+ 3\) exceeds the input dimension 8/);
    throwsType(() => b.transpose(x, { permutation: [0, 1, 1, 2] }), /^transpose: permutation \[0,1,1,2\] is not a permutation of 0..3/);
    throwsType(() => b.resample2d(x, { axes: [1, 1] }), /^resample2d: axes \[1,1\] must be two distinct values in 0..3/);
    throwsType(() => b.clamp(x, { minValue: 2, maxValue: 1 }), /^clamp: minValue \(2\) must not be greater than maxValue \(1\)/);
    throwsType(() => b.constant({ dataType: 'float32', shape: [2, 2] }, new Float32Array(3)), /^constant: data has 12 bytes but the descriptor needs 16/);
    throwsType(() => b.constant({ dataType: 'float32', shape: [2] }, new Int32Array(2)), /^constant: a Int32Array cannot hold float32 data/);
    throwsType(() => b.input('x', { dataType: 'float32', shape: [1] }), /^input: name "x" is already used by another input/);
    throwsType(() => b.input('u8', { dataType: 'uint8', shape: [1] }), /^input: dataType uint8 is not supported/);
    throwsType(() => b.input('z', { dataType: 'float32', shape: [0, 2] }), /^input: shape \[0,2\] must contain positive integers/);
  });
  it('tensors over maxTensorByteLength are a TypeError at build time, not an engine allocation error', async () => {
    const max = context.opSupportLimits().maxTensorByteLength;
    expect(max).to.equal(2 ** 31 - 1);
    // 2^29 float32 elements are 2^31 bytes, one more than the limit; one element fewer fits.
    throwsType(() => b.input('big', { dataType: 'float32', shape: [2 ** 29] }), /^input: descriptor \[536870912\] would hold 2147483648 bytes, more than maxTensorByteLength/);
    expect(() => b.input('fits', { dataType: 'float32', shape: [2 ** 29 - 1] })).not.to.throw();
    throwsType(() => b.pad(x, [0, 2 ** 20, 0, 0], [0, 0, 2 ** 20, 0]), /^pad: output \[1,1048584,1048584,4\] would hold 17592454480896 bytes, more than maxTensorByteLength \(2147483647\)$/);
    // A pool whose output is small but whose padded input would not be (found by `npm run fuzz`, full seed 6137).
    throwsType(
      () => b.maxPool2d(x, { layout: 'nhwc', windowDimensions: [1, 1], padding: [2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20], strides: [2 ** 20, 2 ** 20] }),
      /^maxPool2d: padded input \[1,2097153,2097153,4\] would hold 70368811286544 bytes, more than maxTensorByteLength \(2147483647\)$/,
    );
    const error = await rejection(context.createTensor({ dataType: 'int32', shape: [2 ** 15, 2 ** 14] }));
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.match(/^createTensor: descriptor \[32768,16384\] would hold 2147483648 bytes/);
  });
  it('build(): rejects a second call with InvalidStateError, and later ops too', async () => {
    const y = b.relu(x);
    await b.build({ y });
    let error: unknown;
    try {
      await b.build({ y });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DOMException);
    expect((error as DOMException).name).to.equal('InvalidStateError');
    expect(() => b.relu(x)).to.throw(DOMException, /already/);
  });
  it('build(): an input or constant as output is a TypeError', async () => {
    let error: unknown;
    try {
      await b.build({ x });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.match(/^build: output "x" is an input or constant operand/);
  });
});
