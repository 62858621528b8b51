// A video file with every face hidden, made on the device: demuxed and muxed by mediabunny, decoded and encoded by
// the browser's WebCodecs, frame by frame (mediabunny's Conversion pulls the next packets only as frames are
// encoded, so the decoded frames in memory stay a handful whatever the length). Each frame goes through the same
// step as a live stream's (FrameRedaction: detect, track, hold, paint; the whole frame hidden when its faces are
// not known), on the file's own timestamps. The audio track is copied packet for packet, never re-encoded. The
// output is written to the origin's private file system where the browser has it (so the file need not fit in
// memory), else to memory.

import {
  ALL_FORMATS, BlobSource, BufferTarget, Conversion, ConversionCanceledError, Input, MATROSKA, Mp4OutputFormat, Output, QUALITY_HIGH,
  StreamTarget, VideoSample, WEBM, WebMOutputFormat, getFirstEncodableVideoCodec,
  type InputVideoTrack, type OutputFormat, type StreamTargetChunk, type Target, type VideoCodec,
} from 'mediabunny';
import type { DetectionSettings } from './detection-settings.ts';
import { withDeadline } from './deadline.ts';
import { TimeoutError } from './errors.ts';
import type { RedactionStyle } from './redaction-options.ts';
import { FrameRedaction, type PictureDetector } from './redaction-loop.ts';

/** The video codecs tried for the output, best first, by container. */
// WebM: VP9 compresses about as well as H.264 at far less than AV1's encoding cost (AV1 in software runs below real
// time at 720p on small machines). MP4: H.264 plays everywhere the input did; HEVC and AV1 only where H.264 cannot be
// encoded.
export const CODEC_PREFERENCE = { webm: ['vp9', 'vp8', 'av1'], mp4: ['avc', 'hevc', 'vp9', 'av1'] } as const satisfies Record<string, readonly VideoCodec[]>;
/** A frame's detection may take this long before the frame is hidden whole (a file has no real-time pace to keep). */
const DETECTION_TIMEOUT_MS = 10_000;
/** No frame done for this long (a decoder that accepted the file but gives nothing back): the work is given up. */
const STALL_TIMEOUT_MS = 30_000;
/** The stall check's period, at most: a stall is found at most this late (or a quarter of a shorter stallTimeout). */
const STALL_CHECK_MS = 1000;
/** How long a cancelled conversion may take to close its decoders and encoders before the cancel returns anyway. */
const CANCEL_DEADLINE_MS = 5000;

/** Codec names as people know them, for messages. */
const codecNames: Record<string, string> = {
  avc: 'H.264', hevc: 'H.265 (HEVC)', vp8: 'VP8', vp9: 'VP9', av1: 'AV1', prores: 'ProRes',
};
export const codecName = (codec: string | null): string => (codec === null ? 'an unknown codec' : codecNames[codec] ?? codec);

export interface VideoProgress {
  /** Frames redacted and handed to the encoder so far. */
  frames: number;
  /** The video track's frame count (its packets), once counted beside the work (at once for an MP4, after reading a WebM's clusters); else null. */
  totalFrames: number | null;
  /** Done, 0..1, by media time. */
  fraction: number;
  /** Estimated milliseconds left, from the pace so far; null until there is a pace. */
  msLeft: number | null;
}

export interface RedactVideoOptions {
  /**
   * The detector asked for each frame's faces, given an RGB copy of the frame (a FaceDetector with the full model suits
   * files).
   */
  detector: PictureDetector<OffscreenCanvas>;
  style?: Partial<RedactionStyle>;
  settings?: Partial<DetectionSettings>;
  /** Aborting it cancels the work: decoder and encoder closed, nothing written kept. */
  signal?: AbortSignal;
  onProgress?: (progress: VideoProgress) => void;
  /**
   * Milliseconds without a frame done (a decoder that gives nothing back, a file whose reads stop answering) after
   * which the work is given up with a TimeoutError (step 'frames'), cleaned up as on a cancel. Default 30 000.
   */
  stallTimeout?: number;
}

