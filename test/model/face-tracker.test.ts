// FaceTracker on synthetic video (test/helpers/synthetic-video.ts): ids that follow faces, and One Euro
// smoothing that removes jitter from a still face without making a moving one lag.
import { expect } from 'chai';
import { FaceDetector } from '../../model/face-detector.ts';
import type { Face } from '../../model/face.ts';
import { FaceTracker } from '../../model/face-tracker.ts';
import { defaultOneEuroOptions } from '../../model/one-euro-filter.ts';
import { drawFrame, faceCloseUp, frameHeight, frameMs, frameWidth, seededShakes, tileSide } from '../helpers/synthetic-video.ts';
import { networkEngine } from '../helpers/test-browser.ts';

const aspect = frameWidth / frameHeight;
const centreX = (face: Face) => ((face.box.xMin + face.box.xMax) / 2) * frameWidth;

/** Standard deviation of the frame-to-frame change of every keypoint coordinate, in pixels. */
function jitter(frames: readonly Face[]): number {
  const changes: number[] = [];
  for (let i = 1; i < frames.length; i++) {
    frames[i]!.keypoints.forEach((point, k) => {
      const before = frames[i - 1]!.keypoints[k]!;
      changes.push((point.x - before.x) * frameWidth, (point.y - before.y) * frameHeight);
    });
  }
  const mean = changes.reduce((sum, value) => sum + value, 0) / changes.length;
  return Math.sqrt(changes.reduce((sum, value) => sum + (value - mean) ** 2, 0) / changes.length);
}

const meanKeypointX = (face: Face) => (face.keypoints.reduce((sum, point) => sum + point.x, 0) / face.keypoints.length) * frameWidth;

describe('FaceTracker on synthetic video', () => {
  let detector: FaceDetector;
  let tile: OffscreenCanvas;
  const canvas = new OffscreenCanvas(frameWidth, frameHeight);
  before(async () => {
    // Full range: two close-ups side by side are faces a few metres away for a 640×480 frame.
    detector = await FaceDetector.create({ model: 'full', context: { engine: networkEngine } });
    tile = await faceCloseUp(detector);
  });
  after(() => detector.dispose());

  const detectAt = (places: readonly (readonly [number, number])[]) => detector.detect(drawFrame(canvas, tile, places));

  it('keeps the ids of two faces that move apart over 100 frames, and gives a face that comes back a new id', async () => {
    const tracker = new FaceTracker();
    const y = (frameHeight - tileSide) / 2;
    const idsByFrame: [number, number][] = [];
    for (let frame = 0; frame < 100; frame++) {
      // From side by side in the middle to the edges.
      const shift = frame * 1.4;
      const faces = tracker.update(await detectAt([[140 - shift, y], [320 + shift, y]]), frame * frameMs, aspect);
      expect(faces.length, `faces in frame ${frame}`).to.equal(2);
      const [left, right] = [...faces].sort((a, b) => centreX(a) - centreX(b));
      idsByFrame.push([left!.id!, right!.id!]);
    }
    const [leftId, rightId] = idsByFrame[0]!;
    expect(leftId).to.not.equal(rightId);
    expect(idsByFrame.filter(([l, r]) => l === leftId && r === rightId).length, 'frames with the first ids').to.equal(100);

    // The right face leaves for 5 frames (more than the 2 a track outlives), then comes back.
    let frame = 100;
    for (; frame < 105; frame++) {
      const faces = tracker.update(await detectAt([[0, y]]), frame * frameMs, aspect);
      expect(faces.map((face) => face.id)).to.deep.equal([leftId]);
    }
    const back = tracker.update(await detectAt([[0, y], [460, y]]), frame * frameMs, aspect);
    const returned = back.find((face) => face.id !== leftId);
    expect(back.map((face) => face.id)).to.include(leftId);
    expect(returned?.id, 'the returning face').to.be.a('number').and.not.equal(rightId);
  });

  it('keeps the id of a face missed for two frames', async () => {
    const tracker = new FaceTracker();
    const place = [[230, 150]] as const;
    const [first] = tracker.update(await detectAt(place), 0, aspect);
    tracker.update([], frameMs, aspect);
    tracker.update([], 2 * frameMs, aspect);
    const [again] = tracker.update(await detectAt(place), 3 * frameMs, aspect);
    expect(again!.id).to.equal(first!.id);
  });

  it('smoothing cuts the jitter of a still face with 1 px random shifts at least 3×', async () => {
    const raw: Face[] = [];
    const smoothed: Face[] = [];
    const tracker = new FaceTracker({ smoothing: defaultOneEuroOptions });
    const shake = seededShakes(7);
    for (let frame = 0; frame < 90; frame++) {
      const faces = await detectAt([[230 + shake(), 150 + shake()]]);
      expect(faces.length).to.equal(1);
      raw.push(faces[0]!);
      smoothed.push(tracker.update(faces, frame * frameMs, aspect)[0]!);
    }
    // After the filter has settled (its first sample is the raw one).
    const ratio = jitter(raw.slice(10)) / jitter(smoothed.slice(10));
    console.log(`jitter: raw ${jitter(raw.slice(10)).toFixed(3)} px, smoothed ${jitter(smoothed.slice(10)).toFixed(3)} px, ${ratio.toFixed(2)}×`);
    expect(ratio).to.be.at.least(3);
  });

  for (const speed of [1, 4]) {
    it(`smoothing lags at most 2 frames behind a face sliding ${speed} px a frame`, async () => {
      const tracker = new FaceTracker({ smoothing: defaultOneEuroOptions });
      const lags: number[] = [];
      for (let frame = 0; frame < 80; frame++) {
        const faces = await detectAt([[40 + frame * speed, 150]]);
        expect(faces.length).to.equal(1);
        const [smoothed] = tracker.update(faces, frame * frameMs, aspect);
        // How many frames of travel the smoothed face is behind the detected one, once the filter has settled.
        if (frame >= 20) lags.push((meanKeypointX(faces[0]!) - meanKeypointX(smoothed!)) / speed);
      }
      const lag = lags.reduce((sum, value) => sum + value, 0) / lags.length;
      console.log(`lag at ${speed} px/frame: ${lag.toFixed(2)} frames`);
      expect(lag).to.be.at.most(2);
      // A lag near 0 or below would mean no smoothing (or a filter ahead of the face).
      expect(lag).to.be.above(0.2);
    });
  }
});
