// TensorFlow's SAME padding made explicit for WebNN: out = ceil(in / stride), and when the total padding
// is odd the extra row or column goes at the end (bottom/right), as TFLite's kernels/padding.h computes.

/** [begin, end] padding of one spatial axis under SAME. */
export function samePadding(inputSize: number, kernelSize: number, stride: number, dilation = 1): [number, number] {
  const outputSize = Math.ceil(inputSize / stride);
  const effectiveKernel = (kernelSize - 1) * dilation + 1;
  const total = Math.max(0, (outputSize - 1) * stride + effectiveKernel - inputSize);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** WebNN padding [top, bottom, left, right] for a 2-D window under SAME. */
export function samePadding2d(
  input: { height: number; width: number },
  kernel: { height: number; width: number },
  strides: [number, number],
  dilations: [number, number] = [1, 1],
): [number, number, number, number] {
  return [
    ...samePadding(input.height, kernel.height, strides[0], dilations[0]),
    ...samePadding(input.width, kernel.width, strides[1], dilations[1]),
  ];
}
