// The app's video view on the production build: a WebM made here with mediabunny (two seed faces moving over a
// textured background, 320×240, 30 fps, with an Opus sound track) is opened in the gallery and comes back redacted.
// The output is decoded again here and checked: frame count and duration, its codec (the first of the app's WebM
// list that the browser's VideoEncoder accepts), the sound's packets byte for byte, no face left for the full model
// at 0.5, and the picture outside the faces' reach unharmed (PSNR against the input). Then a
// longer video cancelled mid-way (no download; every decoder and encoder closed), and a ProRes file, which no
// browser's WebCodecs decodes, refused with a message naming its codec. Where the browser's WebCodecs cannot encode
// the test's VP8 or Opus, the tests cannot make their input: they say so and are skipped.
import { expect } from 'chai';
import {
  ALL_FORMATS, BufferSource, BufferTarget, EncodedPacket, EncodedPacketSink, EncodedVideoPacketSource, Input, MovOutputFormat, Output,
  VideoSampleSink,
} from 'mediabunny';
import { FaceDetector } from '../../model/face-detector.ts';
import { CODEC_PREFERENCE } from '../../model/redact-video.ts';
import { faceCloseUp } from '../helpers/synthetic-video.ts';
import { testBrowser } from '../helpers/test-browser.ts';
import { canMakeVideos, FPS, HEIGHT, makeVideo, TILE, tilePlaces, WIDTH } from '../helpers/walking-faces-video.ts';
import {
  axeViolations, closeApp, command, evaluate, fromBase64, keepDownloads, openApp, openInGallery, waitFor, waitForControl, type Download,
} from './app-driver.ts';

/** A MOV whose one video track is ProRes (its packets are not real ProRes: nothing should get as far as reading them). */
async function makeProResFile(): Promise<Uint8Array<ArrayBuffer>> {
  const output = new Output({ format: new MovOutputFormat(), target: new BufferTarget() });
  const source = new EncodedVideoPacketSource('prores');
  output.addVideoTrack(source, { frameRate: FPS });
  await output.start();
  for (let i = 0; i < 3; i++) {
    const packet = new EncodedPacket(new Uint8Array(64).fill(i + 1), 'key', i / FPS, 1 / FPS);
    await source.add(packet, i === 0 ? { decoderConfig: { codec: 'apch', codedWidth: WIDTH, codedHeight: HEIGHT } } : undefined);
  }
  await output.finalize();
  return new Uint8Array(output.target.buffer!);
}

/**
 * In the app page: its downloads kept for the test (window.downloads, each a name and base64 bytes), and every
 * VideoDecoder and VideoEncoder made from now on listed (window.codecs), to see that they are closed.
 */
const watchThePage = async () => {
  await keepDownloads();
  await evaluate(`
    window.codecs = [];
    for (const name of ['VideoDecoder', 'VideoEncoder']) {
      const Original = window[name];
      window[name] = class extends Original {
        constructor(init) {
          const entry = { kind: name, codec: null, frames: 0, outputs: 0, flushes: 0, lastInput: 0, lastOutput: 0 };
          super({ ...init, output: (...args) => {
            entry.outputs++;
            entry.lastOutput = performance.now();
            return init.output(...args);
          } });
          entry.codec = this;
          this.entry = entry;
          window.codecs.push(entry);
        }
        encode(...args) {
          this.entry.frames++;
          this.entry.lastInput = performance.now();
          return super.encode(...args);
        }
        decode(...args) {
          this.entry.frames++;
          this.entry.lastInput = performance.now();
          return super.decode(...args);
        }
        flush() {
          this.entry.flushes++;
          return super.flush();
        }
      };
    }`);
};

/** What each watched codec did, for a failure's message: its state and queue, frames in and out, and since when. */
const codecHistories = () => evaluate<string[]>(`return window.codecs.map(({ kind, codec, frames, outputs, flushes, lastInput, lastOutput }) =>
  \`\${kind} \${codec.state}: \${frames} in, \${outputs} out, queue \${codec.decodeQueueSize ?? codec.encodeQueueSize}, \${flushes} flushes, \` +
  \`last in \${Math.round(performance.now() - lastInput)} ms ago, last out \${Math.round(performance.now() - lastOutput)} ms ago\`)`);

