// Messages between WorkerFaceDetector (page) and detector-worker.ts (worker). Requests carry an id; the
// worker answers each with a reply of the same id. Errors travel as data and are rebuilt as the same classes.
// A redaction worker (redaction-worker.ts) sends the detector's worker the same detect requests, on a port of its
// own, and takes its orders from the page (RedactionRequest).

import type { DetectionSettings } from '../detection-settings.ts';
import type { DetectorBackend } from '../detector.ts';
import type { FaceDetectorOptions } from '../face-detector.ts';
import type { FaceData } from '../face.ts';
import type { RgbaPixels } from '../image-to-tensor-converter.ts';
import type { LoopOptions } from '../redaction-loop.ts';
import type { StartupStage, TransferredMark } from '../startup-marks.ts';
import type { PolyfillConfig } from '../../webnn/polyfill/config.ts';

/** A frame, transferred; or the pixels of anything else that the resampler reads, read on the page. */
export type WorkerImage = VideoFrame | RgbaPixels;

/**
 * What a worker's detector is made of. Thresholds are not among them: detectors sharing a worker keep their
 * own, and send them with each frame.
 */
export type WorkerOptions = Omit<FaceDetectorOptions, 'context' | 'modelUrl' | keyof DetectionSettings> & {
  context?: Exclude<FaceDetectorOptions['context'], MLContextLike>;
  /** A model file the page named, resolved against the page (the worker's own URL is elsewhere). */
  modelUrl?: string;
  /** The page's configure({ assetBase }), resolved; without it the worker finds its packaged files itself. */
  assetBase?: string;
  /** The page's configurePolyfill() settings, which the worker's engines must follow too. */
  polyfill: PolyfillConfig;
};

type MLContextLike = { dispatch: unknown };

/** What the page fetched while the worker started (prefetch.ts); the worker gets the rest itself. */
export interface PrefetchedFiles {
  model?: { url: string; bytes: ArrayBuffer };
}

export type Request =
  | { id: number; type: 'create'; options: WorkerOptions; files: PrefetchedFiles }
  | { id: number; type: 'detect'; image: WorkerImage; mirrored: boolean; settings: DetectionSettings }
  | { id: number; type: 'memory' };

export interface SerializedError {
  name: string;
  message: string;
  /** The typed errors' extra field: reason, option, url, or source + op. */
  fields: Record<string, string | undefined>;
}

export type Reply =
  /** `marks`: the worker's start-up marks (startup-marks.ts), for the page's timeline. */
  | { id: number; type: 'created'; backend: DetectorBackend; inputSize: number; settings: DetectionSettings; marks: TransferredMark[] }
  /** `threads`: the worker engine's thread count now, which it settles over the first frames. */
  | { id: number; type: 'faces'; faces: FaceData[]; threads?: number }
  | { id: number; type: 'memory'; memory: { tensors: number; bytes: number } | null }
  | { id: number; type: 'error'; error: SerializedError }
  | { id: -1; type: 'lost'; message: string }
  /** The engine is starting its pool of thread workers (`settled` false), or that start has settled (true). */
  | { id: -1; type: 'thread-pool'; settled: boolean }
  /** The detector's start has reached `stage`: where a start that misses its deadline was stuck. */
  | { id: -1; type: 'stage'; stage: StartupStage };

/** A redaction worker's own line to a detector's worker (redact-stream.ts): its detect requests, answered on `port`. */
export interface Connect {
  type: 'connect';
  port: MessagePort;
}

/** What the page tells a redaction worker (worker/redaction-worker.ts); `track` numbers a stream's video tracks. */
export type RedactionRequest =
  /** A track to redact: its processor's frames in, its generator's out. */
  | { type: 'track'; track: number; readable: ReadableStream<VideoFrame>; writable: WritableStream<VideoFrame>; options: LoopOptions }
  /** The detector to ask from now on, over `port` with `settings`; null while there is none (frames hidden whole). */
  | { type: 'detector'; detector: { port: MessagePort; settings: DetectionSettings } | null }
  /** The track's output or input was stopped: its frames are let go of. */
  | { type: 'stop'; track: number };

export type RedactionReply =
  | { type: 'error'; error: SerializedError }
  /** The track's input ended, or its output refused frames: the page ends the output. */
  | { type: 'ended'; track: number };