export interface RedactedVideo {
  /** The redacted video, of the input's container kind (MOV becomes MP4). */
  blob: Blob;
  extension: 'webm' | 'mp4';
  /** The output's video codec. */
  videoCodec: VideoCodec;
  /** Whether an audio track was copied through. */
  audio: boolean;
  frames: number;
}

/** A video track this browser cannot decode (or no video track at all). */
export class UndecodableVideoError extends Error {
  override readonly name = 'UndecodableVideoError';
  readonly codec: string | null;

  constructor(codec: string | null, message: string) {
    super(message);
    this.codec = codec;
  }
}

/** `file` with every face hidden; rejects with an AbortError when `signal` aborts, leaving nothing behind. */
export async function redactVideo(file: Blob, options: RedactVideoOptions): Promise<RedactedVideo> {
  const { detector, style = {}, settings = {}, signal, onProgress, stallTimeout = STALL_TIMEOUT_MS } = options;
  if (!(stallTimeout > 0 && Number.isFinite(stallTimeout))) throw new RangeError(`stallTimeout must be a positive number of milliseconds, not ${stallTimeout}.`);
  signal?.throwIfAborted();
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  // What comes before the first frame reads the file too (its header, a WebM's first cluster): a file whose reads stop
  // answering there is given up after the same time as one that stops later, its reads failed by the input's disposal.
  const { track, container, videoCodec } = await withDeadline(
    readVideo(input), stallTimeout, 'frames', 'Reading the video\'s tracks and codecs, no frame done meanwhile:',
  ).catch((error: unknown) => {
    input.dispose();
    throw error;
  });
  const codec = track.codec;
  // Counted beside the work, not before it: an MP4's header lists its packets, but a WebM's count means reading every
  // cluster of the file. Progress says "of N" once it is known.
  let totalFrames: number | null = null;
  void frameCount(track).then((count) => (totalFrames = count));

  const written = await openOutput();
  const outputFormat: OutputFormat = container === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: written.streamed ? false : 'in-memory' });
  const output = new Output({ format: outputFormat, target: written.target });

  const redaction = new FrameRedaction({ style, settings, smoothing: null, detectionTimeout: DETECTION_TIMEOUT_MS });
  /** The decoded frame, as RGB pixels (see process). */
  const picture = new OffscreenCanvas(1, 1);
  /** The redacted frame, given to the encoder. */
  const canvas = new OffscreenCanvas(1, 1);
  let frames = 0;
  let previousTimestamp = 0;
  let lastFrameAt = performance.now();
  const started = performance.now();
  let fraction = 0;
  const report = () => {
    const elapsed = performance.now() - started;
    onProgress?.({ frames, totalFrames, fraction, msLeft: fraction > 0 ? (elapsed / fraction) * (1 - fraction) : null });
  };
  // Detection errors are not the file's: the frame is hidden whole, and the next frame asks again.
  const ignore = () => undefined;
  /** Aborted, with the reason, when the work is cancelled or given up. */
  const halt = new AbortController();

  const conversion = await Conversion.init({
    input, output, tracks: 'primary', showWarnings: false,
    // Nothing of the input's metadata (places, names, devices) goes into the output.
    tags: {},
    video: {
      codec: videoCodec,
      quality: QUALITY_HIGH,
      forceTranscode: true,
      // Rotation is drawn into the frames: the detector must see faces upright.
      allowTransformationMetadata: false,
      process: async (sample) => {
        const frame = sample.toVideoFrame();
        try {
          const now = sample.timestamp * 1000;
          // A decoded frame without a duration (Firefox's last) lasts as long as the one before it, not 0 s.
          const duration = sample.duration > 0 ? sample.duration : sample.timestamp - previousTimestamp;
          previousTimestamp = sample.timestamp;
          const { displayWidth: width, displayHeight: height } = frame;
          for (const sized of [picture, canvas]) if (sized.width !== width || sized.height !== height) [sized.width, sized.height] = [width, height];
          // The frame converted to RGB once: the Redactor reads its picture again for each face's cells, and each read
          // of a VideoFrame converts all of it (the bench's 1280×720 clip, full model: 55.6 s painted from the frame,
          // 12.0 s from this copy).
          picture.getContext('2d')!.drawImage(frame, 0, 0, width, height);
          // The detector reads that copy too: scaling RGB down costs less than copying the YUV frame out and
          // converting the rows it samples (the bench's clip, full model: 28–32 ms a frame's detection against 39–42
          // ms; short model: even, the saving offset by the detection no longer overlapping this drawing).
          // A frame's detection may take seconds on a busy machine; a cancel does not wait for it. The decoder is
          // closed only once this callback has returned, which frees mediabunny's loop to end its reading.
          const faces = await unlessHalted(redaction.faces(detector, picture, now, ignore), halt.signal);
          redaction.paint(canvas.getContext('2d')!, picture, faces, now, width, height);
          frames++;
          lastFrameAt = performance.now();
          report();
          // A frame of its own (the canvas is painted again for the next one while this one may still wait to be encoded).
          // The sample carries the times too: mediabunny reads the sample's, the encoder the frame's.
          const painted = new VideoFrame(canvas, { timestamp: sample.microsecondTimestamp, duration: Math.round(duration * 1e6) });
          return new VideoSample(painted, { timestamp: sample.timestamp, duration });
        } finally {
          frame.close();
        }
      },
    },
    // The audio track as it is: copied, or left out where the output container cannot take its codec.
    audio: { forceTranscode: false },
  });
  const video = conversion.utilizedTracks.find((used) => used.type === 'video');
  if (!conversion.isValid || !video) {
    await written.discard();
    const reason = conversion.discardedTracks.find((discarded) => discarded.track.type === 'video')?.reason;
    throw new UndecodableVideoError(codec, `The video (${codecName(codec)}) cannot be converted here: ${reason ?? 'no video track left'}.`);
  }
  const audio = conversion.utilizedTracks.some((used) => used.type === 'audio');
  conversion.onProgress = (progress) => {
    fraction = progress;
    report();
  };

  let cancelled: Promise<unknown> = Promise.resolve();
  // A conversion waiting on a read that never answers stays pending even once cancelled: the work ends with the stop,
  // and disposing the input (below) fails that read, so that the decoder waiting on it winds down and is closed.
  let stopped: (reason: Error) => void = () => undefined;
  const stopping = new Promise<never>((_, reject) => (stopped = reject));
  const cancel = (reason: Error) => {
    if (halt.signal.aborted) return;
    halt.abort(reason);
    // Not awaited past its deadline: a clean-up that never ends must not hold the file's deletion up.
    cancelled = withDeadline(conversion.cancel(), CANCEL_DEADLINE_MS, 'write', 'Closing the video\'s decoder, encoder and output').catch(() => undefined);
    stopped(reason);
  };
  const onAbort = () => cancel(new DOMException('The video was cancelled.', 'AbortError'));
  signal?.addEventListener('abort', onAbort);
  const watch = setInterval(() => {
    if (performance.now() - lastFrameAt > stallTimeout) {
      cancel(new TimeoutError('frames', stallTimeout, `Decoding and redacting the video (${codecName(codec)}), no frame done meanwhile:`));
    }
  }, Math.min(STALL_CHECK_MS, stallTimeout / 4));
  try {
    const executing = conversion.execute();
    executing.catch(() => undefined); // left behind when stopped first
    await Promise.race([executing, stopping]);
  } catch (error) {
    await cancelled; // the output is let go of (its file closed) before it is deleted
    await written.discard();
    if (halt.signal.aborted) throw halt.signal.reason;
    if (error instanceof ConversionCanceledError) throw new DOMException('The video was cancelled.', 'AbortError');
    throw new Error(`The video (${codecName(codec)}) could not be redacted: ${(error as Error).message}`, { cause: error });
  } finally {
    clearInterval(watch);
    signal?.removeEventListener('abort', onAbort);
    input.dispose();
  }
  return { blob: await written.blob(await output.getMimeType()), extension: container, videoCodec, audio, frames };
}

