// The renderer feature: what <blaze-face> shows. The picture (the source's <video> or <img>) stays hidden until
// the source's first faces, so it appears with them; then each frame's faces are painted on the canvas over
// it, the canvas kept at the displayed picture's size, and a screen reader hears how many faces are in view.
// Painters get the picture as well as the faces, so one can draw with the picture, not only over it: with
// `redact`, the redaction painter (redaction.ts) draws the picture itself with the faces hidden, and the picture's
// own element is never shown.

import type { PropertyValues, ReactiveController } from 'lit';
import type { Face } from '../../model/face.ts';
import { markStartup } from '../../model/startup-marks.ts';
import { FaceCountAnnouncer } from '../announcer.ts';
import { InvalidOptionError } from '../../model/errors.ts';
import { defaultRedactionStyle, type RedactionMode } from '../../model/redaction-options.ts';
import { BlazeFaceError } from '../events.ts';
import { optionsOf } from '../options.ts';
import { containRect, drawFaces, mediaSize, overlayStyle, type ContentRect, type OverlayStyle } from '../overlay.ts';
import type { FeatureHost } from './host.ts';
import type { Redaction } from './redaction.ts';

type Picture = HTMLVideoElement | HTMLImageElement;
type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** One frame as a painter sees it: the picture, where it lands (CSS pixels), its faces and the style. */
export interface Scene {
  /** The frame the faces were found in (a video's as a VideoFrame, when redacting), or the media element. */
  picture: CanvasImageSource;
  pictureWidth: number;
  pictureHeight: number;
  /** Whether the picture is shown mirrored (the faces are already in the view's coordinates). */
  mirrored: boolean;
  /** Whether the faces are this picture's: false before a source's first result, or while the detector is not working. */
  trusted: boolean;
  rect: ContentRect;
  faces: readonly Face[];
  style: OverlayStyle;
  pixelRatio: number;
}

/** Draws a scene over what the canvas has: the on-screen canvas cleared, a snapshot's picture. */
export type Painter = (context: Context2D, scene: Scene) => void;

const redrawnBy = [...optionsOf('renderer'), ...optionsOf('redaction')];
/**
 * A still picture's captures are sent their frame again this often: a canvas stream sends a frame only when its
 * canvas is painted, and a photo's is painted once (with its only result), which would make a recording of it one
 * frame long.
 */
const STILL_FRAMES_PER_SECOND = 30;

export class RendererFeature implements ReactiveController {
  #host: FeatureHost;
  #picture: () => Picture;
  /**
   * The redaction painter, loaded the first time the element redacts (the drop-in's bytes before a first result
   * leave it out). Until it is there, a redacting element paints nothing: the picture stays hidden.
   */
  #redaction: Redaction | null = null;
  #redactionLoad: Promise<Redaction> | null = null;
  #painters: Painter[];
  #faces: Face[] = [];
  /** The frame the current faces were found in, kept while redacting: it is what is shown, never a newer one. */
  #frame: VideoFrame | null = null;
  #trusted = false;
  #announcer: FaceCountAnnouncer;
  /** The canvases behind captureStream()'s streams. */
  #captures: { canvas: HTMLCanvasElement; stream: MediaStream }[] = [];
  /** Has a still picture's captures send their frame again, while there are any (#keepStillFramesComing). */
  #stillFrames: ReturnType<typeof setInterval> | undefined;
  #liveStyle: CSSStyleDeclaration | null = null;
  #resizeObserver = new ResizeObserver(() => this.redraw());
  #observing = false;
  /** The source has had no faces yet since this start: its picture stays hidden until then. */
  #pictureHidden = false;

  constructor(host: FeatureHost, picture: () => Picture) {
    this.#host = host;
    this.#picture = picture;
    const redact: Painter = (context, scene) => {
      if (this.redacting) this.#redaction?.paint(context, scene, this.#liveStyle, performance.now());
    };
    const outlines: Painter = (context, { faces, rect, style, pixelRatio }) => {
      if (!this.redacting || host.redactOutlines) drawFaces(context, faces, rect, style, pixelRatio);
    };
    this.#painters = [redact, outlines];
    this.#announcer = new FaceCountAnnouncer(() => host.renderRoot.querySelector('.announcer'));
    host.addController(this);
  }

