// One picture as each kind of source that is drawn to be read, for the tests that must find the same result
// whatever kind of source a picture comes as.

/** The same picture as each drawn kind of source: a canvas, an OffscreenCanvas and an ImageBitmap (to close). */
export async function drawnCopies(
  picture: HTMLImageElement | ImageData,
): Promise<{ canvas: HTMLCanvasElement; offscreen: OffscreenCanvas; bitmap: ImageBitmap }> {
  const [width, height] = picture instanceof ImageData ? [picture.width, picture.height] : [picture.naturalWidth, picture.naturalHeight];
  const paint = (context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D) =>
    picture instanceof ImageData ? context.putImageData(picture, 0, 0) : context.drawImage(picture, 0, 0);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  paint(canvas.getContext('2d')!);
  const offscreen = new OffscreenCanvas(width, height);
  paint(offscreen.getContext('2d')!);
  return { canvas, offscreen, bitmap: await createImageBitmap(picture) };
}
