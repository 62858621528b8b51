// SSD anchor generation, the SsdAnchorsCalculator step of MediaPipe (non-multiscale branch): one anchor per
// feature-map cell and per slot, in the order the detector's heads are reshaped (layer group, row, column,
// slot), so anchor i belongs to row i of the regressor and score tensors.

export interface SsdAnchorOptions {
  /** Number of output feature-map layers; one stride per layer. */
  numLayers: number;
  minScale: number;
  maxScale: number;
  inputSizeWidth: number;
  inputSizeHeight: number;
  /** Where in a cell the anchor centre sits, as a fraction of the cell. */
  anchorOffsetX: number;
  anchorOffsetY: number;
  strides: readonly number[];
  aspectRatios: readonly number[];
  /** When true every anchor is 1×1 (BlazeFace regresses absolute sizes); scales then do not matter. */
  fixedAnchorSize: boolean;
  /** Adds one slot per layer with the geometric mean of this and the next layer's scale; 0 disables it. */
  interpolatedScaleAspectRatio: number;
  /** SSD-MobileNet's special lowest layer (3 fixed slots); not used by BlazeFace. */
  reduceBoxesInLowestLayer: boolean;
  /** Explicit feature-map sizes per layer; when absent they are ceil(input / stride). */
  featureMapWidth?: readonly number[];
  featureMapHeight?: readonly number[];
}

/**
 * Anchors as a struct of arrays: decoding reads one field of anchor i at a time, and flat typed arrays keep
 * that read cheap and the values float32 like MediaPipe's Anchor proto.
 */
export interface Anchors {
  readonly count: number;
  readonly xCenter: Float32Array;
  readonly yCenter: Float32Array;
  readonly width: Float32Array;
  readonly height: Float32Array;
}

/** The layer scale of MediaPipe: linear from min to max over the strides, their mean when there is one. */
function layerScale(options: SsdAnchorOptions, layer: number): number {
  const count = options.strides.length;
  if (count === 1) return Math.fround((options.minScale + options.maxScale) * 0.5);
  return Math.fround(options.minScale + ((options.maxScale - options.minScale) * layer) / (count - 1));
}

interface Slot {
  width: number;
  height: number;
}

/** The anchor shapes of one group of consecutive layers that share a stride (they share one feature map). */
function groupSlots(options: SsdAnchorOptions, first: number, end: number): Slot[] {
  const ratios: number[] = [];
  const scales: number[] = [];
  for (let layer = first; layer < end; layer++) {
    const scale = layerScale(options, layer);
    if (layer === 0 && options.reduceBoxesInLowestLayer) {
      ratios.push(1, 2, 0.5);
      scales.push(0.1, scale, scale);
      continue;
    }
    for (const ratio of options.aspectRatios) {
      ratios.push(ratio);
      scales.push(scale);
    }
    if (options.interpolatedScaleAspectRatio > 0) {
      const next = layer === options.strides.length - 1 ? 1 : layerScale(options, layer + 1);
      scales.push(Math.fround(Math.sqrt(scale * next)));
      ratios.push(options.interpolatedScaleAspectRatio);
    }
  }
  return ratios.map((ratio, i) => {
    const root = Math.sqrt(ratio);
    return { width: Math.fround(scales[i]! * root), height: Math.fround(scales[i]! / root) };
  });
}

function validate(options: SsdAnchorOptions): void {
  if (options.strides.length !== options.numLayers) {
    throw new RangeError(`SSD anchors: ${options.strides.length} strides given for ${options.numLayers} layers`);
  }
  const explicit = options.featureMapHeight?.length ?? 0;
  if (explicit > 0 && (explicit !== options.numLayers || options.featureMapWidth?.length !== options.numLayers)) {
    throw new RangeError('SSD anchors: featureMapWidth/featureMapHeight need one entry per layer');
  }
}

/** Generates the anchors of an SSD detector, in model output order. */
export function generateAnchors(options: SsdAnchorOptions): Anchors {
  validate(options);
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  const hs: number[] = [];
  const explicitSizes = (options.featureMapHeight?.length ?? 0) > 0;
  let layer = 0;
  while (layer < options.numLayers) {
    let end = layer;
    while (end < options.strides.length && options.strides[end] === options.strides[layer]) end++;
    const slots = groupSlots(options, layer, end);
    const stride = options.strides[layer]!;
    const rows = explicitSizes ? options.featureMapHeight![layer]! : Math.ceil(options.inputSizeHeight / stride);
    const columns = explicitSizes ? options.featureMapWidth![layer]! : Math.ceil(options.inputSizeWidth / stride);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        for (const slot of slots) {
          xs.push((x + options.anchorOffsetX) / columns);
          ys.push((y + options.anchorOffsetY) / rows);
          ws.push(options.fixedAnchorSize ? 1 : slot.width);
          hs.push(options.fixedAnchorSize ? 1 : slot.height);
        }
      }
    }
    layer = end;
  }
  return {
    count: xs.length,
    xCenter: Float32Array.from(xs),
    yCenter: Float32Array.from(ys),
    width: Float32Array.from(ws),
    height: Float32Array.from(hs),
  };
}
