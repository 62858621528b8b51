// The live view's redaction switch and record button, on the production build: the switch changes what the element
// paints (the sample photo's faces lose their detail), a recording is a playable video whose frames have the faces
// hidden, a recording of the sample photo (a still picture) lasts as long as it was recorded, frame after frame, and
// leaving the view while recording the camera ends the recording, saves it and releases the camera.
// axe-core checks the view with its new controls, while recording too. Where the browser's recorder gives no data
// (WebKitGTK on Debian 12), the app says that the recording failed and saves nothing.
import { expect } from 'chai';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { laplacianVariance } from '../helpers/picture-measures.ts';
import { testBrowser } from '../helpers/test-browser.ts';
import { axeViolations, closeApp, command, detectionDone, evaluate, openApp, waitFor } from './app-driver.ts';

const element = "document.querySelector('blaze-face')";

interface Download {
  name: string;
  type: string;
  /** The file as a data: URL. */
  url: string;
}

interface Box {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Keeps the app page's downloads for the test instead of saving them: window.downloads, each a Download. */
const keepDownloads = () => evaluate(`
  window.downloads = [];
  HTMLAnchorElement.prototype.click = function () {
    const name = this.download;
    window.downloads.push(fetch(this.href).then((response) => response.blob()).then((blob) => new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve({ name, type: blob.type, url: reader.result });
      reader.readAsDataURL(blob);
    })));
  };`);

async function pixelsOf(source: CanvasImageSource, width: number, height: number): Promise<ImageData> {
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  context.drawImage(source, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

/** What the element shows now (snapshot()), as pixels. */
async function shown(): Promise<ImageData> {
  const url = await evaluate<string>(`
    const blob = await ${element}.snapshot();
    return new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.readAsDataURL(blob);
    });`);
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const pixels = await pixelsOf(bitmap, bitmap.width, bitmap.height);
  bitmap.close();
  return pixels;
}

/** The fine detail on each face: the Laplacian's variance in a disc well inside its box. */
function detailOnFaces(pixels: ImageData, boxes: Box[]): number[] {
  return boxes.map(({ xMin, yMin, xMax, yMax }) => laplacianVariance(pixels,
    Math.round(((xMin + xMax) / 2) * pixels.width), Math.round(((yMin + yMax) / 2) * pixels.height), Math.max(3, Math.round((xMax - xMin) * pixels.width * 0.3))));
}

/** A recording played in a <video>: its duration (MediaRecorder's WebM says none until read to its end) and frames at a fifth, two fifths… of it. */
async function played(download: Download): Promise<{ duration: number; frames: ImageData[] }> {
  const video = document.createElement('video');
  video.muted = true;
  video.src = URL.createObjectURL(await (await fetch(download.url)).blob());
  const event = (name: string) => new Promise((resolve, reject) => {
    video.addEventListener(name, resolve, { once: true });
    video.addEventListener('error', () => reject(new Error(`the recording does not play: ${video.error?.message}`)), { once: true });
  });
  const seek = async (time: number) => {
    const seeked = event('seeked');
    video.currentTime = time;
    await seeked;
  };
  await event('loadeddata');
  if (!Number.isFinite(video.duration)) await seek(Number.MAX_SAFE_INTEGER);
  const duration = video.duration;
  const frames: ImageData[] = [];
  for (const fraction of [0.2, 0.4, 0.6, 0.8]) {
    await seek(duration * fraction);
    frames.push(await pixelsOf(video, video.videoWidth, video.videoHeight));
  }
  URL.revokeObjectURL(video.src);
  return { duration, frames };
}

/** How many video frames (packets) a recording holds, read with mediabunny. */
async function framesIn(download: Download): Promise<number> {
  const input = new Input({ source: new BufferSource(await (await fetch(download.url)).arrayBuffer()), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new Error('the recording has no video track');
    let count = 0;
    for await (const _ of new EncodedPacketSink(track).packets()) count++;
    return count;
  } finally {
    input.dispose();
  }
}

/**
 * Whether this browser's MediaRecorder gives any data: WebKitGTK 2.50's accepts a canvas or camera stream and then
 * gives 0 bytes where GStreamer lacks the muxer it asks for (isofmp4mux, from gst-plugins-rs: Debian 12 has none).
 * There the app must say that the recording failed and save nothing.
 */
const recorderGivesData = await (async () => {
  const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 64 });
  const context = canvas.getContext('2d')!;
  const paint = setInterval(() => context.fillRect(0, 0, Math.random() * 64, 64), 33);
  const recorder = new MediaRecorder(canvas.captureStream(30));
  const chunks: Blob[] = [];
  recorder.addEventListener('dataavailable', (event) => chunks.push(event.data));
  recorder.start();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const stopped = new Promise((resolve) => recorder.addEventListener('stop', resolve, { once: true }));
  recorder.stop();
  await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 5000))]);
  clearInterval(paint);
  recorder.stream.getTracks().forEach((track) => track.stop());
  return chunks.some((chunk) => chunk.size > 0);
})();

