// Model file -> built WebNN graph: fetch the bytes, read the file format, translate its operators (each one
// checked against the device's limits, see device-builder.ts) and build. The graph has one input, "input"
// (NHWC float32, pixels in [-1, 1]), and two float32 outputs, "regressors" [1, anchors, 16] and "scores"
// [1, anchors, 1] (raw logits), whatever the file calls them, in either precision.

import { createGraphBuilder } from '../../webnn/index.ts';
import type { MLContext, MLGraph, MLGraphBuilder, MLOperand } from '../../webnn/types.ts';
import { UnsupportedGraphError } from '../errors.ts';
import type { ModelSpec } from '../model-specs.ts';
import { ModelFormatError, type ImportedModel } from '../readers/imported-model.ts';
import { fetchModel } from './fetch-model.ts';
import { readTflite } from '../readers/tflite.ts';
import { tfliteTranslator } from './tflite-ops.ts';
import { translateModel, type FormatTranslator } from './translate.ts';
import { DeviceCheckedBuilder, type Precision } from './device-builder.ts';

/** 'auto' runs float32 unless the device lacks float32 for an op the network uses but has float16 (NPUs). */
export type PrecisionChoice = 'auto' | Precision;

export interface Network {
  graph: MLGraph;
  precision: Precision;
  inputShape: number[];
  regressorsShape: number[];
  scoresShape: number[];
}

interface FileFormat {
  read: (bytes: Uint8Array, source: string) => ImportedModel;
  translator: FormatTranslator;
}

/**
 * Each format's reader and translator. ONNX's (the front and back models) load only when such a file is read:
 * the default short and full models are TFLite, and the drop-in's first result has a byte budget.
 */
const formats: Record<ModelSpec['format'], () => Promise<FileFormat>> = {
  tflite: async () => ({ read: readTflite, translator: tfliteTranslator }),
  onnx: async () => {
    const [{ readOnnx }, { onnxTranslator }] = await Promise.all([import('../readers/onnx.ts'), import('./onnx-ops.ts')]);
    return { read: readOnnx, translator: onnxTranslator };
  },
};

/**
 * Finds the regressor and score outputs by their last dimension (16 box/keypoint values vs 1 logit). Files
 * that emit one output per feature-map grid (the ONNX exports: 512 then 384 anchors) are joined in file
 * order, which is anchor order.
 */
function pickOutputs(model: ImportedModel, outputs: Map<string, MLOperand>, builder: MLGraphBuilder, anchorCount: number) {
  const join = (valuesPerAnchor: number): MLOperand | undefined => {
    const parts = [...outputs.values()].filter(
      (operand) => operand.shape.length === 3 && operand.shape[0] === 1 && operand.shape[2] === valuesPerAnchor,
    );
    const anchors = parts.reduce((sum, operand) => sum + operand.shape[1], 0);
    if (anchors !== anchorCount) return undefined;
    return parts.length === 1 ? parts[0] : builder.concat(parts, 1);
  };
  const regressors = join(16);
  const scores = join(1);
  if (!regressors || !scores) {
    const found = [...outputs].map(([name, operand]) => `${name} [${operand.shape}]`).join(', ');
    throw new ModelFormatError(model.source, `expected outputs [1,${anchorCount},16] and [1,${anchorCount},1], found ${found}`);
  }
  return { regressors, scores };
}

/** The model's one image input must be what FaceDetector feeds: [1, size, size, 3]. */
function checkInput(model: ImportedModel, spec: ModelSpec): void {
  const shape = model.tensors.get(model.inputs[0] ?? '')?.shape.map((dimension) => (dimension < 0 ? 1 : dimension));
  const expected = [1, spec.inputSize, spec.inputSize, 3];
  if (model.inputs.length !== 1 || !shape || shape.join() !== expected.join()) {
    throw new ModelFormatError(model.source, `expected one input [${expected}], found ${shape ? `[${shape}]` : 'none'}`);
  }
}

export async function loadNetwork(spec: ModelSpec, url: string | URL, context: MLContext, precision: PrecisionChoice): Promise<Network> {
  return buildNetwork(spec, await fetchModel(url), modelFileName(url), context, precision);
}

/** How errors name a model file: its last path segment. */
export function modelFileName(url: string | URL): string {
  return String(url).split('/').pop() || String(url);
}

/** A model file's bytes -> built graph on `context`; `source` names the file in errors. */
export async function buildNetwork(
  spec: ModelSpec, bytes: Uint8Array, source: string, context: MLContext, precision: PrecisionChoice,
): Promise<Network> {
  const format = await formats[spec.format]();
  const model = format.read(bytes, source);
  checkInput(model, spec);
  const limits = context.opSupportLimits();
  // Translating is cheap next to building, so 'auto' simply tries float32 first.
  const translate = (attempt: Precision) => {
    const builder = new DeviceCheckedBuilder(createGraphBuilder(context), limits, attempt);
    const outputs = translateModel(model, builder, format.translator, 'input');
    return { builder, ...pickOutputs(model, outputs, builder, spec.anchorCount) };
  };
  let translated: ReturnType<typeof translate>;
  if (precision !== 'auto') {
    translated = translate(precision);
  } else {
    try {
      translated = translate('float32');
    } catch (error) {
      if (!(error instanceof UnsupportedGraphError && error.dataType === 'float32')) throw error;
      try {
        translated = translate('float16');
      } catch {
        throw error; // float16 does not help either: float32's reason is the one to report
      }
    }
  }
  const { builder, regressors, scores } = translated;
  const graph = await builder.build({ regressors, scores });
  return {
    graph,
    precision: builder.precision,
    inputShape: [1, spec.inputSize, spec.inputSize, 3],
    regressorsShape: [...regressors.shape],
    scoresShape: [...scores.shape],
  };
}
