// The converter of video frames: their pixels copied straight out of the frame with VideoFrame.copyTo (and
// converted here when they are YUV), no canvas and no GPU read-back, where the frame's format and geometry
// allow; drawn otherwise (drawn-pixels.ts). Camera frames are what a detector reads most, every frame.

import { drawnConverter } from './drawn-pixels.ts';
import type { ImageToTensorConverter, RgbaPixels } from './image-to-tensor-converter.ts';
import { captureError, drawableSize, isVideoFrame, type ImageSource } from './image-source.ts';
import { sampledRows } from './letterboxed-sampling.ts';
import type { Sampling } from './sampling-grid.ts';
import { isYuvFormat, yuvToRgba } from './yuv-to-rgba.ts';

/**
 * Whether copyFramePixels can read this source: a VideoFrame whose visible pixels map 1:1 onto its display
 * size, unrotated and unflipped (anything else needs drawing, which scales and turns it).
 */
export function isCopyableFrame(source: ImageSource): source is VideoFrame {
  if (!isVideoFrame(source)) return false;
  const frame = source as VideoFrame & { rotation?: number; flip?: boolean };
  const rect = frame.visibleRect;
  return !frame.rotation && !frame.flip && rect !== null && rect.width === frame.displayWidth && rect.height === frame.displayHeight;
}

/** Buffers copyFramePixels reuses from one frame to the next. */
export interface FrameBuffers {
  planes?: Uint8Array;
  rgba?: Uint8ClampedArray;
}

const reuse = <T extends Uint8Array | Uint8ClampedArray>(buffer: T | undefined, length: number, create: (length: number) => T): T =>
  buffer?.length === length ? buffer : create(length);

/**
 * A VideoFrame's pixels as RGBA through VideoFrame.copyTo, which is never asked to convert (Chromium's
 * conversion is slow, WebKit's ignores the format asked for): RGBA and RGBX frames are copied as they are, BGRA
 * and BGRX ones with red and blue swapped, and of 8-bit YUV frames (what cameras and decoders give) only `rows`
 * are converted, here (yuv-to-rgba.ts). No canvas and no GPU read-back. Any other format throws a
 * NotSupportedError DOMException: the frame must be drawn.
 */
export async function copyFramePixels(frame: VideoFrame, rows?: Int32Array, buffers: FrameBuffers = {}): Promise<RgbaPixels> {
  const { width, height } = drawableSize(frame);
  const format = frame.format;
  if (isYuvFormat(format)) {
    const planes = (buffers.planes = reuse(buffers.planes, frame.allocationSize(), (n) => new Uint8Array(n)));
    const layout = await frame.copyTo(planes);
    const data = (buffers.rgba = reuse(buffers.rgba, (rows?.length ?? height) * width * 4, (n) => new Uint8ClampedArray(n)));
    yuvToRgba(format, frame.colorSpace, planes, layout, width, height, rows, data);
    return { data, width, height, ...(rows ? { rows } : {}) };
  }
  if (format !== 'RGBA' && format !== 'RGBX' && format !== 'BGRA' && format !== 'BGRX') {
    throw new DOMException(`VideoFrame.copyTo() cannot give ${format ?? 'this'} frames' pixels here`, 'NotSupportedError');
  }
  const data = (buffers.rgba = reuse(buffers.rgba, width * height * 4, (n) => new Uint8ClampedArray(n)));
  // One row after another, whatever stride the frame's own layout has.
  await frame.copyTo(data, { layout: [{ offset: 0, stride: width * 4 }] });
  if (format === 'BGRA' || format === 'BGRX') {
    for (let i = 0; i < data.length; i += 4) {
      const blue = data[i]!;
      data[i] = data[i + 2]!;
      data[i + 2] = blue;
    }
  }
  return { data, width, height };
}

/** Reads frames, reusing the buffers of one frame for the next: one per detector. */
export class FrameConverter implements ImageToTensorConverter<VideoFrame, Promise<RgbaPixels>> {
  #buffers: FrameBuffers = {};

  async readPixels(frame: VideoFrame, size: number, sampling: Sampling = 'opencv'): Promise<RgbaPixels> {
    if (isCopyableFrame(frame)) {
      const { displayWidth, displayHeight } = frame;
      try {
        return await copyFramePixels(frame, sampledRows(displayWidth, displayHeight, size, sampling), this.#buffers);
      } catch (error) {
        // A format copyFramePixels cannot read says NotSupportedError (before copying anything): drawn instead.
        if (!(error instanceof DOMException && error.name === 'NotSupportedError')) throw captureError(error);
      }
    }
    return drawnConverter.readPixels(frame, size, sampling);
  }
}
