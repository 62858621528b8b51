// The part of TensorFlow.js core that the polyfill calls, re-exported by name. Engines load this module with
// import() (see engines.ts), so pages that get a native WebNN context never download TensorFlow.js; and because
// kernels reach tfjs through this namespace rather than through all of tfjs-core's, a bundler keeps only these
// ops and leaves out the hundreds the polyfill never runs (training, io, the rest of the op library).
export {
  abs,
  add,
  avgPool,
  cast,
  clipByValue,
  clone,
  concat,
  conv2d,
  div,
  engine,
  env,
  fill,
  findBackend,
  floor,
  gather,
  getBackend,
  getKernel,
  maxPool,
  maximum,
  memory,
  minimum,
  mul,
  pad,
  pool,
  registerKernel,
  relu,
  reshape,
  setBackend,
  sigmoid,
  sign,
  slice,
  split,
  stridedSlice,
  sub,
  tensor,
  tidy,
  transpose,
  zeros,
  FusedConv2D,
  FusedDepthwiseConv2D,
  ResizeBilinear,
} from '@tensorflow/tfjs-core';
export type { Tensor } from '@tensorflow/tfjs-core';

import type { Tensor } from '@tensorflow/tfjs-core';

/** The ops above, as the namespace that engines.ts hands to every kernel. */
export type Tf = typeof import('./tf.ts');

/** One compiled graph step: pure function of its input tensors, run inside tf.tidy. */
export type Kernel = (tf: Tf, inputs: readonly Tensor[]) => Tensor;
