// redactVideo when the file stops giving frames: an MP4 (its index first) and a WebM made here with mediabunny (the
// app's video tests' walking faces, test/helpers/walking-faces-video.ts), read through a Blob whose reads stop answering
// partway (as a file on a network share or a drive pulled out does), must end in a TimeoutError at the step 'frames'
// once `stallTimeout` passes without a frame done, not hang; and, as on a cancel, with its decoder and encoder closed
// and nothing left in the private file system. A cancel while a frame's detection does not answer must end at once,
// its decoder closed, not wait for the detection. Where the browser's WebCodecs cannot encode the test's VP8 and Opus,
// the test cannot make its input: it says so and is skipped.
import { expect } from 'chai';
import { TimeoutError } from '../../model/errors.ts';
import { FaceDetector } from '../../model/face-detector.ts';
import { redactVideo, type VideoProgress } from '../../model/redact-video.ts';
import { closeUp } from '../helpers/synthetic-faces.ts';
import { testBrowser } from '../helpers/test-browser.ts';
import { canMakeVideos, makeVideo } from '../helpers/walking-faces-video.ts';

/** The test video's length: 8 s at 30 fps. */
const FRAMES = 240;
/** The stall the test gives redactVideo: short, so the test is quick; the default is 30 s. */
const STALL_TIMEOUT_MS = 2000;
/** How long past the stall timeout the test waits for the rejection before it fails (the cancel may take 5 s). */
const REJECTION_DEADLINE_MS = STALL_TIMEOUT_MS + 15_000;
/** How long after the rejection the video's decoder and encoder may take to be closed. */
const CLOSE_DEADLINE_MS = 5000;

/**
 * A file whose bytes from `stallAt` on never arrive: its reads (streamed, or read whole) answer up to there, then
 * wait for good. Slices keep the file's stall point.
 */
class StallingFile extends Blob {
  readonly #stallAt: number;

  constructor(parts: BlobPart[], stallAt: number, type = '') {
    super(parts, { type });
    this.#stallAt = stallAt;
  }

