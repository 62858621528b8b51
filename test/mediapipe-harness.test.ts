// The MediaPipe Tasks reference harness: the model copy it feeds MediaPipe, MediaPipe's face counts on
// known photos (design notes section 10), and that nothing leaves the page's origin.

import { expect } from 'chai';
import { readTflite } from '../model/readers/tflite.ts';
import { fetchOk, loadImageData } from './helpers/fixtures.ts';
import {
  blockedRequests,
  createMediaPipeDetector,
  mediaPipeModelBytes,
  modelUrls,
  type MediaPipeDetector,
  type MediaPipeModel,
} from './helpers/mediapipe.ts';
import { readImageInputMetadata, readModelMetadataEntries, TFLITE_METADATA_NAME } from './helpers/tflite-metadata.ts';

const models: MediaPipeModel[] = ['short', 'full'];
const samples = [1, 2, 3, 4, 5, 6].map((i) => `/node_modules/@vladmandic/face-api/demo/sample${i}.jpg`);
/** Counts measured with MediaPipe's default thresholds (0.5 / 0.3), pipeline.md section 10. */
const expectedCounts: Record<MediaPipeModel, { samples: number[]; fourFaces: number }> = {
  short: { samples: [3, 1, 2, 2, 2, 4], fourFaces: 1 },
  full: { samples: [3, 3, 3, 4, 5, 4], fourFaces: 4 },
};

describe('MediaPipe harness: model metadata', () => {
  for (const model of models) {
    it(`${model} range: the patched model keeps every tensor and weight, and carries TFLITE_METADATA`, async () => {
      const original = new Uint8Array(await (await fetchOk(modelUrls[model])).arrayBuffer());
      const patched = await mediaPipeModelBytes(model);

      const before = readTflite(original, 'original');
      const after = readTflite(patched, 'patched');
      expect(after.inputs).to.deep.equal(before.inputs);
      expect(after.outputs).to.deep.equal(before.outputs);
      expect(after.operators).to.deep.equal(before.operators);
      expect([...after.tensors.keys()]).to.deep.equal([...before.tensors.keys()]);
      let weights = 0;
      for (const [name, tensor] of before.tensors) {
        const copy = after.tensors.get(name)!;
        expect(copy.shape, name).to.deep.equal(tensor.shape);
        expect(copy.dataType, name).to.equal(tensor.dataType);
        expect(copy.data === undefined, name).to.equal(tensor.data === undefined);
        if (tensor.data) {
          expect(copy.data!.length, name).to.equal(tensor.data.length);
          expect(copy.data!.every((byte, i) => byte === tensor.data![i]), name).to.equal(true);
          weights++;
        }
      }
      expect(weights).to.be.greaterThan(50);

      // The original file travels verbatim, 16-byte aligned, at the end of the copy.
      const offset = patched.length - original.length;
      expect(offset % 16).to.equal(0);
      expect(patched.subarray(offset).every((byte, i) => byte === original[i])).to.equal(true);

      expect(readModelMetadataEntries(original).has(TFLITE_METADATA_NAME)).to.equal(false);
      const metadata = readModelMetadataEntries(patched).get(TFLITE_METADATA_NAME);
      expect(metadata, 'TFLITE_METADATA entry').to.not.equal(undefined);
      expect(readImageInputMetadata(metadata!)).to.deep.equal({ identifier: 'M001', mean: [127.5], std: [127.5], colorSpace: 1 });
      // Buffer.data is force_align 16: check the metadata bytes honour it in the file.
      expect((metadata!.byteOffset - patched.byteOffset) % 16).to.equal(0);
    });
  }
});

