// The gallery's video view: a video file opened there (MP4, WebM or MOV) comes back as a download with every face
// hidden (model/redact-video.ts), with a progress bar, frames done, time left and a Cancel button. Videos are done
// one at a time, in the order opened. A cancelled or failed video downloads nothing. Loaded, with mediabunny, only
// when the first video is opened.
import type { FaceDetector } from '../model/face-detector.ts';
import { codecName, redactVideo, UndecodableVideoError, type VideoProgress } from '../model/redact-video.ts';
import type { RedactionStyle } from '../model/redaction-options.ts';
import { REDACTION_MIN_SCORE } from '../model/redactor.ts';
import { byId } from './dom.ts';
import { baseName, download } from './files.ts';

/** How often the progress is said in words (the bar moves with every frame). */
const PROGRESS_SAID_EVERY_MS = 1000;

export class VideoView {
  readonly #detector: () => Promise<FaceDetector>;
  readonly #style: () => Readonly<RedactionStyle>;
  /** Videos waiting and being done: one at a time. */
  #queue: Promise<void> = Promise.resolve();
  #cancel: AbortController | undefined;
  /** When the progress was last said: a live region that changes every frame would talk over itself. */
  #saidAt = -Infinity;

  readonly #section = byId('video', HTMLElement);
  readonly #name = byId('video-name', HTMLSpanElement);
  readonly #progress = byId('video-progress', HTMLProgressElement);
  readonly #status = byId('video-status', HTMLParagraphElement);
  readonly #cancelButton = byId('video-cancel', HTMLButtonElement);

  /** `detector` finds the faces, hidden as `style()` says: the gallery's, so a video looks as its photos do. */
  constructor(detector: () => Promise<FaceDetector>, style: () => Readonly<RedactionStyle>) {
    this.#detector = detector;
    this.#style = style;
    this.#cancelButton.addEventListener('click', () => this.#cancel?.abort());
  }

  /** Redacts `file` once the videos opened before it are done, and downloads the result as `<name>-blurred.<ext>`. */
  open(file: File): Promise<void> {
    this.#queue = this.#queue.then(() => this.#run(file));
    return this.#queue;
  }

  async #run(file: File): Promise<void> {
    const cancel = (this.#cancel = new AbortController());
    this.#section.hidden = false;
    this.#name.textContent = file.name;
    this.#progress.removeAttribute('value'); // indeterminate until the first frame
    this.#cancelButton.hidden = false;
    this.#saidAt = -Infinity;
    this.#say('Starting the face detector…');
    this.#section.setAttribute('aria-busy', 'true');
    try {
      const result = await redactVideo(file, {
        detector: await this.#detector(),
        style: { ...this.#style() },
        settings: { minScore: REDACTION_MIN_SCORE },
        signal: cancel.signal,
        onProgress: (progress) => this.#showProgress(progress),
      });
      const name = `${baseName(file.name)}-blurred.${result.extension}`;
      download(new File([result.blob], name, { type: result.blob.type }));
      this.#progress.value = 1;
      const audio = result.audio ? ', sound copied as it was' : '';
      this.#say(`Done: ${result.frames} frames with their faces hidden, saved as ${name} (${codecName(result.videoCodec)}${audio}).`);
    } catch (error) {
      this.#progress.value = 0;
      if ((error as Error).name === 'AbortError') this.#say('Cancelled: nothing was saved.');
      else if (error instanceof UndecodableVideoError) this.#say(`${file.name} cannot be opened: ${error.message}`);
      else this.#say(`${file.name} failed: ${(error as Error).message} Nothing was saved.`);
    } finally {
      this.#cancel = undefined;
      this.#cancelButton.hidden = true;
      this.#section.setAttribute('aria-busy', 'false');
    }
  }

  #showProgress({ frames, totalFrames, fraction, msLeft }: VideoProgress): void {
    this.#progress.value = fraction;
    if (performance.now() - this.#saidAt < PROGRESS_SAID_EVERY_MS) return;
    this.#saidAt = performance.now();
    const of = totalFrames === null ? '' : ` of ${totalFrames}`;
    const left = msLeft === null ? '' : `, about ${formatDuration(msLeft)} left`;
    this.#say(`Frame ${frames}${of} (${Math.floor(fraction * 100)}%)${left}.`);
  }

  #say(message: string): void {
    this.#status.textContent = message;
  }
}

/** `ms` as people read a wait: "40 s", "3 min 5 s". */
function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
