// Test fixtures: the seed's files in test/fixtures/seed/ (see the README there) and images
// decoded to exact RGBA pixels.

export const seedImages = ['1face.png', '3faces.png', '4faces.png'] as const;

/** The seed's reference: per image, per model, detections as the seed's 17 numbers. */
export interface SeedReference {
  detections: Record<string, Record<'front' | 'back', number[][]>>;
}

export async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

export async function seedReference(): Promise<SeedReference> {
  return (await fetchOk('/test/fixtures/seed/reference.json')).json() as Promise<SeedReference>;
}

/** Decodes an image file to its exact pixels (no colour conversion, no premultiplication). */
export async function loadImageData(url: string): Promise<ImageData> {
  const blob = await (await fetchOk(url)).blob();
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2d context');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/**
 * Bilinear resize with half-pixel centres and edge clamping, to 8 bits, reproducing what OpenCV 4.6's
 * resize(INTER_LINEAR) returns for 8-bit images (checked byte for byte with cv2 on the seed images):
 * 11-bit fixed-point weights, a horizontal pass kept in integers, then a vertical pass that drops 4 bits,
 * takes the high half of a 16-bit product and rounds the last 2 bits; rows whose lower weight is 0 (the
 * clamped border rows) come out rounded half down.
 */
export function resizeBilinear(image: ImageData, width: number, height: number): ImageData {
  const output = new ImageData(width, height);
  const one = 2048;
  const taps = (outSize: number, inSize: number, index: number) => {
    const position = (index + 0.5) * (inSize / outSize) - 0.5;
    let low = Math.floor(position);
    let weight = position - low;
    if (low < 0) [low, weight] = [0, 0];
    if (low >= inSize - 1) [low, weight] = [inSize - 1, 0];
    const upper = Math.round(weight * one);
    return { low, high: Math.min(low + 1, inSize - 1), lowWeight: one - upper, highWeight: upper };
  };
  for (let y = 0; y < height; y++) {
    const ty = taps(height, image.height, y);
    for (let x = 0; x < width; x++) {
      const tx = taps(width, image.width, x);
      for (let channel = 0; channel < 4; channel++) {
        const at = (row: number, column: number) => image.data[(row * image.width + column) * 4 + channel];
        const top = at(ty.low, tx.low) * tx.lowWeight + at(ty.low, tx.high) * tx.highWeight;
        const bottom = at(ty.high, tx.low) * tx.lowWeight + at(ty.high, tx.high) * tx.highWeight;
        output.data[(y * width + x) * 4 + channel] =
          ty.highWeight === 0
            ? (top + 1023) >> 11
            : (((ty.lowWeight * (top >> 4)) >> 16) + ((ty.highWeight * (bottom >> 4)) >> 16) + 2) >> 2;
      }
    }
  }
  return output;
}

/** Where the test server serves the seed's fixture files. */
export const seedFixtures = '/test/fixtures/seed/';

/** A seed fixture file, or an error saying it is not served (the fixtures are missing). */
export async function fetchFixture(name: string): Promise<Response> {
  const response = await fetch(seedFixtures + name).catch(() => undefined);
  if (!response?.ok) {
    throw new Error(`Fixture ${name} not served (status ${response?.status}).`);
  }
  return response;
}

/** A seed fixture image, as a decoded <img> (loadImageData gives its exact pixels instead). */
export async function loadImage(name: string): Promise<HTMLImageElement> {
  await fetchFixture(name); // fails with the explanatory message if the fixtures are missing
  const image = new Image();
  image.src = seedFixtures + name;
  await image.decode();
  return image;
}