/** Every frame of the file's video track as pixels, with its timestamp (s); its codec; and its sound's packets' bytes. */
async function decoded(bytes: Uint8Array<ArrayBuffer>): Promise<{ frames: { time: number; pixels: ImageData }[]; codec: string | null; duration: number; audio: Uint8Array[] }> {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  const video = (await input.getPrimaryVideoTrack())!;
  const context = new OffscreenCanvas(WIDTH, HEIGHT).getContext('2d', { willReadFrequently: true })!;
  const frames: { time: number; pixels: ImageData }[] = [];
  for await (const sample of new VideoSampleSink(video).samples()) {
    sample.draw(context, 0, 0, WIDTH, HEIGHT);
    frames.push({ time: sample.timestamp, pixels: context.getImageData(0, 0, WIDTH, HEIGHT) });
    sample.close();
  }
  const audioTrack = await input.getPrimaryAudioTrack();
  const audio: Uint8Array[] = [];
  if (audioTrack) for await (const packet of new EncodedPacketSink(audioTrack).packets()) audio.push(packet.data);
  const duration = await input.computeDuration();
  input.dispose();
  return { frames, codec: video.codec, duration, audio };
}

type WebmCodec = (typeof CODEC_PREFERENCE.webm)[number];

/** A codec string of each codec the app may write into a WebM, for asking VideoEncoder directly (not through mediabunny). */
const webmCodecStrings: Record<WebmCodec, string> = { vp9: 'vp09.00.21.08', vp8: 'vp8', av1: 'av01.0.04M.08' };

/** The first of `codecs` this browser's VideoEncoder says it can encode at the test's size, or null. */
async function firstEncodable(codecs: readonly WebmCodec[]): Promise<WebmCodec | null> {
  for (const codec of codecs) {
    const support = await VideoEncoder.isConfigSupported({ codec: webmCodecStrings[codec], width: WIDTH, height: HEIGHT, bitrate: 1_000_000 }).catch(() => null);
    if (support?.supported) return codec;
  }
  return null;
}

/**
 * Whether pixel (x, y) of frame `i` may have been hidden: within the reach of a face's mask, now or held from the last
 * half second (the default hold), grown as a held mask grows. Generous: the check is about the rest of the picture.
 */
function withinFaceReach(i: number, count: number, x: number, y: number): boolean {
  for (let back = 0; back <= FPS / 2 + 1; back++) {
    if (i - back < 0) break;
    for (const [left, top] of tilePlaces(i - back, count)) {
      const [cx, cy] = [left + TILE / 2, top + TILE / 2];
      if (Math.hypot(x - cx, y - cy) < TILE * 0.85) return true;
    }
  }
  return false;
}

