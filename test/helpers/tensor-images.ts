// Images and values for the tests of image-to-tensor and its units: a pattern whose every pixel differs from
// its neighbours (so a sampling off by one pixel shows), and the tensor value of a byte.

/** A width×height opaque image whose channels step by 7, 13 and 29 from one pixel to the next. */
export function patternImage(width: number, height: number): ImageData {
  const image = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) image.data.set([(i * 7) % 256, (i * 13 + 5) % 256, (i * 29 + 11) % 256, 255], i * 4);
  return image;
}

/** The tensor value of byte `p`: p/127.5 - 1, as float32. */
export const unit = (p: number) => Math.fround(p / 127.5 - 1);
