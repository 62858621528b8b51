// relu(a + b) for the tfjs engines: the fused kernel that wasm-add-relu.ts registers on tfjs's wasm engine, or
// tfjs's own pad, add and relu anywhere else (and before it is registered).
import type { Tensor, Tf } from './tf.ts';

/** The fused kernel's name in tfjs's kernel registry. */
export const ADD_RELU = 'PolyfillAddRelu';

/**
 * relu(a + b) with b's last axis zero-padded at its end to a's: one kernel on the wasm engine, tfjs's pad, add
 * and relu elsewhere. a and b have the same shape but for b's last axis, which may be shorter.
 */
export function addRelu(tf: Tf, a: Tensor, b: Tensor): Tensor {
  if (tf.getBackend() === 'wasm' && tf.getKernel(ADD_RELU, 'wasm')) return tf.engine().runKernel(ADD_RELU, { a, b }) as Tensor;
  const missing = a.shape[a.shape.length - 1]! - b.shape[b.shape.length - 1]!;
  const padded = missing ? tf.pad(b, b.shape.map((_, i): [number, number] => [0, i === b.shape.length - 1 ? missing : 0])) : b;
  return tf.relu(tf.add(a, padded));
}
