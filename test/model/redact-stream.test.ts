// redactStream() in a real page, in every browser: a canvas stream of the element tests' photo goes in, the output
// is played in a <video> and its frames read back. The face is blurred (its Laplacian variance at least 10× below
// the source's), the rest of the picture is the source's, the audio track is passed on, frames whose faces are
// not known are hidden whole, the stream ends and lets go of its detector when its video is stopped or its input
// ends, and bad options throw typed errors before any work. In Chromium, where the frames are redacted in a worker,
// the output keeps coming, faces blurred, while the page's thread is blocked, and a late detection's error reaches
// onError as the same class.
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { Detector } from '../../model/detector.ts';
import { InvalidOptionError, TimeoutError } from '../../model/errors.ts';
import type { Face } from '../../model/face.ts';
import { REDACTION_MIN_SCORE } from '../../model/redactor.ts';
import { redactStream, redactStreamPath, type RedactStreamOptions } from '../../model/index.ts';
import { usePhotoReference, useElementSources, type PaintedStream } from '../helpers/element-harness.ts';
import { faceSpot, laplacianVariance, STREAM_HEIGHT, STREAM_WIDTH, videoOf } from '../helpers/picture-measures.ts';
import { describeForNative, networkEngine, testBrowser } from '../helpers/test-browser.ts';
import { delay, detectorWorkers, redactionWorkers, until } from '../helpers/waits.ts';

const [WIDTH, HEIGHT] = [STREAM_WIDTH, STREAM_HEIGHT];

/** The mean absolute difference per channel between two pictures in a square around (x, y). */
function difference(a: ImageData, b: ImageData, x: number, y: number, radius: number): number {
  let [sum, count] = [0, 0];
  for (let py = y - radius; py <= y + radius; py++) {
    for (let px = x - radius; px <= x + radius; px++) {
      const at = (py * a.width + px) * 4;
      for (let channel = 0; channel < 3; channel++) sum += Math.abs(a.data[at + channel]! - b.data[at + channel]!);
      count += 3;
    }
  }
  return sum / count;
}

/**
 * Points of the photo (not its black letterbox) far from every face: over two face widths from each face's centre,
 * out of reach of the default padded masks and of what is held.
 */
function farSpots(source: ImageData, faces: readonly Face[]): { x: number; y: number }[] {
  const spots: { x: number; y: number }[] = [];
  for (let y = 24; y < HEIGHT - 24; y += 24) {
    for (let x = 24; x < WIDTH - 24; x += 24) {
      const far = faces.every((face) => {
        const { x: fx, y: fy } = faceSpot(face);
        const reach = 2.2 * (face.box.xMax - face.box.xMin) * WIDTH;
        return Math.hypot(x - fx, y - fy) > reach;
      });
      if (far && laplacianVariance(source, x, y, 6) > 20) spots.push({ x, y });
    }
  }
  return spots;
}

/** The mean difference between two pictures over the spots. */
function differenceAt(a: ImageData, b: ImageData, spots: readonly { x: number; y: number }[]): number {
  return spots.reduce((sum, { x, y }) => sum + difference(a, b, x, y, 6), 0) / spots.length;
}

/** A worker running `source`, a classic script of the test's own. */
function scriptWorker(source: string): Worker {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  return worker;
}

/** Paints the picture it is sent into the generator's stream it is sent, 30 times a second, all off the page's thread. */
const painterScript = `onmessage = ({ data: { picture, writable } }) => {
  const writer = writable.getWriter();
  const canvas = new OffscreenCanvas(picture.width, picture.height);
  canvas.getContext('2d').drawImage(picture, 0, 0);
  let count = 0;
  setInterval(() => {
    const frame = new VideoFrame(canvas, { timestamp: count++ * 33333 });
    writer.write(frame).catch(() => frame.close());
  }, 33);
};`;

/**
 * Notes when each frame of the processor's stream it is sent arrives (Date.now()), keeping the latest frames'
 * pixels; asked for a span of time, answers how many arrived in it, the pixels of the last of them, and how many
 * arrived in all.
 */
const counterScript = `const arrivals = [];
let total = 0;
onmessage = async ({ data }) => {
  if (data.from !== undefined) {
    const within = arrivals.filter(({ time }) => time >= data.from && time <= data.to);
    postMessage({ count: within.length, last: within.at(-1)?.pixels ?? null, total });
    return;
  }
  const reader = data.readable.getReader();
  const context = new OffscreenCanvas(data.width, data.height).getContext('2d', { willReadFrequently: true });
  for (;;) {
    const { value: frame, done } = await reader.read();
    if (done) return;
    const time = Date.now();
    total++;
    context.drawImage(frame, 0, 0, data.width, data.height);
    frame.close();
    arrivals.push({ time, pixels: context.getImageData(0, 0, data.width, data.height) });
    if (arrivals.length > 40) arrivals.shift(); // over a second of frames: the span asked for has just ended
  }
};`;

