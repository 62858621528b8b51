// Decodes a TFLite operator's builtin options table into plain camelCase attributes.
// When the writer omitted the table or a field, the schema's default applies, exactly as the TFLite
// runtime would read it, so the translator never has to know about defaults.

import type { FlatTable } from './flatbuffer-table.ts';
import type { ImportedAttribute } from './imported-model.ts';
import { ACTIVATION, OPTIONS, PADDING } from './tflite-schema.ts';

type Attributes = Record<string, ImportedAttribute>;

/** An options table we cannot interpret (an unknown enum value, or the wrong union member for the op). */
export class TfliteOptionsError extends Error {}

function padding(options: FlatTable | undefined, id: number): string {
  const code = options?.int8(id, 0) ?? 0;
  const name = PADDING[code];
  if (name === undefined) throw new TfliteOptionsError(`unknown padding ${code}`);
  return name;
}

function activation(options: FlatTable | undefined, id: number): string {
  const code = options?.int8(id, 0) ?? 0;
  const name = ACTIVATION[code];
  if (name === undefined) throw new TfliteOptionsError(`unknown fused activation ${code}`);
  return name;
}

type Decoder = { union: number; decode: (options: FlatTable | undefined) => Attributes };

// Field ids below follow the option tables' declaration order in schema.fbs.
const DECODERS: Record<string, Decoder> = {
  CONV_2D: {
    union: OPTIONS.Conv2DOptions,
    decode: (o) => ({
      padding: padding(o, 0),
      strideW: o?.int32(1, 0) ?? 0,
      strideH: o?.int32(2, 0) ?? 0,
      fusedActivation: activation(o, 3),
      dilationW: o?.int32(4, 1) ?? 1,
      dilationH: o?.int32(5, 1) ?? 1,
    }),
  },
  DEPTHWISE_CONV_2D: {
    union: OPTIONS.DepthwiseConv2DOptions,
    decode: (o) => ({
      padding: padding(o, 0),
      strideW: o?.int32(1, 0) ?? 0,
      strideH: o?.int32(2, 0) ?? 0,
      depthMultiplier: o?.int32(3, 0) ?? 0,
      fusedActivation: activation(o, 4),
      dilationW: o?.int32(5, 1) ?? 1,
      dilationH: o?.int32(6, 1) ?? 1,
    }),
  },
  MAX_POOL_2D: { union: OPTIONS.Pool2DOptions, decode: pool },
  AVERAGE_POOL_2D: { union: OPTIONS.Pool2DOptions, decode: pool },
  ADD: { union: OPTIONS.AddOptions, decode: (o) => ({ fusedActivation: activation(o, 0) }) },
  MUL: { union: OPTIONS.MulOptions, decode: (o) => ({ fusedActivation: activation(o, 0) }) },
  SUB: { union: OPTIONS.SubOptions, decode: (o) => ({ fusedActivation: activation(o, 0) }) },
  CONCATENATION: {
    union: OPTIONS.ConcatenationOptions,
    decode: (o) => ({ axis: o?.int32(0, 0) ?? 0, fusedActivation: activation(o, 1) }),
  },
  RESHAPE: {
    union: OPTIONS.ReshapeOptions,
    // new_shape is only meaningful when written; the shape input tensor usually carries it instead.
    decode: (o): Attributes => {
      const newShape = o?.int32s(0, 'ReshapeOptions.new_shape');
      return newShape ? { newShape } : {};
    },
  },
  RESIZE_BILINEAR: {
    union: OPTIONS.ResizeBilinearOptions,
    // Fields 0 and 1 (new_height, new_width) are deprecated; the size comes from the second input.
    decode: (o) => ({ alignCorners: o?.bool(2, false) ?? false, halfPixelCenters: o?.bool(3, false) ?? false }),
  },
  DEPTH_TO_SPACE: { union: OPTIONS.DepthToSpaceOptions, decode: (o) => ({ blockSize: o?.int32(0, 0) ?? 0 }) },
};

function pool(o: FlatTable | undefined): Attributes {
  return {
    padding: padding(o, 0),
    strideW: o?.int32(1, 0) ?? 0,
    strideH: o?.int32(2, 0) ?? 0,
    filterWidth: o?.int32(3, 0) ?? 0,
    filterHeight: o?.int32(4, 0) ?? 0,
    fusedActivation: activation(o, 5),
  };
}

/**
 * Attributes of an op named `opName`, given its options union type and table (undefined when absent).
 * Ops without options we know about get no attributes.
 */
export function decodeBuiltinOptions(opName: string, unionType: number, options: FlatTable | undefined): Attributes {
  const decoder = DECODERS[opName];
  if (!decoder) return {};
  if (unionType !== 0 && unionType !== decoder.union) {
    throw new TfliteOptionsError(`${opName} carries builtin options of union type ${unionType}, expected ${decoder.union}`);
  }
  return decoder.decode(unionType === 0 ? undefined : options);
}
