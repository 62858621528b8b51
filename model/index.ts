// Public API of the model layer: FaceDetector, its Worker-based twin, the Detector interface both implement, and the
// types their results and options use.

export {
  FaceDetector,
  type ContextChoice,
  type DetectionSettings,
  type DetectOptions,
  type FaceDetectorOptions,
  type Precision,
  type PrecisionChoice,
} from './face-detector.ts';
export type { Detector, DetectorBackend, DetectorLoss, EngineMemory } from './detector.ts';
export { configure, type AssetOptions } from './assets.ts';
export { WorkerFaceDetector, type WorkerFaceDetectorOptions } from './worker-face-detector.ts';
export { defaultDetectionTimeoutMs, defaultStartTimeoutMs } from './detector.ts';
export { FaceTracker, defaultFaceTrackerOptions, type FaceTrackerOptions } from './face-tracker.ts';
export { OneEuroFilter, defaultOneEuroOptions, type OneEuroOptions } from './one-euro-filter.ts';
export { keypointNames, mirrorFace, type Face, type FaceBox, type Keypoint, type KeypointName, type PixelFace } from './face.ts';
export type { ImageSource } from './image-source.ts';
export { modelNames, modelSpecs, type ModelName } from './model-specs.ts';
export type { ScoreMerge } from './non-max-suppression.ts';
export { InvalidImageError, InvalidOptionError, ModelLoadError, TimeoutError, UnsupportedGraphError, type TimeoutStep, type UnsupportedGraphStage } from './errors.ts';
export { ModelFormatError } from './readers/imported-model.ts';
export { redact, type RedactOptions } from './redact-image.ts';
export { REDACTION_MIN_SCORE, Redactor, defaultRedactionStyle, redactionModes, type RedactionMode, type RedactionScene, type RedactionStyle, type Rect } from './redactor.ts';
export type { MaskEllipse } from './redaction-mask.ts';
export { redactStream, redactStreamPath, type RedactStreamOptions, type RedactStreamPath } from './redact-stream.ts';
