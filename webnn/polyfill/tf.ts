// Type-only view of TensorFlow.js core. The module itself is loaded with import() when a polyfill context
// is created, so pages that get a native WebNN context never download TensorFlow.js.
import type * as TfCore from '@tensorflow/tfjs-core';

export type Tf = typeof TfCore;
export type Tensor = TfCore.Tensor;

/** One compiled graph step: pure function of its input tensors, run inside tf.tidy. */
export type Kernel = (tf: Tf, inputs: readonly Tensor[]) => Tensor;
