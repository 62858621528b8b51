// The source feature: what <blaze-face> analyses and shows. It opens the camera, a `src` (image or video) or a
// `srcObject` into the shadow DOM's <video> or <img>, paces a video's frames (frame-loop.ts), follows the page's
// visibility and the stream's end, and releases what it opened: the camera is never left on unused.

import type { ReactiveController } from 'lit';
import { BlazeFaceError } from '../events.ts';
import { hasLiveVideo, openCamera, setStreamEnabled, stopStream, watchStreamEnd, type StreamWatch } from '../camera.ts';
import { FrameLoop, type FrameHandler, type StallWatch } from '../frame-loop.ts';
import { FrameTap } from '../frame-tap.ts';
import type { FeatureHost } from './host.ts';

const videoExtensions = /\.(mp4|webm|ogv|ogg|mov|m4v)(\?|#|$)/i;

/** Options that need the source opened again when they change. */
const reopenedBy = ['src', 'srcObject', 'facingMode'] as const;

export interface SourceEvents {
  /** The page's stream has no live video left. */
  ended(): void;
  /** The camera the element opened stopped, or a frame could not be read. */
  failed(error: BlazeFaceError): void;
  /** The page was hidden or shown again. */
  visibilityChanged(hidden: boolean): void;
}

export class SourceFeature implements ReactiveController {
  #host: FeatureHost;
  #events: SourceEvents;
  #cameraStream: MediaStream | null = null;
  /** The watch on the attached stream (camera or srcObject) for its tracks ending. */
  #streamWatch: StreamWatch | null = null;
  #image: HTMLImageElement | null = null;
  #loop: FrameLoop | null = null;
  /** The stream's own frames, where the page can take them from its track (frame-tap.ts). */
  #tap: FrameTap | null = null;

  constructor(host: FeatureHost, events: SourceEvents) {
    this.#host = host;
    this.#events = events;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
  }

  /** The image being analysed, when `src` is one; else the video shows the source. */
  get image(): HTMLImageElement | null {
    return this.#image;
  }

  get video(): HTMLVideoElement {
    return this.#host.renderRoot.querySelector('video') as HTMLVideoElement;
  }

  /** What is shown: the image or the video. */
  get media(): HTMLVideoElement | HTMLImageElement {
    return this.#image ?? this.video;
  }

  /** The element opens its own camera (no `src` or `srcObject`), facing the person. */
  get isUserCamera(): boolean {
    const host = this.#host;
    return !host.src && !host.srcObject && host.facingMode === 'user';
  }

  /** Whether a change of these options needs the source opened again. */
  needsReopen(changedNow: (name: (typeof reopenedBy)[number]) => boolean): boolean {
    return reopenedBy.some(changedNow);
  }

  /** Opens the source; a start aborted meanwhile closes what it opened (a camera granted late). */
  async attach(signal: AbortSignal): Promise<void> {
    const host = this.#host;
    const video = this.video;
    this.#image = null;
    if (host.src && !host.srcObject && !videoExtensions.test(host.src)) {
      const image = await this.#loadImage(host.src);
      if (signal.aborted) return;
      this.#image = image;
      host.requestUpdate();
      return;
    }
    if (host.srcObject) {
      const stream = host.srcObject;
      if (!hasLiveVideo(stream)) throw new BlazeFaceError('unsupported-source', 'The stream has no live video track.');
      video.srcObject = stream;
      this.#tapFrames(stream);
      this.#streamWatch = watchStreamEnd(stream, () => this.#events.ended());
    } else if (host.src) {
      video.srcObject = null;
      video.src = host.src;
      video.loop = true;
    } else {
      const stream = await openCamera(host.facingMode);
      if (signal.aborted) {
        stopStream(stream);
        return;
      }
      this.#cameraStream = stream;
      video.srcObject = stream;
      this.#tapFrames(stream);
      this.#streamWatch = watchStreamEnd(stream, () =>
        this.#events.failed(new BlazeFaceError('camera-unavailable', 'The camera stopped (it was unplugged, or taken by the system or another app).')),
      );
    }
    await whenPlayable(video);
  }

  /** Starts a video playing (hidden until its first faces), unless paused or on a hidden page. */
  play(): void {
    if (!this.#image && !this.#host.paused && !document.hidden) void this.video.play().catch(() => undefined);
  }

  /**
   * Runs `onFrame` on each new video frame, from the current one. On a hidden page the camera stays open but
   * disabled, and nothing runs until the page is visible again. `watch` hears of a loop that stalled while the
   * video played (frame-loop.ts); the loop has then stopped.
   */
  runFrames(onFrame: FrameHandler, watch: StallWatch): void {
    const video = this.video;
    this.#loop ??= new FrameLoop(video, onFrame, watch);
    if (document.hidden) {
      setStreamEnabled(this.#cameraStream, false);
      this.#tap?.hold();
      return;
    }
    setStreamEnabled(this.#cameraStream, true);
    this.#tap?.resume();
    void video.play().catch(() => undefined);
    this.#loop.start();
  }

  /** Stops the frames, the track's among them, and the video where they are (paused). */
  hold(): void {
    this.#loop?.stop();
    this.#tap?.hold();
    this.video.pause();
  }

  /** Holds the frames and disables the camera without closing it (a hidden page). */
  hide(): void {
    this.hold();
    setStreamEnabled(this.#cameraStream, false);
  }

  /**
   * Stops the frame loop for good; the next runFrames() makes a new one, so a frame still finishing on a
   * retired detector cannot hold back the first frames of its replacement.
   */
  dropFrames(): void {
    this.#loop?.stop();
    this.#loop = null;
  }

  /**
   * The stream's newest frame as its track gave it (the caller's to close), where the page can take it; null for
   * a video file, before the first frame, or where only the <video> has the frames.
   */
  takeFrame(): VideoFrame | null {
    return this.#tap?.take() ?? null;
  }

  /** A frame failed: an ended stream is reported as such, and its watch released. Whether it was that. */
  checkEnded(): boolean {
    const watch = this.#streamWatch;
    watch?.check();
    return watch !== null && this.#streamWatch !== watch;
  }

  /** Stops the frames and releases what this element opened (the camera); a page's own stream is left alone. */
  release(): void {
    this.#streamWatch?.stop();
    this.#streamWatch = null;
    this.dropFrames();
    this.#tapFrames(null);
    stopStream(this.#cameraStream);
    this.#cameraStream = null;
    const video = this.#host.renderRoot?.querySelector('video');
    if (video) {
      video.pause();
      video.srcObject = null;
      video.removeAttribute('src');
    }
  }

  /** Takes `stream`'s frames from its track from now on, and no other stream's. */
  #tapFrames(stream: MediaStream | null): void {
    this.#tap?.stop();
    this.#tap = stream && FrameTap.open(stream);
  }

  #loadImage(url: string): Promise<HTMLImageElement> {
    const image = this.#host.renderRoot.querySelector('img') as HTMLImageElement;
    return new Promise((resolve, reject) => {
      image.onload = () => resolve(image);
      image.onerror = () => reject(new BlazeFaceError('unsupported-source', `The image at ${url} could not be loaded or decoded.`));
      image.src = url;
    });
  }

  #onVisibilityChange = (): void => this.#events.visibilityChanged(document.hidden);
}

function whenPlayable(video: HTMLVideoElement): Promise<void> {
  if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      video.removeEventListener('loadeddata', onData);
      video.removeEventListener('error', onError);
    };
    const onData = () => (done(), resolve());
    const onError = () => {
      done();
      reject(new BlazeFaceError('unsupported-source', `The video source could not be played (${video.error?.message || 'unknown format'}).`));
    };
    video.addEventListener('loadeddata', onData);
    video.addEventListener('error', onError);
  });
}