  override slice(start = 0, end = this.size, type = ''): StallingFile {
    const from = Math.min(Math.max(start < 0 ? this.size + start : start, 0), this.size);
    return new StallingFile([super.slice(from, end)], this.#stallAt - from, type);
  }

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const reader = super.slice(0, Math.max(0, this.#stallAt)).stream().getReader();
    const stalls = this.#stallAt < this.size;
    return new ReadableStream({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (!done) controller.enqueue(value);
        // Past the stall point: no more bytes, and no end either.
        else if (stalls) await new Promise(() => undefined);
        else controller.close();
      },
      cancel: (reason) => reader.cancel(reason),
    });
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#stallAt < this.size ? new Promise(() => undefined) : super.arrayBuffer();
  }
}

/** A VideoDecoder or VideoEncoder made while watched, and how many frames it was given. */
interface WatchedCodec {
  kind: 'VideoDecoder' | 'VideoEncoder';
  codec: VideoDecoder | VideoEncoder;
  frames: number;
}

/** Lists every VideoDecoder and VideoEncoder made from now on, until `restore()`. */
function watchCodecs(): { codecs: WatchedCodec[]; restore(): void } {
  const codecs: WatchedCodec[] = [];
  const [Decoder, Encoder] = [VideoDecoder, VideoEncoder];
  globalThis.VideoDecoder = class extends Decoder {
    readonly #entry: WatchedCodec = { kind: 'VideoDecoder', codec: this, frames: 0 };
    constructor(init: VideoDecoderInit) {
      super(init);
      codecs.push(this.#entry);
    }

    override decode(chunk: EncodedVideoChunk): void {
      this.#entry.frames++;
      super.decode(chunk);
    }
  };
  globalThis.VideoEncoder = class extends Encoder {
    readonly #entry: WatchedCodec = { kind: 'VideoEncoder', codec: this, frames: 0 };
    constructor(init: VideoEncoderInit) {
      super(init);
      codecs.push(this.#entry);
    }

    override encode(frame: VideoFrame, options?: VideoEncoderEncodeOptions): void {
      this.#entry.frames++;
      super.encode(frame, options);
    }
  };
  return {
    codecs,
    restore: () => {
      [globalThis.VideoDecoder, globalThis.VideoEncoder] = [Decoder, Encoder];
    },
  };
}

/** Whether the output file is in the origin's private file system (never, where the browser has none: WebKitGTK). */
const outputLeft = async () => navigator.storage?.getDirectory
  ? navigator.storage.getDirectory().then((root) => root.getFileHandle('redacted-video')).then(() => true, () => false)
  : false;

describe('redactVideo stalls', function () {
  this.timeout(120000);
  let detector: FaceDetector;
  before(async () => (detector = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } })));
  after(() => detector.dispose());

  // Mid-way in an MP4, whose index comes first: frames are done, then none. Mid-way in a WebM, whose index (its cues)
  // mediabunny's writer puts at the end and its reader looks for before the first frame: no frame is done, and the
  // deadline ends the reading of its tracks.
  const stalls = [
    { container: 'mp4', where: 'at 40%', stallAt: (size: number) => Math.round(size * 0.4), framesBefore: 'some' },
    { container: 'webm', where: 'at 40%', stallAt: (size: number) => Math.round(size * 0.4), framesBefore: 'none' },
  ] as const;
  for (const { container, where, stallAt, framesBefore } of stalls) {
    it(`gives up a${container === 'mp4' ? 'n' : ''} ${container.toUpperCase()} whose reads stop answering ${where}: a TimeoutError at the frames, codecs closed, nothing kept`, async function () {
      if (!(await canMakeVideos())) {
        console.log(`redact-video: ${testBrowser.name} cannot encode VP8 and Opus with WebCodecs here; the stall test is skipped`);
        this.skip();
      }
      const bytes = await makeVideo((await closeUp('1face.png', 0, 100)).tile, FRAMES, container);
      const file = new StallingFile([bytes], stallAt(bytes.length), `video/${container}`);
      const watched = watchCodecs();
      const progress: VideoProgress[] = [];
      let lastFrameAt = performance.now();
      let outcome: unknown;
      try {
        const redacting = redactVideo(file, {
          detector, stallTimeout: STALL_TIMEOUT_MS,
          onProgress: (report) => {
            // Progress is also reported between frames (by media time): the clock runs from the last frame done.
            if (report.frames !== progress.at(-1)?.frames) lastFrameAt = performance.now();
            progress.push(report);
          },
        });
        let deadline: ReturnType<typeof setTimeout> | undefined;
        const overdue = new Promise<never>((_, reject) => {
          // Armed anew with each frame: the deadline counts from the last one done.
          const arm = () => {
            deadline = setTimeout(() => (performance.now() - lastFrameAt > REJECTION_DEADLINE_MS
              ? reject(new Error(`redactVideo still pending ${REJECTION_DEADLINE_MS} ms after its last frame`))
              : arm()), 500);
          };
          arm();
        });
        outcome = await Promise.race([redacting, overdue]).then(() => 'resolved', (error: unknown) => error);
        clearTimeout(deadline);
      } finally {
        watched.restore();
      }
      const quietMs = performance.now() - lastFrameAt;
      const framesDone = progress.at(-1)?.frames ?? 0;
      console.log(`redact-video: ${container}, ${framesDone} of ${FRAMES} frames done before the reads stopped (${bytes.length} bytes, stalled ${where}); rejected ${quietMs.toFixed(0)} ms after the last frame: ${String(outcome)}`);
      expect(outcome, 'the outcome').to.be.instanceOf(TimeoutError);
      expect((outcome as TimeoutError).step).to.equal('frames');
      expect((outcome as TimeoutError).ms).to.equal(STALL_TIMEOUT_MS);
      if (framesBefore === 'some') expect(framesDone, 'frames done before the stall').to.be.greaterThan(0).and.below(FRAMES);
      else expect(framesDone, 'frames done before the stall').to.equal(0);
      expect(quietMs, 'time from the last frame to the rejection (ms)').to.be.at.least(STALL_TIMEOUT_MS);

      // The decoder waiting on the read that never came is closed once redactVideo lets go of the file, as it rejects.
      const deadline = performance.now() + CLOSE_DEADLINE_MS;
      while (watched.codecs.some(({ codec, frames }) => frames > 1 && codec.state !== 'closed') && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const closedAfterMs = performance.now() - (deadline - CLOSE_DEADLINE_MS);
      const codecs = watched.codecs.map(({ kind, codec, frames }) => `${kind} ${codec.state} (${frames} frames)`);
      console.log(`redact-video: ${closedAfterMs.toFixed(0)} ms after the rejection, ${codecs.join(', ')}`);
      // Those that took the video's frames must be closed. In Firefox, mediabunny checks that a codec encodes by
      // encoding one frame with an encoder it never closes: at most one such probe is left open.
      const used = watched.codecs.filter(({ frames }) => frames > 1).map(({ kind, codec }) => `${kind} ${codec.state}`);
      if (framesBefore === 'some') expect(used, 'decoder and encoder of the video').to.include.members(['VideoDecoder closed', 'VideoEncoder closed']);
      expect(used, 'codecs that took the video\'s frames').to.satisfy((states: string[]) => states.every((state) => state.endsWith(' closed')));
      expect(await outputLeft(), 'the half-written output left in the private file system').to.equal(false);
    });
  }

  it('ends a cancel at once while a frame\'s detection does not answer: an AbortError, decoder and encoder closed', async function () {
    if (!(await canMakeVideos())) {
      console.log(`redact-video: ${testBrowser.name} cannot encode VP8 and Opus with WebCodecs here; the cancel test is skipped`);
      this.skip();
    }
    const bytes = await makeVideo((await closeUp('1face.png', 0, 100)).tile, FRAMES, 'webm');
    // The real detector for the first frames, then one whose answer never comes (a worker busy on a loaded machine
    // answers late; redactVideo's own detection timeout is 10 s).
    let asked = 0;
    let hung!: () => void;
    const hanging = new Promise<void>((resolve) => (hung = resolve));
    const slowDetector = {
      detect: (picture: OffscreenCanvas, options: Parameters<FaceDetector['detect']>[1]) => {
        if (++asked < 10) return detector.detect(picture, options);
        hung();
        return new Promise<never>(() => undefined);
      },
    };
    const watched = watchCodecs();
    const cancel = new AbortController();
    let outcome: unknown;
    let cancelledAt = 0;
    try {
      const redacting = redactVideo(new Blob([bytes], { type: 'video/webm' }), { detector: slowDetector, signal: cancel.signal });
      await hanging;
      cancelledAt = performance.now();
      cancel.abort();
      outcome = await redacting.then(() => 'resolved', (error: unknown) => error);
    } finally {
      watched.restore();
    }
    const rejectedAfterMs = performance.now() - cancelledAt;
    const codecs = watched.codecs.map(({ kind, codec, frames }) => `${kind} ${codec.state} (${frames} frames)`);
    console.log(`redact-video: cancelled during the detection of frame ${asked}; rejected ${rejectedAfterMs.toFixed(0)} ms later, ${codecs.join(', ')}`);
    expect(outcome, 'the outcome').to.be.instanceOf(DOMException).and.to.have.property('name', 'AbortError');
    // Below the 10 s that the frame's detection may take before it is given up.
    expect(rejectedAfterMs, 'time from the cancel to the rejection (ms)').to.be.below(5000);
    const used = watched.codecs.filter(({ frames }) => frames > 1).map(({ kind, codec }) => `${kind} ${codec.state}`);
    expect(used, 'decoder and encoder of the video, closed as the cancel returns').to.include.members(['VideoDecoder closed', 'VideoEncoder closed']);
    expect(used, 'codecs that took the video\'s frames').to.satisfy((states: string[]) => states.every((state) => state.endsWith(' closed')));
    expect(await outputLeft(), 'the half-written output left in the private file system').to.equal(false);
  });

  it('refuses a stall timeout that is not a positive number of milliseconds', async () => {
    for (const stallTimeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const refusal = await redactVideo(new Blob([]), { detector, stallTimeout }).then(() => 'resolved', (error: unknown) => error);
      expect(refusal, `stallTimeout ${stallTimeout}`).to.be.instanceOf(RangeError);
    }
  });
});
