// <blaze-face redact="blur">'s captureStream() played in a <video>: the face is blurred there (its Laplacian variance
// at least 10× below the source's), from the first frame the stream shows, and the rest of the picture is the source's.
import { expect } from 'chai';
import type { BlazeFaceFacesDetail } from '../../components/events.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { faceSpot, laplacianVariance, STREAM_HEIGHT, STREAM_WIDTH, videoOf } from '../helpers/picture-measures.ts';
import { usePhotoReference, useElementSources } from '../helpers/element-harness.ts';
import { testBrowser } from '../helpers/test-browser.ts';
import { until } from '../helpers/waits.ts';

const [WIDTH, HEIGHT] = [STREAM_WIDTH, STREAM_HEIGHT];

describe('<blaze-face> captureStream()', function () {
  const sample = usePhotoReference();
  const { streamOf, elementOn, afterTest } = useElementSources();

  it('gives a stream whose faces are blurred', async () => {
    const source = streamOf(sample.image);
    const pixels = source.canvas.getContext('2d')!.getImageData(0, 0, WIDTH, HEIGHT);
    const faces = await sample.reference.detect(source.canvas);
    expect(faces.length, 'faces in the source').to.be.greaterThan(0);
    const element = elementOn(source, (element) => element.setAttribute('redact', 'blur'));
    await element.updateComplete;
    const captured = element.captureStream();
    afterTest(() => captured.getTracks().forEach((track) => track.stop()));

    const { video, playing } = videoOf(captured);
    afterTest(() => video.remove());
    void playing;
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    await until(() => video.readyState >= 2 && video.videoWidth > 0, 'the captured stream playing');
    // A frame painted after that result (the stream is hidden whole before the first): each result paints one.
    for (let i = 0; i < 2; i++) await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
    expect([video.videoWidth, video.videoHeight], 'the picture’s own size').to.deep.equal([WIDTH, HEIGHT]);

    const context = new OffscreenCanvas(WIDTH, HEIGHT).getContext('2d', { willReadFrequently: true })!;
    context.drawImage(video, 0, 0, WIDTH, HEIGHT);
    const frame = context.getImageData(0, 0, WIDTH, HEIGHT);
    for (const face of faces) {
      const { x, y, radius } = faceSpot(face);
      const [before, after] = [laplacianVariance(pixels, x, y, radius), laplacianVariance(frame, x, y, radius)];
      console.log(`${testBrowser.name}: captureStream, face at ${x},${y}: Laplacian variance ${before.toFixed(1)} in the source, ${after.toFixed(2)} out (${(before / after).toFixed(0)}×)`);
      expect(before, 'the photo is sharp there').to.be.greaterThan(50);
      expect(after, 'blurred to a tenth of its detail or less').to.be.below(before / 10);
    }
    // Far from the faces (over two face widths from each centre), the picture's detail is shown.
    let [sourceDetail, shownDetail] = [0, 0];
    for (let y = 24; y < HEIGHT - 24; y += 24) {
      for (let x = 24; x < WIDTH - 24; x += 24) {
        if (faces.some((face) => Math.hypot(x - faceSpot(face).x, y - faceSpot(face).y) < 2.2 * (face.box.xMax - face.box.xMin) * WIDTH)) continue;
        sourceDetail += laplacianVariance(pixels, x, y, 6);
        shownDetail += laplacianVariance(frame, x, y, 6);
      }
    }
    expect(shownDetail, 'detail far from the faces').to.be.above(sourceDetail / 2);
  });
});
