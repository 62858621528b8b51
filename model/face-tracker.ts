// Tracking faces across the frames of a video: each face gets an id that stays while the face stays in view,
// and, optionally, One Euro smoothing of its box and keypoints. MediaPipe's face detector has neither; this is
// the step that would follow its graph.
//
// Matching: the faces of a frame are paired with the tracked faces of the frames before by the overlap (IoU)
// of their boxes, the best-overlapping pair first, so each face takes the track it overlaps most. A tracked
// face that finds no partner is kept, with its last box, for `maxMissedFrames` frames (a detection missed for a
// frame or two keeps its id); a face that finds no track starts a new one with a new id. Limits: two faces
// that cross keep their ids only while each overlaps its own last box more than the other's; a face that
// moves more than about two thirds of its width between two frames looks like a new face.

import { trackedFace, faceGeometry, type Face } from './face.ts';
import { intersectionOverUnion } from './non-max-suppression.ts';
import { OneEuroFilter, type OneEuroOptions } from './one-euro-filter.ts';

export interface FaceTrackerOptions {
  /** The least box overlap (IoU, 0..1) at which a face is taken for a tracked face of an earlier frame. */
  minOverlap: number;
  /** Frames in a row a tracked face may go undetected and still keep its id. */
  maxMissedFrames: number;
  /** One Euro smoothing of each face's box and keypoints; null (the default) reports them as detected. */
  smoothing: Readonly<OneEuroOptions> | null;
}

export const defaultFaceTrackerOptions: Readonly<FaceTrackerOptions> = { minOverlap: 0.3, maxMissedFrames: 2, smoothing: null };

interface Track {
  id: number;
  /** The box last detected (raw, not smoothed): what the next frame's faces are matched against. */
  box: Face['box'];
  missed: number;
  /** One filter per number of faceGeometry(), when smoothing. */
  filters: OneEuroFilter[] | null;
}

export class FaceTracker {
  readonly #options: FaceTrackerOptions;
  #tracks: Track[] = [];
  #nextId = 1;

  constructor(options: Partial<FaceTrackerOptions> = {}) {
    this.#options = { ...defaultFaceTrackerOptions, ...options };
  }

  get smoothing(): Readonly<OneEuroOptions> | null {
    return this.#options.smoothing;
  }

  /** New smoothing options take effect from the next frame, each face's filters starting afresh. */
  set smoothing(smoothing: Readonly<OneEuroOptions> | null) {
    this.#options.smoothing = smoothing;
    for (const track of this.#tracks) track.filters = null;
  }

  /**
   * The faces of the next frame, shown at `timestamp` (milliseconds), each with its id (and smoothed, if set),
   * in the order given. `aspect` is the source's width over its height (for the roll of smoothed eyes).
   */
  update(faces: readonly Face[], timestamp: number, aspect: number): Face[] {
    const pairs: { track: Track; face: number; overlap: number }[] = [];
    for (const track of this.#tracks) {
      faces.forEach((face, index) => {
        const overlap = intersectionOverUnion(track.box, face.box);
        if (overlap >= this.#options.minOverlap) pairs.push({ track, face: index, overlap });
      });
    }
    pairs.sort((a, b) => b.overlap - a.overlap);
    const trackOf = new Map<number, Track>();
    const matched = new Set<Track>();
    for (const { track, face } of pairs) {
      if (matched.has(track) || trackOf.has(face)) continue;
      matched.add(track);
      trackOf.set(face, track);
    }
    for (const track of this.#tracks) if (!matched.has(track)) track.missed++;
    this.#tracks = this.#tracks.filter((track) => track.missed <= this.#options.maxMissedFrames);
    return faces.map((face, index) => {
      let track = trackOf.get(index);
      if (!track) {
        track = { id: this.#nextId++, box: face.box, missed: 0, filters: null };
        this.#tracks.push(track);
      }
      track.box = face.box;
      track.missed = 0;
      return this.#smoothed(track, face, timestamp / 1000, aspect);
    });
  }

  /** Forgets every tracked face (a new source): the next faces get new ids. Ids are never reused. */
  reset(): void {
    this.#tracks = [];
  }

  #smoothed(track: Track, face: Face, seconds: number, aspect: number): Face {
    const smoothing = this.#options.smoothing;
    if (!smoothing) return trackedFace(face, track.id);
    const geometry = faceGeometry(face);
    track.filters ??= geometry.map(() => new OneEuroFilter(smoothing));
    const { width, height } = face.box;
    // Speeds in face sizes per second: x values (even places) by the width, y values by the height.
    const smoothed = geometry.map((value, k) => track.filters![k]!.filter(value, seconds, k % 2 === 0 ? width : height));
    return trackedFace(face, track.id, { geometry: smoothed, aspect });
  }
}
