// The newest frame of a stream's video track, straight from the track, where the page has a
// MediaStreamTrackProcessor (Chromium). A frame made from the playing <video> (new VideoFrame(video)) is the
// compositor's copy, on the GPU: copying its pixels out waits for the GPU process. The track's own frames are
// in CPU memory. Measured in Chromium 156 on SwiftShader with its fake camera at 1280×720: copyTo() takes 0.8–1.1 ms
// for the track's I420 frames against 4.9–5.9 ms for the video's NV12 ones. While the page paints four 1280×720
// canvases it takes 0.8–1.7 ms against 5.3–11.3 s, since the read-back waits behind the painting. Canvas streams'
// frames cost the same either way (BGRA, 0.6–0.9 ms).

import { readFrames } from '../model/read-frames.ts';

type TrackProcessorConstructor = new (init: { track: MediaStreamTrack }) => { readonly readable: ReadableStream<VideoFrame> };

export class FrameTap {
  #reader: ReadableStreamDefaultReader<VideoFrame>;
  #latest: VideoFrame | null = null;
  #stopped = false;
  /** While held (the element paused, the page hidden), resolved when reading may go on; null while reading. */
  #held: { resumed: Promise<void>; resume(): void } | null = null;

  /** A tap on the stream's live video track, or null where the page has no track processor. */
  static open(stream: MediaStream): FrameTap | null {
    const Processor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorConstructor }).MediaStreamTrackProcessor;
    const track = stream.getVideoTracks().find((candidate) => candidate.readyState === 'live');
    if (!Processor || !track) return null;
    try {
      return new FrameTap(new Processor({ track }).readable);
    } catch {
      return null; // a track the processor refuses: the video's frames are read instead
    }
  }

  private constructor(readable: ReadableStream<VideoFrame>) {
    this.#reader = readable.getReader();
    // Until the track ends or the tap is stopped, the newest frame is kept and each older one closed; a track that
    // fails ends the same way, and the video's own frames are read instead.
    void readFrames(this.#reader, (frame) => this.#keep(frame), () => this.#stopped, () => this.#held?.resumed).then(() => this.#keep(null));
  }

  /**
   * Stops reading until resume(), and lets go of the frame held: a paused element or hidden page needs no frames,
   * and the track's processor keeps only its newest unread one meanwhile. Idempotent.
   */
  hold(): void {
    if (this.#held || this.#stopped) return;
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    this.#held = { resumed, resume };
    this.#keep(null);
  }

  /** Reads the track's frames again after hold(). Idempotent. */
  resume(): void {
    this.#held?.resume();
    this.#held = null;
  }

  /** A copy of the newest frame, the caller's to close; null before the first frame and after the end. */
  take(): VideoFrame | null {
    return this.#latest?.clone() ?? null;
  }

  /** Stops reading (the track itself is left as it is) and lets go of the frame held. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reader.cancel().catch(() => undefined);
    this.resume();
    this.#keep(null);
  }

  #keep(frame: VideoFrame | null): void {
    this.#latest?.close();
    this.#latest = frame;
  }
}