interface ReadVideo {
  track: InputVideoTrack;
  /** The output's container: the input's kind (MOV becomes MP4). */
  container: 'webm' | 'mp4';
  /** The output's video codec. */
  videoCodec: VideoCodec;
}

/** The input's video track, checked decodable, and what the output will be: or an UndecodableVideoError. */
async function readVideo(input: Input): Promise<ReadVideo> {
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new UndecodableVideoError(null, 'The file has no video track that can be read.');
  const codec = track.codec;
  // Asked before any encoder is: WebKitGTK 2.50 kills the page's web process when a VideoEncoder is asked about a
  // configuration before anything in that process has started GStreamer, which asking a decoder does.
  if (!(await track.canDecode())) {
    throw new UndecodableVideoError(codec, `This browser cannot decode the video's codec, ${codecName(codec)} (${await track.getCodecParameterString() ?? 'unknown'}).`);
  }
  const format = await input.getFormat();
  const container = format === WEBM || format === MATROSKA ? 'webm' : 'mp4';
  // At the quality Conversion asks for: mediabunny keeps the answer for the same question, and in Firefox it answers by
  // encoding a frame with an encoder of its own that it does not close, so asking twice would leave two.
  const videoCodec = await getFirstEncodableVideoCodec([...CODEC_PREFERENCE[container]], { width: track.displayWidth, height: track.displayHeight, quality: QUALITY_HIGH });
  if (!videoCodec) throw new UndecodableVideoError(codec, `This browser cannot encode a ${track.displayWidth}×${track.displayHeight} video in any codec a ${container.toUpperCase()} file takes.`);
  return { track, container, videoCodec };
}