/** After the recording was stopped, where the recorder gives nothing: the app says so and downloads nothing. */
async function expectRecordingFailed(): Promise<void> {
  await waitFor("document.getElementById('record-status').textContent.startsWith('The recording failed')");
  console.log(`live view: ${await evaluate<string>("return document.getElementById('record-status').textContent")}`);
  expect(await evaluate<number>('return window.downloads.length'), 'files saved').to.equal(0);
}

/** The camera's picture in the first test: the sample photo at this size, painted again each frame as a camera does. */
const [CAMERA_WIDTH, CAMERA_HEIGHT] = [960, 684];

/** The sample photo scaled to `width`×`height`, as pixels. */
async function samplePhoto(width: number, height: number): Promise<ImageData> {
  const bitmap = await createImageBitmap(await (await fetch('/samples/sample.jpg')).blob());
  const pixels = await pixelsOf(bitmap, width, height);
  bitmap.close();
  return pixels;
}

describe('PWA live view: redaction switch and recording', function () {
  this.timeout(240000);
  after(closeApp);

  it('hides the faces when switched, and records a playable video of the camera with the faces hidden', async () => {
    await openApp();
    expect((await detectionDone()).faces, "the sample photo's three people").to.equal(3);
    const boxes = await evaluate<Box[]>(`return ${element}.faces.map(({ box }) => box)`);
    expect(await evaluate<boolean>("return document.getElementById('record').disabled"), 'recording refused on a photo').to.equal(false);
    expect(await axeViolations(), 'axe on the live view').to.deep.equal([]);
    const sharp = detailOnFaces(await shown(), boxes);

    await command('pwa-select', { selector: '#redact', value: 'blur' });
    expect(await evaluate<string>(`return ${element}.redact`)).to.equal('blur');
    // The redacted frame is painted with the next result: until then the element shows the picture hidden whole.
    let hidden: number[] = [];
    for (const end = Date.now() + 20000; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 200))) {
      hidden = detailOnFaces(await shown(), boxes);
      if (hidden.every((detail, index) => detail < sharp[index]! / 4)) break;
    }
    console.log(`live view: detail on the faces ${sharp.map((value) => value.toFixed(1)).join(', ')} shown, ${hidden.map((value) => value.toFixed(1)).join(', ')} blurred`);
    hidden.forEach((detail, index) => expect(detail, `detail left on face ${index + 1}`).to.be.below(sharp[index]! / 4));

    // A camera that films the sample photo: the page's camera stream is a canvas painting it each frame.
    await evaluate(`
      const photo = await createImageBitmap(await (await fetch('samples/sample.jpg')).blob());
      const canvas = Object.assign(document.createElement('canvas'), { width: ${CAMERA_WIDTH}, height: ${CAMERA_HEIGHT} });
      const paint = () => {
        canvas.getContext('2d').drawImage(photo, 0, 0, canvas.width, canvas.height);
        requestAnimationFrame(paint);
      };
      paint();
      navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(30);`);
    await command('pwa-select', { selector: '#model', value: 'full' });
    await command('pwa-click', { selector: '#camera-toggle' });
    await waitFor(`${element}.state === 'running' && !${element}.src && ${element}.faces.length === 3`);
    const mirrored = await evaluate<boolean>(`return ${element}.isMirrored`);

    await keepDownloads();
    await command('pwa-click', { selector: '#record' });
    expect(await evaluate<string | null>("return document.getElementById('record').getAttribute('aria-pressed')")).to.equal('true');
    await waitFor("document.getElementById('record-elapsed').textContent === '0:03'");
    expect(await axeViolations(), 'axe while recording').to.deep.equal([]);
    await command('pwa-click', { selector: '#record' });
    if (!recorderGivesData) return expectRecordingFailed();
    await waitFor('window.downloads.length === 1');
    const download = await evaluate<Download>('return window.downloads[0]');
    expect(download.name).to.match(/^blaze-face-[\d -]+-blurred\.(webm|mp4)$/);
    expect(await evaluate<string>("return document.getElementById('record-status').textContent")).to.equal(`Recording saved as ${download.name}.`);

    const { duration, frames } = await played(download);
    expect(frames.map(({ width, height }) => [width, height]), "the recording at the camera picture's size").to.deep.equal(frames.map(() => [CAMERA_WIDTH, CAMERA_HEIGHT]));
    const shownBoxes = mirrored ? boxes.map(({ xMin, yMin, xMax, yMax }) => ({ xMin: 1 - xMax, yMin, xMax: 1 - xMin, yMax })) : boxes;
    const camera = detailOnFaces(await samplePhoto(CAMERA_WIDTH, CAMERA_HEIGHT), boxes);
    const recorded = frames.map((frame) => detailOnFaces(frame, shownBoxes));
    // A frame hidden whole (the element fails closed while its detector falls behind) has no detail in its corner either.
    const corners = frames.map((frame) => detailOnFaces(frame, [{ xMin: 0.02, yMin: 0.02, xMax: 0.12, yMax: 0.12 }])[0]!);
    console.log(`live view: recorded ${duration.toFixed(2)} s (${download.type}), detail on the faces ${camera.map((value) => value.toFixed(1)).join(', ')} filmed, ${recorded.map((details) => details.map((value) => value.toFixed(1)).join(', ')).join('; ')} in four frames (corners ${corners.map((value) => value.toFixed(1)).join(', ')})`);
    // Frames come with the detector's results, which a loaded machine delays: the first may come late, never none.
    expect(duration, 'seconds recorded of about 3').to.be.within(1, 10);
    recorded.forEach((details, frame) => details.forEach((detail, index) => expect(detail, `detail on face ${index + 1} in frame ${frame + 1}`).to.be.below(camera[index]! / 4)));
    expect(corners.filter((detail) => detail > 1).length, 'frames showing the picture around the faces').to.be.greaterThan(0);
  });

  // Not in WebKit: there the app page's getUserMedia (WebKit's mock camera, the page opened by a second
  // WebKitWebDriver) answered in 2 of 5 runs and stayed pending in the others, for minutes, the page visible and the
  // element waiting on it; not understood. The first test's camera, a canvas stream, runs there.
  const itOutsideWebKit = testBrowser.engine === 'webkit' ? () => undefined : it;
  itOutsideWebKit('records the camera, and leaving the view saves the recording and releases the camera', async () => {
    await openApp();
    await detectionDone();
    // Every camera stream the page opens, to see that it is released.
    await evaluate(`
      const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      window.cameraStreams = [];
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await open(constraints);
        window.cameraStreams.push(stream);
        return stream;
      };`);
    await keepDownloads();
    await command('pwa-click', { selector: '#camera-toggle' });
    await waitFor(`${element}.state === 'running' && !${element}.src && window.cameraStreams.length > 0`);

    // Started from the keyboard, with faces shown: the recording hides them, and "shown" cannot be chosen meanwhile.
    await evaluate("document.getElementById('record').focus()");
    await command('pwa-press', { key: 'Enter' });
    expect(await evaluate<[string | null, string, boolean]>(`
      const redact = document.getElementById('redact');
      return [document.getElementById('record').getAttribute('aria-pressed'), redact.value, redact.querySelector('option[value=none]').disabled];`))
      .to.deep.equal(['true', 'blur', true]);
    await waitFor("document.getElementById('record-elapsed').textContent === '0:02'");

    await command('pwa-click', { selector: '#live .back' });
    await waitFor('window.downloads.length === 1');
    await waitFor("window.cameraStreams.every((stream) => stream.getTracks().every((track) => track.readyState === 'ended'))", 5000);
    expect(await evaluate<string | null>("return document.getElementById('record').getAttribute('aria-pressed')")).to.equal('false');
    const { duration, frames: [frame] } = await played(await evaluate<Download>('return window.downloads[0]'));
    console.log(`live view: the fake camera recorded for ${duration.toFixed(2)} s, ${frame!.width}×${frame!.height}`);
    expect(duration, 'seconds recorded').to.be.within(0.001, 10);
    expect([frame!.width, frame!.height], "the fake camera's size").to.deep.equal([1280, 720]);
  });

  it('records the sample photo, a still picture, as a video as long as the recording, its faces hidden', async () => {
    await openApp();
    expect((await detectionDone()).faces, "the sample photo's three people").to.equal(3);
    const boxes = await evaluate<Box[]>(`return ${element}.faces.map(({ box }) => box)`);
    const [width, height] = await evaluate<[number, number]>("const image = document.querySelector('blaze-face').shadowRoot.querySelector('img'); return [image.naturalWidth, image.naturalHeight]");
    await keepDownloads();
    await command('pwa-click', { selector: '#record' });
    const started = performance.now();
    await waitFor("document.getElementById('record-elapsed').textContent === '0:02'");
    await command('pwa-click', { selector: '#record' });
    const recordedMs = performance.now() - started;
    if (!recorderGivesData) return expectRecordingFailed();
    await waitFor('window.downloads.length === 1');
    const download = await evaluate<Download>('return window.downloads[0]');
    const [{ duration, frames }, count] = [await played(download), await framesIn(download)];
    console.log(`live view: a still photo recorded for ${(recordedMs / 1000).toFixed(2)} s gave ${duration.toFixed(2)} s and ${count} frames (${download.type}, ${frames[0]!.width}×${frames[0]!.height})`);
    expect(frames.map((frame) => [frame.width, frame.height]), "the recording at the photo's size").to.deep.equal(frames.map(() => [width, height]));
    // The element shows its one result all along: without frames sent again, the recording is one frame long.
    expect(duration, 'seconds recorded of a little over 2').to.be.within(1.5, recordedMs / 1000 + 0.5);
    expect(count, 'frames recorded').to.be.greaterThan(20);
    const photo = detailOnFaces(await samplePhoto(width, height), boxes);
    frames.forEach((frame, index) => detailOnFaces(frame, boxes).forEach((detail, face) =>
      expect(detail, `detail on face ${face + 1} in frame ${index + 1}`).to.be.below(photo[face]! / 4)));
  });
});