/** The page's thread busy for `ms`, running nothing else, as a heavy page would. */
function blockPage(ms: number): { from: number; to: number } {
  const from = Date.now();
  while (Date.now() - from < ms) {
    // busy
  }
  return { from, to: Date.now() };
}

describe('redactStream()', function () {
  const sample = usePhotoReference();
  const { streamOf, afterTest } = useElementSources();

  /** A muted <video> in the page playing `stream`, removed after the test. */
  async function play(stream: MediaStream): Promise<HTMLVideoElement> {
    const { video, playing } = videoOf(stream);
    afterTest(() => video.remove());
    await playing;
    await until(() => video.videoWidth > 0 && video.readyState >= 2, 'the video playing');
    return video;
  }

  /** The video's current frame, at the stream's size. */
  function grab(video: HTMLVideoElement): ImageData {
    const context = new OffscreenCanvas(WIDTH, HEIGHT).getContext('2d', { willReadFrequently: true })!;
    context.drawImage(video, 0, 0, WIDTH, HEIGHT);
    return context.getImageData(0, 0, WIDTH, HEIGHT);
  }

  /** Counts the frames the video presents from now on, until stopped. */
  function frameCounter(video: HTMLVideoElement): { readonly frames: number; stop(): void } {
    let frames = 0;
    let handle = 0;
    const onFrame = () => {
      frames++;
      handle = video.requestVideoFrameCallback(onFrame);
    };
    handle = video.requestVideoFrameCallback(onFrame);
    return { get frames() { return frames; }, stop: () => video.cancelVideoFrameCallback(handle) };
  }

  /** Frames per second the video presents, counted over `ms`. */
  async function framesPerSecond(video: HTMLVideoElement, ms: number): Promise<number> {
    const counter = frameCounter(video);
    await delay(ms);
    counter.stop();
    return (counter.frames * 1000) / ms;
  }

  /** Resolves once the video has presented `count` more frames (within the wait's own deadline). */
  async function framesPresented(video: HTMLVideoElement, count: number): Promise<void> {
    const counter = frameCounter(video);
    try {
      await until(() => counter.frames >= count, async () => `${count} frames presented (${counter.frames} so far)`);
    } finally {
      counter.stop();
    }
  }

  /** The source, its pixels, the faces the reference finds in it, and the points far from them. */
  async function photoSource(): Promise<{ source: PaintedStream; pixels: ImageData; faces: Face[]; far: { x: number; y: number }[] }> {
    const source = streamOf(sample.image);
    const pixels = source.canvas.getContext('2d')!.getImageData(0, 0, WIDTH, HEIGHT);
    const faces = await sample.reference.detect(source.canvas);
    expect(faces.length, 'faces in the source').to.be.greaterThan(0);
    // Faces are hidden down to REDACTION_MIN_SCORE: far means far from those too, found with a margin below it.
    const doubtful = await sample.reference.detect(source.canvas, { settings: { minScore: REDACTION_MIN_SCORE - 0.1 } });
    const far = farSpots(pixels, doubtful);
    expect(far.length, 'detailed points far from the faces').to.be.greaterThan(10);
    return { source, pixels, faces, far };
  }

  /** redactStream() with the network on this browser's engine, its output stopped after the test. */
  function redacted(stream: MediaStream, options: RedactStreamOptions = {}): MediaStream {
    const output = redactStream(stream, { context: { engine: networkEngine }, ...options });
    afterTest(() => output.getVideoTracks().forEach((track) => track.stop()));
    return output;
  }

  it(`takes the ${testBrowser.engine === 'chromium' ? 'track processor' : 'video element'} path`, () => {
    expect(redactStreamPath()).to.equal(testBrowser.engine === 'chromium' ? 'track-processor' : 'video-element');
  });

  it('blurs the faces, shows the rest as it is, passes the audio on and keeps the frame rate', async () => {
    const { source, pixels, faces, far } = await photoSource();
    const audio = new AudioContext();
    afterTest(() => void audio.close());
    const destination = audio.createMediaStreamDestination();
    const tone = audio.createOscillator();
    tone.connect(destination);
    tone.start();
    const [audioTrack] = destination.stream.getAudioTracks();
    const input = new MediaStream([...source.stream.getVideoTracks(), audioTrack!]);

    const output = redacted(input);
    expect(output.getVideoTracks(), 'video tracks').to.have.length(1);
    expect(output.getVideoTracks()[0], 'a track of its own').to.not.equal(source.stream.getVideoTracks()[0]);
    expect(output.getAudioTracks(), 'the audio track itself').to.deep.equal([audioTrack]);

    const video = await play(output);
    expect([video.videoWidth, video.videoHeight], 'the input size').to.deep.equal([WIDTH, HEIGHT]);
    // The first frame shown: hidden whole if the detector has not answered yet, its face hidden if it has.
    let frame = grab(video);
    for (const face of faces) {
      const { x, y, radius } = faceSpot(face);
      expect(laplacianVariance(frame, x, y, radius), 'the face in the first frame').to.be.below(laplacianVariance(pixels, x, y, radius) / 10);
    }
    // Until the detector's first answer, frames are hidden whole; then the picture far from the faces is the source's.
    await until(() => differenceAt((frame = grab(video)), pixels, far) < 8, async () => `the picture far from the faces: ${differenceAt(frame, pixels, far).toFixed(1)} from the source`);
    const farDifference = differenceAt(frame, pixels, far);
    for (const face of faces) {
      const { x, y, radius } = faceSpot(face);
      const [before, after] = [laplacianVariance(pixels, x, y, radius), laplacianVariance(frame, x, y, radius)];
      console.log(`${testBrowser.name}: face at ${x},${y}: Laplacian variance ${before.toFixed(1)} in the source, ${after.toFixed(2)} out (${(before / after).toFixed(0)}×); far from faces ${farDifference.toFixed(2)} per channel`);
      expect(before, 'the photo is sharp there').to.be.greaterThan(50);
      expect(after, 'blurred to a tenth of its detail or less').to.be.below(before / 10);
    }

    // Counted once the stream is under way, as a call would run.
    await framesPresented(video, 45);
    const [inputRate, outputRate] = await Promise.all([framesPerSecond(await play(source.stream), 3000), framesPerSecond(video, 3000)]);
    console.log(`${testBrowser.name}: ${outputRate.toFixed(1)} frames per second out, ${inputRate.toFixed(1)} in`);
    // How close the output comes to the input's rate depends on the machine's load (the bench's redactStream row
    // measures it: the input's rate in Chromium and Firefox, 14.9 of 17.6 fps in WebKit, unloaded). One CI run measured 0.7 fps
    // out of WebKit for 29.3 in, with the other browsers' tests beside it. What is checked here holds at any
    // load: frames keep coming (a frame whose detection takes past detectionTimeout, 1 s, goes out hidden
    // whole), and none is sent twice or queued.
    expect(outputRate, `${outputRate.toFixed(1)} fps out for ${inputRate.toFixed(1)} in`).to.be.at.least(0.5);
    expect(outputRate, 'never more frames than come in').to.be.below(inputRate * 1.15 + 1);
  });

  // The breakout box: MediaStreamTrackProcessor and MediaStreamTrackGenerator (Chromium), as the page has them.
  type BreakoutGlobals = {
    MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };
    MediaStreamTrackGenerator: new (init: { kind: 'video' }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> };
  };

  // Chromium with a GPU (SwiftShader's, here): without one (--disable-gpu, as chromium-native runs), drawing a
  // VideoFrame on a worker's canvas waits for the page's thread (measured in Chromium 153 and 156: no frame out
  // of a worker that draws them while the page is blocked, 30 a second from one that only copies them out), so
  // there the redaction worker's painting is held up by a busy page like the page's own would be.
  const gpuChromium = testBrowser.engine === 'chromium' && testBrowser.gpuEngines.length > 0;

  (gpuChromium ? it : it.skip)('redacts in a worker: frames keep coming, faces hidden, while the page is busy', async () => {
    const { source, pixels, faces, far } = await photoSource();
    const { MediaStreamTrackProcessor, MediaStreamTrackGenerator } = globalThis as unknown as BreakoutGlobals;
    // An input whose frames come from a worker, not from the page's thread, which is about to be blocked.
    const input = new MediaStreamTrackGenerator({ kind: 'video' });
    const painter = scriptWorker(painterScript);
    const picture = await createImageBitmap(source.canvas);
    painter.postMessage({ picture, writable: input.writable }, [picture, input.writable]);
    afterTest(() => (input.stop(), painter.terminate()));

    const output = redacted(new MediaStream([input]));
    const outputTrack = output.getVideoTracks()[0]!;
    const counter = scriptWorker(counterScript);
    afterTest(() => counter.terminate());
    const { readable } = new MediaStreamTrackProcessor({ track: outputTrack.clone() });
    counter.postMessage({ readable, width: WIDTH, height: HEIGHT }, [readable]);
    const ask = (span: { from: number; to: number }) =>
      new Promise<{ count: number; last: ImageData | null; total: number }>((resolve) => {
        counter.addEventListener('message', ({ data }) => resolve(data), { once: true });
        counter.postMessage(span);
      });

    // Detections running: the picture far from the faces is the source's. Then 45 frames on, past the detector's
    // start: a page blocked during it stalled the output in 2 of 6 runs; once the output had settled, no run did.
    const video = await play(output);
    await until(() => differenceAt(grab(video), pixels, far) < 8, 'the first detections');
    const framesOut = async () => (await ask({ from: 0, to: 0 })).total;
    const settled = (await framesOut()) + 45;
    await until(async () => (await framesOut()) >= settled, 'the engine settled');
    const blocked = blockPage(1000);
    const { count, last } = await ask(blocked);
    await delay(1000);
    const after = await ask({ from: blocked.to, to: Date.now() });
    const farDifference = last ? differenceAt(last, pixels, far) : Number.NaN;
    console.log(`${testBrowser.name}: ${count} frames out while the page was blocked for ${blocked.to - blocked.from} ms, ${after.count} in the ${Date.now() - blocked.to} ms after; the last one blocked ${farDifference.toFixed(2)} from the source far from faces`);
    expect(count, 'frames out with the page blocked').to.be.at.least(3);
    expect(last, 'a frame painted while the page was blocked').to.not.equal(null);
    expect(farDifference, 'its faces detected: the rest of the picture shown').to.be.below(8);
    for (const face of faces) {
      const { x, y, radius } = faceSpot(face);
      const [before, after] = [laplacianVariance(pixels, x, y, radius), laplacianVariance(last!, x, y, radius)];
      expect(after, 'the face, blurred while the page was blocked').to.be.below(before / 10);
    }
  });

  it('hides every frame whole while detections fail or are late, and says why', async () => {
    const { source, pixels, faces, far } = await photoSource();
    const errors: Error[] = [];
    let calls = 0;
    // Fails every other call at once, and leaves the others unanswered past the deadline.
    const failing = {
      detect: () => (calls++ % 2 === 0 ? Promise.reject(new Error('engine failed')) : new Promise<Face[]>(() => undefined)),
    } as unknown as Detector;
    const output = redactStream(source.stream, { detector: failing, detectionTimeout: 100, onError: (error) => errors.push(error) });
    afterTest(() => output.getVideoTracks().forEach((track) => track.stop()));
    const video = await play(output);
    for (let check = 0; check < 10; check++) {
      const frame = grab(video);
      expect(differenceAt(frame, pixels, far), 'far from the faces, hidden too').to.be.above(8);
      const { x, y, radius } = faceSpot(faces[0]!);
      expect(laplacianVariance(frame, x, y, radius), 'the face').to.be.below(laplacianVariance(pixels, x, y, radius) / 10);
      await delay(100);
    }
    expect(calls, 'detections tried').to.be.greaterThan(2);
    expect(errors.map((error) => error.message)).to.include('engine failed');
    expect(errors.some((error) => error instanceof TimeoutError && error.step === 'detect'), 'a late detection reported').to.equal(true);
  });

  it('never shows a face while the detector it made answers late, and says why with a TimeoutError', async () => {
    const { source, pixels, faces, far } = await photoSource();
    const errors: Error[] = [];
    // No detection of a real detector takes under a millisecond: its frames are late, and hidden whole. (Not
    // every one: on a loaded machine a worker's thread may get to the answer before the timer, which is no leak.)
    const output = redacted(source.stream, { detectionTimeout: 1, onError: (error) => errors.push(error) });
    const video = await play(output);
    // In Chromium the deadline is the redaction worker's: its error crosses to the page as the same class.
    await until(() => errors.some((error) => error instanceof TimeoutError && error.step === 'detect'), 'a late detection reported');
    const farDifferences: number[] = [];
    for (let check = 0; check < 10; check++) {
      const frame = grab(video);
      farDifferences.push(differenceAt(frame, pixels, far));
      const { x, y, radius } = faceSpot(faces[0]!);
      expect(laplacianVariance(frame, x, y, radius), 'the face').to.be.below(laplacianVariance(pixels, x, y, radius) / 10);
      await delay(100);
    }
    console.log(`${testBrowser.name}: with late detections, ${errors.length} errors; far from faces, ${farDifferences.map((d) => d.toFixed(1)).join(' ')} per channel from the source (above 8: hidden whole)`);
  });

  describeForNative('on native WebNN, with a context lost', () => {
    it('hides frames whole until a new detector answers', async () => {
      const { source, pixels, far } = await photoSource();
      const errors: Error[] = [];
      const output = redacted(source.stream, { onError: (error) => errors.push(error) });
      const video = await play(output);
      await until(() => differenceAt(grab(video), pixels, far) < 8, 'the first detections');
      const [lostWorker] = await detectorWorkers();
      // From the DevTools side, as a device reset would (see test/components/context-loss.test.ts).
      const { counts } = (await executeServerCommand('worker-destroy-webnn', { name: lostWorker })) as { counts: number[] };
      expect(counts, 'one context destroyed').to.deep.equal([1]);
      await until(() => errors.some((error) => error.message.includes('lost')), 'the loss reported', 5000);
      await until(() => differenceAt(grab(video), pixels, far) > 8, 'frames hidden whole', 5000);
      await until(() => differenceAt(grab(video), pixels, far) < 8, 'detections by a new detector', 60000);
      const workers = await detectorWorkers();
      expect(workers, 'one detector worker, a new one').to.have.length(1);
      expect(workers[0]).to.not.equal(lostWorker);
    });
  });

  it('stops and lets go of its detector when its video is stopped', async () => {
    const { source } = await photoSource();
    // The earlier tests' streams end within a quarter of a second of their outputs' stop().
    await until(async () => (await redactionWorkers()).length === 0, 'the earlier redaction workers to end', 5000);
    const output = redacted(source.stream);
    await until(async () => (await detectorWorkers()).length === 1, 'the detector worker');
    const inWorker = redactStreamPath() === 'track-processor';
    expect(await redactionWorkers(), 'a redaction worker where the breakout box is').to.have.length(inWorker ? 1 : 0);
    await play(output);
    output.getVideoTracks()[0]!.stop();
    await until(async () => (await detectorWorkers()).length === 0, async () => `the detector workers ${await detectorWorkers()} to end`, 5000);
    await until(async () => (await redactionWorkers()).length === 0, 'the redaction worker to end', 5000);
    expect(source.stream.getVideoTracks()[0]!.readyState, 'the input is the caller’s: still live').to.equal('live');
  });

  it('ends its video when the input ends, and lets go of its detector', async () => {
    const { source } = await photoSource();
    const output = redacted(source.stream);
    await play(output);
    source.stream.getVideoTracks()[0]!.stop();
    await until(() => output.getVideoTracks()[0]!.readyState === 'ended', 'the output to end', 5000);
    await until(async () => (await detectorWorkers()).length === 0, 'the detector worker to end', 5000);
    await until(async () => (await redactionWorkers()).length === 0, 'the redaction worker to end', 5000);
  });

  it('leaves a detector it was given to its caller', async () => {
    const { source } = await photoSource();
    const output = redactStream(source.stream, { detector: sample.reference });
    expect(await redactionWorkers(), 'its frames redacted on the page').to.deep.equal([]);
    await play(output);
    output.getVideoTracks()[0]!.stop();
    await delay(600);
    expect((await sample.reference.detect(source.canvas)).length, 'the detector still detects').to.be.greaterThan(0);
  });

  it('checks its options before any work, with typed errors', async () => {
    const { source } = await photoSource();
    const stream = source.stream;
    const bad: [string, () => unknown][] = [
      ['stream', () => redactStream({} as MediaStream)],
      ['mode', () => redactStream(stream, { mode: 'smear' as 'blur' })],
      ['padding', () => redactStream(stream, { padding: -1 })],
      ['hold', () => redactStream(stream, { hold: Number.NaN })],
      ['cells', () => redactStream(stream, { cells: 0 })],
      ['model', () => redactStream(stream, { model: 'huge' as 'short' })],
      ['minScore', () => redactStream(stream, { minScore: 2 })],
      ['maxFaces', () => redactStream(stream, { maxFaces: 0 })],
      ['detector', () => redactStream(stream, { detector: {} as Detector })],
      ['model', () => redactStream(stream, { detector: sample.reference, model: 'full' })],
      ['smoothing', () => redactStream(stream, { smoothing: { minCutoff: 0, beta: 1, derivativeCutoff: 1 } })],
      ['detectionTimeout', () => redactStream(stream, { detectionTimeout: 0 })],
      ['onError', () => redactStream(stream, { onError: 'log' as unknown as () => void })],
    ];
    for (const [option, call] of bad) {
      expect(call, option).to.throw(InvalidOptionError).with.property('option', option);
    }
    await delay(300);
    expect(await detectorWorkers(), 'no detector started').to.deep.equal([]);
    expect(await redactionWorkers(), 'no redaction worker started').to.deep.equal([]);
  });
});