/** The track's frame count (its packets), or null where it cannot be read (a file that failed, or was let go of). */
async function frameCount(track: InputVideoTrack): Promise<number | null> {
  const stats = await track.computePacketStats(Infinity).catch(() => null);
  return stats && stats.packetCount > 0 ? stats.packetCount : null;
}

interface WrittenOutput {
  target: Target;
  /** Whether the output is written out as it is made (not kept whole in memory). */
  streamed: boolean;
  /** The finished file. */
  blob(type: string): Promise<Blob>;
  /** Deletes what was written. */
  discard(): Promise<void>;
}

/**
 * The one file, in the origin's private file system, that outputs are written to: each video replaces the last (a
 * download reads its file after the page handed it over, so the latest is kept until the next video).
 */
const OUTPUT_FILE = 'redacted-video';

/**
 * Where the output goes: the origin's private file system (written as it is made, its Blob read from disk), or,
 * where the browser cannot write there, memory.
 */
async function openOutput(): Promise<WrittenOutput> {
  const root = await navigator.storage?.getDirectory?.().catch(() => null);
  const handle = await root?.getFileHandle(OUTPUT_FILE, { create: true }).catch(() => null);
  const writable = await handle?.createWritable?.().catch(() => null);
  if (root && handle && writable) {
    // A file stream's write() takes { type: 'write', position, data }: the very chunks StreamTarget gives.
    const target = new StreamTarget(writable as unknown as WritableStream<StreamTargetChunk>);
    return {
      target, streamed: true,
      blob: async (type) => (await handle.getFile()).slice(0, undefined, type),
      discard: async () => {
        await writable.abort().catch(() => undefined);
        await root.removeEntry(OUTPUT_FILE).catch(() => undefined);
      },
    };
  }
  const target = new BufferTarget();
  return {
    target, streamed: false,
    blob: async (type) => new Blob([target.buffer!], { type }),
    discard: async () => undefined,
  };
}

/** `work`'s result, or a rejection with `signal`'s reason as soon as it aborts (the work itself left to finish). */
function unlessHalted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
