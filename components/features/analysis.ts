// The analysis feature: runs the attached source through the detector, an image once and a video frame by frame,
// and hands each result on: tracked (tracking), shown (renderer) and announced as a `faces` event. A frame's
// failure is sorted here: the engine's counts as a context loss, the source's as its end or its error.

import { InvalidImageError, TimeoutError } from '../../model/errors.ts';
import { captureError } from '../../model/image-source.ts';
import type { Face } from '../../model/face.ts';
import type { WorkerFaceDetector } from '../../model/worker-face-detector.ts';
import type { BlazeFaceFacesDetail } from '../events.ts';
import type { StallWatch } from '../frame-loop.ts';
import { mediaSize } from '../overlay.ts';
import type { DetectorFeature } from './detector.ts';
import type { FeatureHost } from './host.ts';
import type { RendererFeature } from './renderer.ts';
import type { SourceFeature } from './source.ts';
import type { StatusFeature } from './status.ts';
import type { TrackingFeature } from './tracking.ts';

export interface AnalysisParts {
  source: SourceFeature;
  detector: DetectorFeature;
  tracking: TrackingFeature;
  renderer: RendererFeature;
  status: StatusFeature;
}

export class Analysis {
  #host: FeatureHost;
  #parts: AnalysisParts;
  /** The source failed for good (it cannot be read): the element stops with its error. */
  #failed: (error: unknown) => void;
  /**
   * The frame loop stalled, and no frame has come from the browser's frame callbacks since: a result of the frame
   * a new loop starts with does not show that the stall is over, so it does not count as the detector's success.
   */
  #framesStalled = false;

  constructor(host: FeatureHost, parts: AnalysisParts, failed: (error: unknown) => void) {
    this.#host = host;
    this.#parts = parts;
    this.#failed = failed;
  }

  /** Runs the attached source through `detector`: an image once, a video frame by frame (unless paused). */
  async analyse(detector: WorkerFaceDetector): Promise<void> {
    const { source, tracking, status } = this.#parts;
    const image = source.image;
    if (!image) {
      this.resume();
      return;
    }
    const started = performance.now();
    const faces = await detector.detect(image, { mirrored: this.#host.isMirrored });
    tracking.reset(); // a photo has no frames before it
    this.#publish(detector, faces, started, started);
    status.set('running');
  }

  /** Analyses the video's frames from the current one; paused, it holds the picture as it is. */
  resume(): void {
    const { source, renderer, status } = this.#parts;
    if (this.#host.paused) {
      source.hold();
      renderer.showPicture(); // paused before its first frame was detected: the picture as it is
      status.set('paused');
      return;
    }
    status.set('running');
    source.runFrames(this.#onFrame, this.#stallWatch);
  }

  /** `paused` changed: the source is held, or analysed again. */
  pausedChanged(): void {
    const { source, status } = this.#parts;
    if (!status.active) return;
    const { paused } = this.#host;
    if (paused) source.hold();
    if (paused || source.image) status.set(paused ? 'paused' : 'running');
    else this.resume();
  }

  /** A hidden page holds the video and disables the camera; shown again, the analysis goes on. */
  visibilityChanged(hidden: boolean): void {
    const { source, status } = this.#parts;
    if (status.state !== 'running' || source.image) return;
    if (hidden) source.hide();
    else this.resume();
  }

  /**
   * A playing video whose frames stopped reaching the detector: its detector is rebuilt as for one that stopped
   * answering (a `recovered` event, or the element's error the second time), and the frames run in a new loop.
   * The deadline is twice detection-timeout: a frame in flight has detection-timeout to settle (its own deadline
   * ends a stuck detector first), and the next presented frame as long again to be handed over.
   */
  #stallWatch: StallWatch = {
    afterMs: () => 2 * this.#host.detectionTimeout * 1000,
    stalled: (afterMs) => {
      const { source, detector: detectors, status } = this.#parts;
      const detector = detectors.current;
      if (status.state !== 'running') return;
      this.#framesStalled = true;
      if (detector) detectors.failed(detector, new TimeoutError('frames', afterMs, "Handing the playing video's frames to the detector"));
      else {
        source.dropFrames();
        this.resume();
      }
    },
  };

  #onFrame = async (timestamp: number, fromCallback: boolean): Promise<void> => {
    const { source, detector: detectors, renderer, status } = this.#parts;
    if (fromCallback) this.#framesStalled = false;
    const detector = detectors.current;
    if (!detector) return;
    const started = performance.now();
    // A stream's frame as its track gave it where the page can take it (no GPU read-back, frame-tap.ts), else the
    // video's. Redacting, the frame detected is the frame shown: taken here, and handed to the renderer with its faces.
    let frame: VideoFrame | undefined;
    try {
      frame = source.takeFrame() ?? (renderer.redacting ? grabFrame(source.video) : undefined);
      const faces = await detector.detect(frame ?? source.video, { mirrored: this.#host.isMirrored });
      if (detectors.current === detector && status.state === 'running') {
        const shown = renderer.redacting ? frame : undefined;
        this.#publish(detector, faces, timestamp, started, shown);
        if (shown) frame = undefined; // the renderer's now
      }
    } catch (error) {
      // A retired detector (model switch, context loss) may reject an in-flight frame: nothing to report.
      if (detectors.current !== detector) return;
      // A frame the detector cannot read is the source's fault, or the end of its stream, which the stream's
      // watch reports as such. Any other failure is the engine's: a lost context fails the frame in flight,
      // usually before its `lost` promise settles, so it counts as the loss.
      if (!(error instanceof InvalidImageError)) detectors.failed(detector, error instanceof Error ? error : String(error));
      else if (!source.checkEnded()) this.#failed(error);
    } finally {
      frame?.close();
    }
  };

  #publish(detector: WorkerFaceDetector, detected: Face[], timestamp: number, started: number, frame?: VideoFrame): void {
    const { source, detector: detectors, tracking, renderer } = this.#parts;
    if (!this.#framesStalled) detectors.succeeded();
    const [width, height] = mediaSize(source.media);
    const faces = tracking.track(detected, timestamp, width && height ? width / height : 1);
    renderer.show(faces, frame);
    const detail: BlazeFaceFacesDetail = { faces, model: detector.model, timestamp, latencyMs: performance.now() - started };
    this.#host.dispatchEvent(new CustomEvent('faces', { detail }));
  }
}

/** The video's current frame, or why it cannot be had, as the detector would say it (an InvalidImageError). */
function grabFrame(video: HTMLVideoElement): VideoFrame {
  try {
    return new VideoFrame(video);
  } catch (error) {
    throw captureError(error);
  }
}
