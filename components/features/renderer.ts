// The renderer feature: what <blaze-face> shows. The picture (the source's <video> or <img>) stays hidden until
// the source's first faces, so it appears with them; then each frame's faces are painted on the canvas over
// it, the canvas kept at the displayed picture's size, and a screen reader hears how many faces are in view.
// Painters get the picture as well as the faces, so one can draw with the picture, not only over it.

import type { PropertyValues, ReactiveController } from 'lit';
import type { Face } from '../../model/face.ts';
import { markStartup } from '../../model/startup-marks.ts';
import { FaceCountAnnouncer } from '../announcer.ts';
import { BlazeFaceError } from '../events.ts';
import { optionsOf } from '../options.ts';
import { containRect, drawFaces, mediaSize, overlayStyle, type ContentRect, type OverlayStyle } from '../overlay.ts';
import type { FeatureHost } from './host.ts';

type Picture = HTMLVideoElement | HTMLImageElement;
type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** One frame as a painter sees it: the picture, where it lands (CSS pixels), its faces and the style. */
export interface Scene {
  picture: Picture;
  rect: ContentRect;
  faces: readonly Face[];
  style: OverlayStyle;
  pixelRatio: number;
}

/** Draws a scene over what the canvas has: the on-screen canvas cleared, a snapshot's picture (outlines today, overlay.ts). */
export type Painter = (context: Context2D, scene: Scene) => void;

const outlines: Painter = (context, { faces, rect, style, pixelRatio }) => drawFaces(context, faces, rect, style, pixelRatio);

const redrawnBy = optionsOf('renderer');

export class RendererFeature implements ReactiveController {
  #host: FeatureHost;
  #picture: () => Picture;
  #painters: Painter[] = [outlines];
  #faces: Face[] = [];
  #announcer: FaceCountAnnouncer;
  #liveStyle: CSSStyleDeclaration | null = null;
  #resizeObserver = new ResizeObserver(() => this.redraw());
  #observing = false;
  /** The source has had no faces yet since this start: its picture stays hidden until then. */
  #pictureHidden = false;

  constructor(host: FeatureHost, picture: () => Picture) {
    this.#host = host;
    this.#picture = picture;
    this.#announcer = new FaceCountAnnouncer(() => host.renderRoot.querySelector('.announcer'));
    host.addController(this);
  }

  hostUpdated(): void {
    if (this.#observing) return;
    this.#resizeObserver.observe(this.#stage);
    this.#observing = true;
  }

  hostDisconnected(): void {
    this.#resizeObserver.disconnect();
    this.#observing = false;
  }

  optionsChanged(changed: PropertyValues): void {
    if (redrawnBy.some((name) => changed.has(name))) this.redraw();
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

  /** Shows a frame's faces (and the picture, if it was waiting for them). */
  show(faces: Face[]): void {
    this.#faces = faces;
    this.redraw();
    this.#announcer.update(faces.length);
    if (this.#pictureHidden) markStartup('first-faces');
    this.showPicture();
  }

  /** No faces, and nothing said about earlier ones. */
  clear(): void {
    this.#faces = [];
    this.#announcer.reset();
    this.redraw();
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
    const picture = this.#picture();
    const [mediaWidth, mediaHeight] = mediaSize(picture);
    this.#paint(context, { picture, rect: containRect(mediaWidth, mediaHeight, width, height), faces: this.#faces, style: this.#style(), pixelRatio: ratio });
  }

  /** The current frame with the faces painted on it, at the picture's own size, as a PNG Blob. */
  async snapshot(): Promise<Blob> {
    const picture = this.#picture();
    const [width, height] = mediaSize(picture);
    if (!width || !height) throw new BlazeFaceError('unsupported-source', 'There is no frame to take a snapshot of yet.');
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('2D canvas is unavailable');
    if (this.#host.isMirrored) context.setTransform(-1, 0, 0, 1, width, 0);
    context.drawImage(picture, 0, 0, width, height);
    this.#paint(context, { picture, rect: { x: 0, y: 0, width, height }, faces: this.#faces, style: this.#style(), pixelRatio: 1 });
    return canvas.convertToBlob({ type: 'image/png' });
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