describe('PWA video', function () {
  this.timeout(360000);
  let full: FaceDetector;
  let tile: OffscreenCanvas;
  let encodes = false;
  before(async () => {
    encodes = await canMakeVideos();
    full = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } });
    tile = await faceCloseUp(full);
  });
  after(async () => {
    full.dispose();
    await closeApp();
  });
  beforeEach(function () {
    if (!encodes) {
      console.log('video: this browser cannot encode VP8 and Opus with WebCodecs; the video tests are skipped');
      this.skip();
    }
  });

  it('redacts a WebM offline: same frames and duration, the sound copied byte for byte, no face left, the rest intact', async () => {
    const count = 150;
    const source = await makeVideo(tile, count);
    await openApp({ view: 'start' });
    await waitForControl();
    await command('pwa-offline');
    await command('pwa-reload');
    await command('pwa-click', { selector: '#open-gallery' });
    await watchThePage();

    const started = performance.now();
    await openInGallery(source, 'walk.webm', 'video/webm');
    await waitFor("!document.getElementById('video').hidden && document.getElementById('video-progress').value > 0");
    expect(await axeViolations(), 'axe on the video progress').to.deep.equal([]);
    await waitFor('window.downloads.length === 1 && document.getElementById("video").getAttribute("aria-busy") === "false"');
    console.log(`video: ${count} frames at ${WIDTH}×${HEIGHT} redacted in ${(performance.now() - started).toFixed(0)} ms`);
    const status = await evaluate<string>("return document.getElementById('video-status').textContent");
    const download = await evaluate<Download>('return window.downloads[0]');
    console.log(`video: ${status}`);
    expect(download.name).to.equal('walk-blurred.webm');
    expect(status).to.match(/^Done: 150 frames with their faces hidden, saved as walk-blurred\.webm \(VP\d, sound copied as it was\)\.$/);

    const [input, output] = [await decoded(source), await decoded(fromBase64(download.base64))];
    expect(input.frames.length, 'frames in the input').to.equal(count);
    expect(output.frames.length, 'frames in the output').to.equal(count);
    expect(output.frames.map((frame) => frame.time), 'frame times').to.deep.equal(input.frames.map((frame) => frame.time));
    expect(output.codec, 'the output codec: the first of the WebM ones, best first, this browser encodes').to.equal(await firstEncodable(CODEC_PREFERENCE.webm));
    // Firefox and WebKit: the output's last video packet comes back with no duration (0), so the video ends one
    // frame's time early; every frame is there, at its time (checked above). A known difference, said in docs/app.md.
    const lastFrameLost = testBrowser.engine === 'chromium' ? 0 : 1 / FPS;
    expect(output.duration, 'duration').to.be.closeTo(input.duration, lastFrameLost + 1e-3);
    expect(output.audio.length, 'sound packets').to.equal(input.audio.length).and.to.be.greaterThan(100);
    output.audio.forEach((packet, index) => expect([...packet], `sound packet ${index}`).to.deep.equal([...input.audio[index]!]));

    // The input shows both faces to the full model, so that finding none in the output means something.
    let facesInInput = 0;
    for (const { pixels } of input.frames) {
      const image = await createImageBitmap(pixels);
      facesInInput += (await full.detect(image, { settings: { minScore: 0.5 } })).length;
      image.close();
    }
    expect(facesInInput, 'faces the full model finds in the input at 0.5 or more').to.be.at.least(2 * count * 0.9);

    const facesLeft: string[] = [];
    let [squaredError, compared, worstFrame] = [0, 0, Infinity];
    for (const [i, { pixels }] of output.frames.entries()) {
      const image = await createImageBitmap(pixels);
      for (const face of await full.detect(image, { settings: { minScore: 0.5 } })) facesLeft.push(`frame ${i}: ${face.score.toFixed(2)}`);
      image.close();
      const original = input.frames[i]!.pixels.data;
      let [frameError, frameCompared] = [0, 0];
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          if (withinFaceReach(i, count, x + 0.5, y + 0.5)) continue;
          const at = (y * WIDTH + x) * 4;
          for (let c = 0; c < 3; c++) frameError += (pixels.data[at + c]! - original[at + c]!) ** 2;
          frameCompared += 3;
        }
      }
      squaredError += frameError;
      compared += frameCompared;
      worstFrame = Math.min(worstFrame, psnr(frameError / frameCompared));
    }
    const overall = psnr(squaredError / compared);
    console.log(`video: PSNR outside the faces' reach ${overall.toFixed(1)} dB (worst frame ${worstFrame.toFixed(1)} dB) on ${(compared / 3 / count / (WIDTH * HEIGHT) * 100).toFixed(0)}% of the pixels`);
    expect(facesLeft, 'faces the full model finds at 0.5 or more').to.deep.equal([]);
    expect(compared / 3 / count, 'pixels compared a frame').to.be.greaterThan((WIDTH * HEIGHT) / 4);
    expect(overall, 'PSNR outside the faces (dB)').to.be.at.least(30);
    // Per frame, a floor that a frame hidden whole (23 dB here: the background's stripes and checks blurred away)
    // falls below, and a frame encoded before the encoder's rate has settled does not (WebKitGTK's first, through
    // GStreamer's VP9 at a bitrate: 28.3 dB, its later frames 31–37; Chromium and Firefox above 40 throughout).
    expect(worstFrame, 'PSNR outside the faces, worst frame (dB)').to.be.at.least(26);
  });

  it('cancels a video mid-way: nothing downloaded, every decoder and encoder closed', async () => {
    const count = 600;
    const source = await makeVideo(tile, count);
    await openApp({ view: 'start' });
    await command('pwa-click', { selector: '#open-gallery' });
    await watchThePage();
    await openInGallery(source, 'long.webm', 'video/webm');
    await waitFor("document.getElementById('video-progress').value > 0.1");
    await command('pwa-click', { selector: '#video-cancel' });
    await waitFor('document.getElementById("video").getAttribute("aria-busy") === "false"', 20000);
    expect(await evaluate<string>("return document.getElementById('video-status').textContent")).to.equal('Cancelled: nothing was saved.');
    const progress = await evaluate<number>("return document.getElementById('video-progress').value");
    expect(progress, 'the bar back at 0').to.equal(0);
    // Those that took the video's frames (more than one) must be closed. In Firefox, mediabunny checks that a codec
    // encodes by encoding one frame with an encoder it never closes, once a page for a size and quality: at most one.
    // Closed at once here, but for WebKit in 2 of 3 CI runs, where its decoder was still open 10 s later (not seen on
    // this machine run alone): given a minute, and the failure says what each codec did.
    const listCodecs = () => evaluate<string[]>("return window.codecs.map(({ kind, codec, frames }) => `${kind} ${codec.state} (${frames} frames)`)");
    const cancelledAt = Date.now();
    await waitFor("window.codecs.every(({ codec, frames }) => codec.state === 'closed' || frames <= 1)", 60000)
      .catch(async (error: Error) => expect.fail(`${error.message}: ${(await codecHistories()).join('; ')}`));
    const codecs = await listCodecs();
    console.log(`video: ${Date.now() - cancelledAt} ms after the cancel returned, ${codecs.join(', ')}`);
    expect(codecs.filter((codec) => / closed \(([2-9]|\d\d+) frames\)$/.test(codec)).map((codec) => codec.split(' ')[0]), 'decoder and encoder of the video, closed')
      .to.include.members(['VideoDecoder', 'VideoEncoder']);
    const probes = codecs.filter((codec) => !codec.includes(' closed '));
    expect(probes.length, 'codecs left open').to.be.at.most(testBrowser.engine === 'firefox' ? 1 : 0);
    probes.forEach((probe) => expect(probe, 'the codec left open').to.match(/^VideoEncoder configured \([01] frames\)$/));
    // A download that was on its way would be in the list by now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await evaluate<number>('return window.downloads.length'), 'downloads').to.equal(0);
    const written = await evaluate<boolean>("return navigator.storage?.getDirectory ? navigator.storage.getDirectory().then((root) => root.getFileHandle('redacted-video')).then(() => true, () => false) : false");
    expect(written, 'the half-written output left in the private file system').to.equal(false);
  });

  it('refuses a video it cannot decode with a message naming the codec', async () => {
    await openApp({ view: 'start' });
    await command('pwa-click', { selector: '#open-gallery' });
    await watchThePage();
    await openInGallery(await makeProResFile(), 'studio.mov', 'video/quicktime');
    await waitFor("/cannot/.test(document.getElementById('video-status').textContent)", 20000);
    const status = await evaluate<string>("return document.getElementById('video-status').textContent");
    console.log(`video: ${status}`);
    expect(status).to.match(/^studio\.mov cannot be opened: This browser cannot decode the video's codec, ProRes \(/);
    expect(await evaluate<number>('return window.downloads.length'), 'downloads').to.equal(0);
  });
});

/** Peak signal-to-noise ratio (dB) of 8-bit pixels from their mean squared error. */
function psnr(meanSquaredError: number): number {
  return meanSquaredError === 0 ? Infinity : 10 * Math.log10((255 * 255) / meanSquaredError);
}