describe('MediaPipe harness: detections', function () {
  let photos: ImageData[] = [];
  let fourFaces: ImageData;
  const detectors = new Map<MediaPipeModel, MediaPipeDetector>();

  before(async () => {
    photos = await Promise.all(samples.map((url) => loadImageData(url)));
    fourFaces = await loadImageData('/test/fixtures/seed/4faces.png');
  });

  after(() => {
    for (const detector of detectors.values()) detector.close();
    detectors.clear();
  });

  for (const model of models) {
    it(`${model} range: finds the face counts of the design notes on the sample photos and 4faces.png`, async () => {
      const detector = await createMediaPipeDetector(model);
      detectors.set(model, detector);
      const counts = photos.map((image) => detector.detect(image).length);
      expect(counts, 'sample1..6').to.deep.equal(expectedCounts[model].samples);
      expect(detector.detect(fourFaces).length, '4faces.png').to.equal(expectedCounts[model].fourFaces);

      const sample1 = detector.detect(photos[0]!);
      console.log(`MediaPipe ${model} range on sample1.jpg (${photos[0]!.width}x${photos[0]!.height}):\n${JSON.stringify(sample1, null, 1)}`);
      for (const face of sample1) {
        expect(face.score).to.be.within(0.5, 1);
        expect(face.keypoints).to.have.length(6);
        expect(Number.isInteger(face.box.originX) && Number.isInteger(face.box.width)).to.equal(true);
        // Keypoints are normalized; the nose tip lies inside the (pixel) box.
        const nose = face.keypoints[2]!;
        expect(nose.x * photos[0]!.width).to.be.within(face.box.originX, face.box.originX + face.box.width);
        expect(nose.y * photos[0]!.height).to.be.within(face.box.originY, face.box.originY + face.box.height);
      }

      // Informational timing: median of a few calls after a warm-up.
      const times: number[] = [];
      for (const [image, label] of [
        [fourFaces, '128x128'],
        [photos[0]!, `${photos[0]!.width}x${photos[0]!.height}`],
      ] as const) {
        times.length = 0;
        detector.detect(image);
        for (let i = 0; i < 9; i++) {
          const start = performance.now();
          detector.detect(image);
          times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        console.log(`MediaPipe ${model} range detect() on ${label}: median ${times[4]!.toFixed(1)} ms`);
      }
    });
  }

  it('accepts a canvas and an ImageBitmap like ImageData, and honours minDetectionConfidence', async () => {
    const detector = detectors.get('full') ?? (await createMediaPipeDetector('full'));
    detectors.set('full', detector);
    const fromData = detector.detect(photos[0]!);
    const canvas = document.createElement('canvas');
    canvas.width = photos[0]!.width;
    canvas.height = photos[0]!.height;
    canvas.getContext('2d')!.putImageData(photos[0]!, 0, 0);
    const bitmap = await createImageBitmap(photos[0]!);
    expect(detector.detect(canvas)).to.deep.equal(fromData);
    expect(detector.detect(bitmap)).to.deep.equal(fromData);
    bitmap.close();

    const strict = await createMediaPipeDetector('full', { minDetectionConfidence: 0.99 });
    try {
      const kept = strict.detect(photos[0]!);
      expect(kept.length).to.be.below(fromData.length + 1);
      expect(kept.every((face) => face.score >= 0.99)).to.equal(true);
    } finally {
      strict.close();
    }
  });

  it('runs in VIDEO mode with increasing timestamps', async () => {
    const video = await createMediaPipeDetector('short', { runningMode: 'VIDEO' });
    try {
      expect(video.detectForVideo(photos[0]!, 1).length).to.equal(expectedCounts.short.samples[0]);
      expect(video.detectForVideo(photos[1]!, 2).length).to.equal(expectedCounts.short.samples[1]);
    } finally {
      video.close();
    }
  });

  it('lets no request leave the page origin (MediaPipe logs on close are refused)', async () => {
    for (const detector of detectors.values()) detector.close();
    detectors.clear();
    // The logger flushes asynchronously after close.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const foreign = blockedRequests().filter((url) => new URL(url, location.href).origin !== location.origin);
    expect(foreign).to.deep.equal([...blockedRequests()]);
    console.log(`network guard refused ${blockedRequests().length} request(s): ${[...new Set(blockedRequests())].join(', ')}`);
    const entries = performance.getEntriesByType('resource').filter((entry) => new URL(entry.name).origin !== location.origin && !entry.name.startsWith('data:') && !entry.name.startsWith('blob:'));
    expect(entries.map((entry) => entry.name)).to.deep.equal([]);
  });
});
