// 8-bit YUV video frames (camera and decoder output: NV12, I420, I422, I444) to RGBA, here rather than by
// VideoFrame.copyTo({ format: 'RGBA' }): Chromium's conversion of a 640×480 NV12 camera frame took 10–15 ms
// (and over 100 ms the first time) on the bench machine, where copying its planes as they are takes about 2 ms
// and this conversion of the rows the resampler reads about 1 ms. Chroma is taken from the sample covering the
// pixel (as libyuv does), and the matrix and range from the frame's colour space: BT.601 limited range when the
// frame does not say, as browsers assume for camera frames.

/** How each format lays out its chroma: subsampling per axis, and U and V in one interleaved plane (NV12). */
const yuvLayouts = {
  I420: { shiftX: 1, shiftY: 1, interleaved: false },
  I420A: { shiftX: 1, shiftY: 1, interleaved: false },
  I422: { shiftX: 1, shiftY: 0, interleaved: false },
  I444: { shiftX: 0, shiftY: 0, interleaved: false },
  NV12: { shiftX: 1, shiftY: 1, interleaved: true },
} as const;

export type YuvFormat = keyof typeof yuvLayouts;

export function isYuvFormat(format: VideoPixelFormat | null): format is YuvFormat {
  return format !== null && format in yuvLayouts;
}

/** Kr and Kb of each matrix VideoColorSpace names (ITU-R BT.601, BT.709, BT.2020). */
const lumaWeights: Record<string, [number, number] | undefined> = {
  bt709: [0.2126, 0.0722],
  bt470bg: [0.299, 0.114],
  smpte170m: [0.299, 0.114],
  'bt2020-ncl': [0.2627, 0.0593],
};

/** Per byte value, its contribution to R, G and B: five tables, so a pixel costs three sums. */
interface ConversionTables {
  key: string;
  luma: Float32Array;
  redFromV: Float32Array;
  greenFromU: Float32Array;
  greenFromV: Float32Array;
  blueFromU: Float32Array;
}

let tables: ConversionTables | undefined;

function conversionTables(colorSpace: VideoColorSpace): ConversionTables {
  const [kr, kb] = lumaWeights[colorSpace.matrix ?? 'smpte170m'] ?? lumaWeights.smpte170m!;
  const full = colorSpace.fullRange === true;
  const key = `${kr},${kb},${full}`;
  if (tables?.key === key) return tables;
  const kg = 1 - kr - kb;
  const lumaScale = full ? 1 : 255 / 219;
  const chromaScale = full ? 1 : 255 / 224;
  const table = (f: (value: number) => number) => Float32Array.from({ length: 256 }, (_, value) => f(value));
  const chroma = (value: number) => (value - 128) * chromaScale;
  tables = {
    key,
    luma: table((y) => (y - (full ? 0 : 16)) * lumaScale),
    redFromV: table((v) => 2 * (1 - kr) * chroma(v)),
    greenFromU: table((u) => (-2 * kb * (1 - kb) * chroma(u)) / kg),
    greenFromV: table((v) => (-2 * kr * (1 - kr) * chroma(v)) / kg),
    blueFromU: table((u) => 2 * (1 - kb) * chroma(u)),
  };
  return tables;
}

/**
 * Converts the given rows (all when `rows` is undefined) of a width×height frame's planes, as copyTo() left them
 * in `planes` with `layout`, into RGBA bytes, row after row. Alpha is opaque.
 */
export function yuvToRgba(
  format: YuvFormat, colorSpace: VideoColorSpace, planes: Uint8Array, layout: readonly PlaneLayout[],
  width: number, height: number, rows: Int32Array | undefined, out: Uint8ClampedArray,
): void {
  const { shiftX, shiftY, interleaved } = yuvLayouts[format];
  const { luma, redFromV, greenFromU, greenFromV, blueFromU } = conversionTables(colorSpace);
  const [yPlane, uPlane, vPlane] = layout as [PlaneLayout, PlaneLayout, PlaneLayout | undefined];
  const count = rows?.length ?? height;
  for (let k = 0, o = 0; k < count; k++) {
    const row = rows ? rows[k]! : k;
    const yRow = yPlane.offset + row * yPlane.stride;
    const uRow = uPlane.offset + (row >> shiftY) * uPlane.stride;
    const vRow = interleaved ? uRow + 1 : vPlane!.offset + (row >> shiftY) * vPlane!.stride;
    const step = interleaved ? 2 : 1;
    for (let x = 0; x < width; x++, o += 4) {
      const c = (x >> shiftX) * step;
      const y = luma[planes[yRow + x]!]!;
      const u = planes[uRow + c]!;
      const v = planes[vRow + c]!;
      // Uint8ClampedArray rounds and clamps each value as it is stored.
      out[o] = y + redFromV[v]!;
      out[o + 1] = y + greenFromU[u]! + greenFromV[v]!;
      out[o + 2] = y + blueFromU[u]!;
      out[o + 3] = 255;
    }
  }
}
