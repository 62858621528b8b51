// The live view's record button: a recording of what <blaze-face> shows (the camera, or a photo), always with the
// faces hidden (MediaRecorder on the element's captureStream(), which is redacted when the element redacts: the
// recording never holds the raw picture), saved on the device as a download. A photo records as a video of that
// still picture (the element sends its frame again at a steady rate). It stops when pressed again, when the view is
// left and when the source changes: the caller says so through stop().
import type { BlazeFaceElement } from '../components/blaze-face.ts';
import { download } from './files.ts';

/**
 * The most frames per second captureStream() sends: the element paints one with each detection result, so a
 * recording of the camera runs at the detector's rate, up to this.
 */
const RECORDING_FPS = 30;
/** How often MediaRecorder hands over what it has, so that a long recording is not one buffer at the end. */
const CHUNK_MS = 1000;
/** How long stop() waits for MediaRecorder's last data before saving what it has. */
const STOP_DEADLINE_MS = 5000;

interface Recording {
  recorder: MediaRecorder;
  stream: MediaStream;
  chunks: Blob[];
  started: number;
  ticker: ReturnType<typeof setInterval>;
}

export interface RecorderControls {
  button: HTMLButtonElement;
  /** Shows the time recorded, m:ss. */
  elapsed: HTMLElement;
  /** Says what was saved (a status region, for screen readers). */
  status: HTMLElement;
  /** The redaction switch: held off "none" while recording. */
  redact: HTMLSelectElement;
}

export class LiveRecorder {
  #recording: Recording | undefined;

  constructor(
    private readonly element: BlazeFaceElement,
    private readonly controls: RecorderControls,
  ) {
    controls.button.hidden = typeof MediaRecorder === 'undefined';
    controls.button.addEventListener('click', () => void (this.#recording ? this.stop() : this.#start()));
  }

  #start(): void {
    const { button, elapsed, status, redact } = this.controls;
    // A recording hides faces: with the switch on "none", it goes to blurring, which the switch then shows.
    if (this.element.redact === 'none') {
      this.element.redact = 'blur';
      redact.value = 'blur';
    }
    redact.querySelector<HTMLOptionElement>('option[value="none"]')!.disabled = true;
    const stream = this.element.captureStream(RECORDING_FPS);
    const recorder = new MediaRecorder(stream);
    const recording: Recording = { recorder, stream, chunks: [], started: performance.now(), ticker: setInterval(() => this.#showElapsed(), 1000) };
    recorder.addEventListener('dataavailable', (event) => recording.chunks.push(event.data));
    recorder.start(CHUNK_MS);
    this.#recording = recording;
    button.setAttribute('aria-pressed', 'true');
    elapsed.hidden = false;
    this.#showElapsed();
    status.textContent = 'Recording, faces hidden.';
  }

  /** Ends the recording, if one runs, and saves it as a download. */
  async stop(): Promise<void> {
    const recording = this.#recording;
    if (!recording) return;
    this.#recording = undefined;
    const { button, elapsed, status, redact } = this.controls;
    clearInterval(recording.ticker);
    button.setAttribute('aria-pressed', 'false');
    elapsed.hidden = true;
    redact.querySelector<HTMLOptionElement>('option[value="none"]')!.disabled = false;
    const stopped = new Promise<void>((resolve) => {
      recording.recorder.addEventListener('stop', () => resolve(), { once: true });
      setTimeout(resolve, STOP_DEADLINE_MS);
    });
    if (recording.recorder.state !== 'inactive') recording.recorder.stop();
    // Stopping the track stops the element painting for it.
    for (const track of recording.stream.getTracks()) track.stop();
    await stopped;
    const type = recording.recorder.mimeType || recording.chunks[0]?.type || 'video/webm';
    // A recorder can accept a stream and a type and still give nothing (WebKitGTK's, where GStreamer lacks the muxer
    // it asks for): an empty file is not saved as if it were the recording.
    if (recording.chunks.every((chunk) => chunk.size === 0)) {
      status.textContent = `The recording failed: this browser's recorder gave no data (${type}). Nothing was saved.`;
      return;
    }
    const file = new File(recording.chunks, `blaze-face-${timestamp()}-blurred.${type.startsWith('video/mp4') ? 'mp4' : 'webm'}`, { type });
    download(file);
    status.textContent = `Recording saved as ${file.name}.`;
  }

  #showElapsed(): void {
    if (!this.#recording) return;
    const seconds = Math.floor((performance.now() - this.#recording.started) / 1000);
    this.controls.elapsed.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }
}

/** The local date and time, for a file name: 2026-12-06 03-05-09. */
function timestamp(): string {
  const now = new Date();
  const two = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())} ${two(now.getHours())}-${two(now.getMinutes())}-${two(now.getSeconds())}`;
}
