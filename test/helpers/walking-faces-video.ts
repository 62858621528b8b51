// A WebM made with mediabunny for the app's video tests (test/pwa/video.test.ts, the docs' screenshot of a video's
// progress): two close-ups of a seed face moving over a textured background, 320×240, 30 fps, with an Opus sound track.
import { AudioSample, AudioSampleSource, BufferTarget, CanvasSource, Mp4OutputFormat, Output, WebMOutputFormat } from 'mediabunny';
import { seededShakes } from './synthetic-video.ts';

export const [WIDTH, HEIGHT, FPS] = [320, 240, 30];
/** Side of a face's close-up on the frame (the face in it about half as wide). */
export const TILE = 100;
const SAMPLE_RATE = 48000;

/** Where the two faces' close-ups are drawn in frame `i` of `count`: one left to right, one right to left, apart. */
export function tilePlaces(i: number, count: number): [number, number][] {
  const t = i / (count - 1);
  return [[8 + t * 190, 6 + t * 10], [200 - t * 180, 128]];
}

/**
 * The background, over the whole canvas: a gradient with fine stripes and checks (`scale` times their size on the
 * video's frames), so that a frame hidden whole loses much of its PSNR, and a JPEG's comparison has detail to see.
 */
export function drawBackground(context: OffscreenCanvasRenderingContext2D, scale = 1): void {
  const { width, height } = context.canvas;
  const gradient = context.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#406080');
  gradient.addColorStop(1, '#c0a060');
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  context.fillStyle = 'rgba(255, 255, 255, 0.25)';
  for (let x = 0; x < width; x += 16 * scale) context.fillRect(x, 0, 4 * scale, height);
  context.fillStyle = 'rgba(0, 0, 0, 0.2)';
  const check = 12 * scale;
  for (let row = 0; row * 2 * check < height; row++) {
    for (let x = row % 2 === 0 ? 0 : check; x < width; x += 2 * check) context.fillRect(x, row * 2 * check, check, check);
  }
}

/** A WebM (or an MP4: `container`) with VP8 and Opus, of `count` frames with the seed face moving, and `seconds` of a tone with noise. */
export async function makeVideo(tile: OffscreenCanvas, count: number, container: 'webm' | 'mp4' = 'webm'): Promise<Uint8Array<ArrayBuffer>> {
  // An MP4's index (its moov box) goes first, so that a reader knows every packet before reading any.
  const format = container === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'in-memory' });
  const output = new Output({ format, target: new BufferTarget() });
  const canvas = new OffscreenCanvas(WIDTH, HEIGHT);
  const context = canvas.getContext('2d')!;
  const video = new CanvasSource(canvas, { codec: 'vp8', bitrate: 2_000_000, keyFrameInterval: 2 });
  const audio = new AudioSampleSource({ codec: 'opus', bitrate: 64_000 });
  output.addVideoTrack(video, { frameRate: FPS });
  output.addAudioTrack(audio);
  await output.start();
  const noise = seededShakes(29);
  const samplesPerFrame = SAMPLE_RATE / FPS;
  for (let i = 0; i < count; i++) {
    drawBackground(context);
    for (const [x, y] of tilePlaces(i, count)) context.drawImage(tile, x, y, TILE, TILE);
    await video.add(i / FPS, 1 / FPS);
    const data = new Float32Array(samplesPerFrame);
    for (let s = 0; s < samplesPerFrame; s++) data[s] = 0.3 * Math.sin((2 * Math.PI * 440 * (i * samplesPerFrame + s)) / SAMPLE_RATE) + 0.05 * noise();
    const sample = new AudioSample({ data, format: 'f32-planar', numberOfChannels: 1, sampleRate: SAMPLE_RATE, timestamp: i / FPS });
    await audio.add(sample);
    sample.close();
  }
  await output.finalize();
  return new Uint8Array(output.target.buffer!);
}

/** Whether this browser's WebCodecs can make the test's input: VP8 video and Opus sound. */
export async function canMakeVideos(): Promise<boolean> {
  if (typeof VideoEncoder === 'undefined' || typeof AudioEncoder === 'undefined') return false;
  // WebKitGTK 2.50: asking a VideoEncoder before anything has started GStreamer in the page's process kills that
  // process ("gst_register_core_elements: code should not be reached"); asking a decoder first starts it. (The app
  // asks in that order already: a video's decoding is checked before its encoding.)
  await VideoDecoder.isConfigSupported({ codec: 'vp8' });
  const video = await VideoEncoder.isConfigSupported({ codec: 'vp8', width: WIDTH, height: HEIGHT });
  const audio = await AudioEncoder.isConfigSupported({ codec: 'opus', sampleRate: SAMPLE_RATE, numberOfChannels: 1 });
  return Boolean(video.supported && audio.supported);
}
