// MediaPipe parity: our short and full pipelines against Google's own @mediapipe/tasks-vision FaceDetector
// (CPU delegate, same model files) on the six face-api demo photos and on crops of them.

import { expect } from 'chai';
import { FaceDetector } from '../../model/face-detector.ts';
import type { Face } from '../../model/face.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { createMediaPipeDetector, type MediaPipeDetector, type MediaPipeFace } from '../helpers/mediapipe.ts';
import { expectNetworkBackend, networkEngine } from '../helpers/test-browser.ts';

const photos = [1, 2, 3, 4, 5, 6].map((n) => `/node_modules/@vladmandic/face-api/demo/sample${n}.jpg`);
const sizes = { short: 128, full: 192 } as const;
const minScore = 0.5;

interface Match {
  ours: Face;
  theirs: MediaPipeFace;
}

/** Pairs faces by nearest box centre (both lists are small). */
function matchFaces(ours: readonly Face[], theirs: readonly MediaPipeFace[], width: number, height: number): Match[] {
  const left = [...theirs];
  return ours.flatMap((face) => {
    const cx = ((face.box.xMin + face.box.xMax) / 2) * width;
    const cy = ((face.box.yMin + face.box.yMax) / 2) * height;
    let best = -1;
    let bestDistance = Infinity;
    left.forEach((candidate, index) => {
      const distance = Math.hypot(candidate.box.originX + candidate.box.width / 2 - cx, candidate.box.originY + candidate.box.height / 2 - cy);
      if (distance < bestDistance) [best, bestDistance] = [index, distance];
    });
    if (best < 0) return [];
    const [theirsFace] = left.splice(best, 1);
    return [{ ours: face, theirs: theirsFace }];
  });
}