  hostUpdated(): void {
    if (this.redacting) this.#loadRedaction().catch(() => {}); // a start waits for the painter and reports its failure; the picture stays hidden
    if (this.#observing) return;
    this.#resizeObserver.observe(this.#stage);
    this.#observing = true;
  }

  hostDisconnected(): void {
    this.#resizeObserver.disconnect();
    this.#observing = false;
    this.#stopStillFrames();
  }

  optionsChanged(changed: PropertyValues): void {
    if (redrawnBy.some((name) => changed.has(name))) this.redraw();
  }

  /**
   * Resolves when a result can be shown as it should: at once, or for a redacting element once its painter is
   * there. A start waits for it, so a face found before the painter arrives is not missed by its hold.
   */
  async painterReady(): Promise<void> {
    if (this.redacting) await this.#loadRedaction();
  }

  /** The redaction painter, loaded once (tried again after a failed load); the picture is painted again when it arrives. */
  #loadRedaction(): Promise<Redaction> {
    this.#redactionLoad ??= import('./redaction.ts').then(({ Redaction }) => {
      this.#redaction = new Redaction(this.#host);
      this.#redaction.track(this.#faces, performance.now());
      this.redraw();
      this.#paintCaptures();
      return this.#redaction;
    }, (error: unknown) => {
      this.#redactionLoad = null;
      throw new BlazeFaceError('model-load', `The redaction painter could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    return this.#redactionLoad;
  }

  /** The latest faces, normalized to the source (and mirrored with the view). */
  get faces(): readonly Face[] {
    return this.#faces;
  }

  /**
   * Whether the picture is hidden, waiting for its first faces. In Chromium this also makes the first frame's
   * read 100 ms faster, as the compositor is not drawing the video at the same time.
   */
  get pictureHidden(): boolean {
    return this.#pictureHidden;
  }

  /** A new source: its picture is hidden until show() gives it faces, or showPicture(). */
  hidePicture(): void {
    this.#setPictureHidden(true);
  }

  showPicture(): void {
    this.#setPictureHidden(false);
  }

  /** Whether the picture is drawn by the renderer, with its faces hidden, and its own element never shown. */
  get redacting(): boolean {
    return this.#host.redact !== 'none';
  }

  /**
   * Shows a frame's faces (and the picture, if it was waiting for them). `frame`, the frame they were found in,
   * is the renderer's from now on: shown while redacting, and closed when the next one comes.
   */
  show(faces: Face[], frame?: VideoFrame): void {
    this.#keepFrame(frame ?? null);
    this.#faces = faces;
    this.#trusted = true;
    this.#redaction?.track(faces, performance.now());
    this.redraw();
    this.#paintCaptures();
    this.#announcer.update(faces.length);
    if (this.#pictureHidden) markStartup('first-faces');
    this.showPicture();
  }

  /** No faces, and nothing said about earlier ones: until the next show(), a redacted picture is hidden whole. */
  clear(): void {
    this.#keepFrame(null);
    this.#faces = [];
    this.#trusted = false;
    this.#redaction?.forget();
    this.#announcer.reset();
    this.redraw();
    this.#paintCaptures();
  }

  /**
   * The host takes the media's aspect ratio as soon as its size is known (or changes). This resizes the
   * host, so it happens here, on the media's own events, and never inside the ResizeObserver's redraw:
   * a resize made there would be a ResizeObserver loop, an error on the page.
   */
  fitToMedia = (event: Event): void => {
    const [width, height] = mediaSize(event.currentTarget as Picture);
    if (width && height) this.#host.style.setProperty('--blaze-face-aspect-ratio', `${width} / ${height}`);
    this.redraw();
  };

  redraw(): void {
    if (!this.#host.hasUpdated) return;
    const canvas = this.#host.renderRoot.querySelector('canvas') as HTMLCanvasElement;
    const stage = this.#stage;
    const ratio = devicePixelRatio || 1;
    const width = stage.clientWidth;
    const height = stage.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const context = canvas.getContext('2d');
    if (!context) return;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, canvas.width, canvas.height);
    const scene = this.#scene();
    this.#paint(context, { ...scene, rect: containRect(scene.pictureWidth, scene.pictureHeight, width, height), pixelRatio: ratio });
  }

  /** The current frame with the faces painted on it (hidden, when redacting), at the picture's own size, as a PNG Blob. */
  async snapshot(): Promise<Blob> {
    const mode = this.redacting ? this.#host.redact as RedactionMode : undefined;
    if (mode) await this.#loadRedaction();
    return this.#pictureBlob(mode);
  }

  /**
   * The current frame with its faces hidden (`mode`, or the element's `redact`, or blur), at the picture's own
   * size, as a PNG Blob: re-encoded, so none of the source's metadata is in it; checked with `facesIn` for faces
   * left, which are hidden too (hideUntilNoFaceLeft).
   */
  async redact(mode: RedactionMode | undefined, facesIn: (image: ImageBitmap) => Promise<readonly Face[]>): Promise<Blob> {
    const chosen = mode ?? (this.redacting ? this.#host.redact as RedactionMode : defaultRedactionStyle.mode);
    const redaction = await this.#loadRedaction();
    const current = this.#scene();
    const canvas = this.#wholeCanvas(current);
    const context = canvas.getContext('2d')!;
    // The frame as it is now: the kept VideoFrame is closed when the next one comes, during the checks.
    const still = this.#wholeCanvas(current);
    still.getContext('2d')!.drawImage(current.picture, 0, 0, still.width, still.height);
    const scene = { ...current, picture: still };
    const facesLeft = async () => {
      const image = await createImageBitmap(canvas);
      try {
        return await facesIn(image);
      } finally {
        image.close();
      }
    };
    await redaction.hideUntilNoFaceLeft([...scene.faces], facesLeft, (faces, round) => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      this.#paintWhole(context, { ...scene, faces }, chosen, round);
    });
    return canvas.convertToBlob({ type: 'image/png' });
  }

  /**
   * A stream of what the element shows, at the picture's own size: a frame for each detection result (or at
   * `frameRate`), and for a still picture, whose result comes once, its frame again at STILL_FRAMES_PER_SECOND; the
   * faces hidden when redacting, outlined otherwise. It is painted while any of its tracks is live.
   */
  captureStream(frameRate?: number): MediaStream {
    if (frameRate !== undefined && !(Number.isFinite(frameRate) && frameRate >= 0)) {
      throw new InvalidOptionError('frameRate', `frameRate must be a number of frames per second, 0 or more, got ${frameRate}`);
    }
    const canvas = document.createElement('canvas');
    const stream = canvas.captureStream(frameRate);
    this.#captures.push({ canvas, stream });
    this.#paintCaptures();
    return stream;
  }

  #pictureBlob(mode: RedactionMode | undefined): Promise<Blob> {
    const scene = this.#scene();
    const canvas = this.#wholeCanvas(scene);
    this.#paintWhole(canvas.getContext('2d')!, scene, mode);
    return canvas.convertToBlob({ type: 'image/png' });
  }

  #wholeCanvas({ pictureWidth, pictureHeight }: Omit<Scene, 'rect' | 'pixelRatio'>): OffscreenCanvas {
    if (!pictureWidth || !pictureHeight) throw new BlazeFaceError('unsupported-source', 'There is no frame to take a snapshot of yet.');
    return new OffscreenCanvas(pictureWidth, pictureHeight);
  }

  /** The scene at the picture's own size on a context of that size: redacted in `mode`, or the picture and its outlines. */
  #paintWhole(context: Context2D, scene: Omit<Scene, 'rect' | 'pixelRatio'>, mode: RedactionMode | undefined, fewerCells = 0): void {
    const { pictureWidth: width, pictureHeight: height } = scene;
    const whole = { ...scene, rect: { x: 0, y: 0, width, height }, pixelRatio: 1 };
    if (mode) {
      this.#redaction?.paint(context, whole, this.#liveStyle, performance.now(), mode, fewerCells);
    } else {
      context.save();
      if (scene.mirrored) context.setTransform(-1, 0, 0, 1, width, 0);
      context.drawImage(scene.picture, 0, 0, width, height);
      context.restore();
    }
    if (!mode || this.#host.redactOutlines) drawFaces(context, scene.faces, whole.rect, scene.style, 1);
  }

  /** Each live capture's canvas gets the current frame; a capture whose tracks have all ended is let go. */
  #paintCaptures(): void {
    // Per frame: nothing is allocated for an element without captures. Before the first render there is no picture
    // yet: the first result paints them.
    if (this.#captures.length === 0 || !this.#host.hasUpdated) return;
    this.#captures = this.#captures.filter(({ stream }) => stream.getTracks().some((track) => track.readyState === 'live'));
    const scene = this.#scene();
    if (!scene.pictureWidth || !scene.pictureHeight) return;
    const mode = this.redacting ? this.#host.redact as RedactionMode : undefined;
    for (const { canvas } of this.#captures) {
      if (canvas.width !== scene.pictureWidth || canvas.height !== scene.pictureHeight) [canvas.width, canvas.height] = [scene.pictureWidth, scene.pictureHeight];
      const context = canvas.getContext('2d')!;
      context.clearRect(0, 0, canvas.width, canvas.height);
      this.#paintWhole(context, scene, mode);
    }
    this.#keepStillFramesComing();
  }

  /**
   * While a still picture (an image source) is captured, its captures' canvases are marked changed at
   * STILL_FRAMES_PER_SECOND by writing one pixel back as it is (nothing painted again, nothing seen to change), so
   * that each sends its frame again. requestFrame() does not do it: Chromium sends a frame only for a canvas changed
   * since the last one (measured: a 2 s recording of a photo held 1 frame). Stops when no capture is live or the
   * source is no longer still.
   */
  #keepStillFramesComing(): void {
    if (!(this.#picture() instanceof HTMLImageElement) || this.#captures.length === 0) {
      this.#stopStillFrames();
      return;
    }
    this.#stillFrames ??= setInterval(() => {
      this.#captures = this.#captures.filter(({ stream }) => stream.getTracks().some((track) => track.readyState === 'live'));
      if (!(this.#picture() instanceof HTMLImageElement) || this.#captures.length === 0) {
        this.#stopStillFrames();
        return;
      }
      for (const { canvas } of this.#captures) {
        const context = canvas.getContext('2d')!;
        context.putImageData(context.getImageData(0, 0, 1, 1), 0, 0);
      }
    }, 1000 / STILL_FRAMES_PER_SECOND);
  }

  #stopStillFrames(): void {
    clearInterval(this.#stillFrames);
    this.#stillFrames = undefined;
  }

  /** What is shown now: the kept frame or the media element, its faces and whether they are its own. */
  #scene(): Omit<Scene, 'rect' | 'pixelRatio'> {
    const media = this.#picture();
    const [mediaWidth, mediaHeight] = mediaSize(media);
    const frame = this.#frame;
    return {
      picture: frame ?? media,
      pictureWidth: frame ? frame.displayWidth : mediaWidth,
      pictureHeight: frame ? frame.displayHeight : mediaHeight,
      mirrored: this.#host.isMirrored,
      trusted: this.#trusted,
      faces: this.#faces,
      style: this.#style(),
    };
  }

  #keepFrame(frame: VideoFrame | null): void {
    if (this.#frame !== frame) this.#frame?.close();
    this.#frame = frame;
  }

  #paint(context: Context2D, scene: Scene): void {
    for (const painter of this.#painters) painter(context, scene);
  }

  get #stage(): HTMLElement {
    return this.#host.renderRoot.querySelector('.stage') as HTMLElement;
  }

  #style(): OverlayStyle {
    const host = this.#host;
    this.#liveStyle ??= getComputedStyle(host);
    return overlayStyle(this.#liveStyle, { keypoints: host.keypoints, rotateBoxes: host.rotateBoxes, boxStyle: host.boxStyle });
  }

  #setPictureHidden(hidden: boolean): void {
    if (this.#pictureHidden === hidden) return;
    this.#pictureHidden = hidden;
    this.#host.requestUpdate();
  }
}
