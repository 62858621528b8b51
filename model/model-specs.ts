// The four BlazeFace models this package can run, with the anchor and decoding settings each was trained
// with. Sources: MediaPipe's face_detection_{short,full}_range graphs (short/full) and its older
// face_detection_front / face_detection_back_desktop_live graphs (front/back; the back model's 256×256 input
// with strides 16/32/32/32 gives the same 16×16 + 8×8 grids, 896 anchors, as the front model's 128 with 8/16).

import type { SsdAnchorOptions } from './anchors.ts';
import { assetBase } from './assets.ts';
import type { TensorsToDetectionsOptions } from './tensors-to-detections.ts';

export type ModelName = 'short' | 'full' | 'front' | 'back';
export type ModelFormat = 'tflite' | 'onnx';

/** Decoding settings fixed by the model; the score threshold is a run-time setting. */
export type ModelDecodeOptions = Omit<TensorsToDetectionsOptions, 'minScore'>;

export interface ModelSpec {
  readonly name: ModelName;
  /** File name under models/ of a self-hosted asset base (see defaultModelUrl). */
  readonly fileName: string;
  /** The packaged file, found relative to this module (a bundler may rename it). */
  readonly packagedUrl: URL;
  readonly format: ModelFormat;
  /** Side of the square RGB input tensor, in pixels. */
  readonly inputSize: number;
  /** Rows of the regressor and score outputs. */
  readonly anchorCount: number;
  readonly anchors: Readonly<SsdAnchorOptions>;
  readonly decode: Readonly<ModelDecodeOptions>;
  readonly defaultMinScore: number;
  readonly defaultSuppressionThreshold: number;
}

function anchorOptions(inputSize: number, strides: readonly number[], interpolatedScaleAspectRatio: number): SsdAnchorOptions {
  return {
    numLayers: strides.length,
    minScale: 0.1484375,
    maxScale: 0.75,
    inputSizeWidth: inputSize,
    inputSizeHeight: inputSize,
    anchorOffsetX: 0.5,
    anchorOffsetY: 0.5,
    strides,
    aspectRatios: [1],
    fixedAnchorSize: true,
    interpolatedScaleAspectRatio,
    reduceBoxesInLowestLayer: false,
  };
}

/** BlazeFace heads: 16 values per anchor (x, y, w, h, then 6 keypoints x, y), offsets in input pixels. */
function decodeOptions(inputSize: number): ModelDecodeOptions {
  return {
    numCoords: 16,
    boxCoordOffset: 0,
    keypointCoordOffset: 4,
    numKeypoints: 6,
    numValuesPerKeypoint: 2,
    xScale: inputSize,
    yScale: inputSize,
    wScale: inputSize,
    hScale: inputSize,
    reverseOutputOrder: true,
    applyExponentialOnBoxSize: false,
    flipVertically: false,
    sigmoidScore: true,
    scoreClippingThresh: 100,
  };
}

function spec(
  name: ModelName,
  fileName: string,
  packagedUrl: URL,
  format: ModelFormat,
  inputSize: number,
  anchorCount: number,
  anchors: SsdAnchorOptions,
  defaultMinScore: number,
): ModelSpec {
  return {
    name,
    fileName,
    packagedUrl,
    format,
    inputSize,
    anchorCount,
    anchors,
    decode: decodeOptions(inputSize),
    defaultMinScore,
    defaultSuppressionThreshold: 0.3,
  };
}

export const modelSpecs: Readonly<Record<ModelName, ModelSpec>> = {
  // MediaPipe Tasks FaceDetector defaults: min_detection_confidence 0.5 for both current models.
  // Each packaged file is a literal `new URL(…, import.meta.url)`: the pattern by which bundlers find an asset,
  // copy it into their output and rewrite the URL, and by which an unbundled module finds it beside itself.
  short: spec('short', 'face_detection_short_range.tflite', new URL('../assets/models/face_detection_short_range.tflite', import.meta.url), 'tflite', 128, 896, anchorOptions(128, [8, 16, 16, 16], 1), 0.5),
  full: spec('full', 'face_detection_full_range.tflite', new URL('../assets/models/face_detection_full_range.tflite', import.meta.url), 'tflite', 192, 2304, anchorOptions(192, [4], 0), 0.5),
  // The seed's thresholds for its two models (0.75 front, 0.65 back).
  front: spec('front', 'face_detection_front_128x128_barracuda.onnx', new URL('../assets/models/face_detection_front_128x128_barracuda.onnx', import.meta.url), 'onnx', 128, 896, anchorOptions(128, [8, 16, 16, 16], 1), 0.75),
  back: spec('back', 'face_detection_back_256x256_barracuda.onnx', new URL('../assets/models/face_detection_back_256x256_barracuda.onnx', import.meta.url), 'onnx', 256, 896, anchorOptions(256, [16, 32, 32, 32], 1), 0.65),
};

export const modelNames = Object.keys(modelSpecs) as ModelName[];

/**
 * Where the built-in model file is loaded from: `models/<file>` under the asset base set with
 * configureAssets(), else the file packaged beside this module. Never relative to the page.
 */
export function defaultModelUrl(name: ModelName): URL {
  const spec = modelSpecs[name];
  const base = assetBase();
  return base ? new URL(`models/${spec.fileName}`, base) : spec.packagedUrl;
}