function iou(face: Face, theirs: MediaPipeFace, width: number, height: number): number {
  const a = { x0: face.box.xMin * width, y0: face.box.yMin * height, x1: face.box.xMax * width, y1: face.box.yMax * height };
  const b = { x0: theirs.box.originX, y0: theirs.box.originY, x1: theirs.box.originX + theirs.box.width, y1: theirs.box.originY + theirs.box.height };
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = w * h;
  return inter / ((a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter);
}

/** Largest difference of box origin and size, in pixels (MediaPipe truncates its box to integer pixels). */
function boxPixelDifference({ ours, theirs }: Match, width: number, height: number): number {
  const box = ours.box;
  return Math.max(
    Math.abs(box.xMin * width - theirs.box.originX),
    Math.abs(box.yMin * height - theirs.box.originY),
    Math.abs(box.width * width - theirs.box.width),
    Math.abs(box.height * height - theirs.box.height),
  );
}

function maxKeypointDifference({ ours, theirs }: Match): number {
  return Math.max(...ours.keypoints.map((point, k) => Math.max(Math.abs(point.x - theirs.keypoints[k].x), Math.abs(point.y - theirs.keypoints[k].y))));
}

/** Square crops around each face MediaPipe finds in the photo (twice the box), plus the centre square. */
function cropsOf(photo: ImageData, faces: readonly MediaPipeFace[], size: number): ImageData[] {
  const source = new OffscreenCanvas(photo.width, photo.height);
  source.getContext('2d')!.putImageData(photo, 0, 0);
  const squares = faces.map((face) => {
    const side = Math.max(face.box.width, face.box.height) * 2;
    return { x: face.box.originX + face.box.width / 2 - side / 2, y: face.box.originY + face.box.height / 2 - side / 2, side };
  });
  const centre = Math.min(photo.width, photo.height);
  squares.push({ x: (photo.width - centre) / 2, y: (photo.height - centre) / 2, side: centre });
  return squares.map(({ x, y, side }) => {
    const canvas = new OffscreenCanvas(size, size);
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(source, x, y, side, side, 0, 0, size, size);
    return context.getImageData(0, 0, size, size);
  });
}

for (const model of ['short', 'full'] as const) {
  describe(`MediaPipe parity: ${model}`, function () {
    let ours: FaceDetector;
    let theirs: MediaPipeDetector;
    const images: ImageData[] = [];

    before(async () => {
      ours = await FaceDetector.create({ model, minScore, context: { engine: networkEngine } });
      expectNetworkBackend(ours.backend, { precision: 'float32' });
      theirs = await createMediaPipeDetector(model, { minDetectionConfidence: minScore, minSuppressionThreshold: 0.3 });
      for (const url of photos) images.push(await loadImageData(url));
    });
    after(() => {
      ours?.dispose();
      theirs?.close();
    });

    it(`same input tensor (${sizes[model]}x${sizes[model]} crops): counts, keypoints within 1e-3, boxes within 1.5 px, scores within 1e-3`, async () => {
      const size = sizes[model];
      const worst = { keypoint: 0, box: 0, score: 0, crops: 0, faces: 0 };
      for (const photo of images) {
        for (const crop of cropsOf(photo, theirs.detect(photo), size)) {
          const mine = await ours.detect(crop);
          const reference = theirs.detect(crop);
          worst.crops++;
          expect(mine.length, `crop ${worst.crops}: face count`).to.equal(reference.length);
          for (const match of matchFaces(mine, reference, size, size)) {
            worst.faces++;
            worst.box = Math.max(worst.box, boxPixelDifference(match, size, size));
            worst.keypoint = Math.max(worst.keypoint, maxKeypointDifference(match));
            worst.score = Math.max(worst.score, Math.abs(match.ours.score - match.theirs.score));
          }
        }
      }
      console.log(`[${model}] same-tensor crops: ${JSON.stringify(worst)}`);
      expect(worst.faces, 'faces compared').to.be.greaterThan(5);
      expect(worst.keypoint).to.be.at.most(1e-3);
      expect(worst.box).to.be.at.most(1.5);
      expect(worst.score).to.be.at.most(1e-3);
    });

    it('whole photos: same face count (faces near the threshold listed), box IoU >= 0.9, keypoints within 1e-2', async () => {
      const worst = { iou: 1, keypoint: 0, box: 0, score: 0, faces: 0 };
      const borderline: string[] = [];
      for (const [index, photo] of images.entries()) {
        const all = await ours.detect(photo);
        const reference = theirs.detect(photo);
        const nearThreshold = (score: number) => Math.abs(score - minScore) < 0.05;
        const firm = all.filter((face) => !nearThreshold(face.score));
        const firmReference = reference.filter((face) => !nearThreshold(face.score));
        for (const face of [...all, ...reference]) {
          if (nearThreshold(face.score)) borderline.push(`sample${index + 1}: score ${face.score.toFixed(3)}`);
        }
        expect(firm.length, `sample${index + 1}: faces away from the threshold`).to.equal(firmReference.length);
        expect(Math.abs(all.length - reference.length), `sample${index + 1}: total count`).to.be.at.most(
          borderline.filter((line) => line.startsWith(`sample${index + 1}:`)).length,
        );
        for (const match of matchFaces(firm, firmReference, photo.width, photo.height)) {
          worst.faces++;
          worst.iou = Math.min(worst.iou, iou(match.ours, match.theirs, photo.width, photo.height));
          worst.box = Math.max(worst.box, boxPixelDifference(match, photo.width, photo.height));
          worst.keypoint = Math.max(worst.keypoint, maxKeypointDifference(match));
          worst.score = Math.max(worst.score, Math.abs(match.ours.score - match.theirs.score));
        }
      }
      console.log(`[${model}] whole photos: ${JSON.stringify(worst)}; near the threshold: ${borderline.join(', ') || 'none'}`);
      expect(worst.faces, 'faces compared').to.be.greaterThan(5);
      expect(worst.iou).to.be.at.least(0.9);
      expect(worst.keypoint).to.be.at.most(1e-2);
    });
  });
}
