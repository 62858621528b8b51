// Draws faces over the displayed media. The media is shown with object-fit: contain, so the drawing maps
// normalized source coordinates onto the same content rectangle; mirroring is already in the coordinates.

import type { Face } from '../model/face.ts';
import type { BoxStyle } from './options.ts';

export interface OverlayStyle {
  boxColor: string;
  keypointColor: string;
  lineWidth: number;
  keypoints: boolean;
  /** Boxes turned by the face's roll about their centre. */
  rotateBoxes: boolean;
  boxStyle: BoxStyle;
}

/** Each corner mark of `box-style="corners"` runs this fraction of the box's shorter side along each edge. */
const CORNER_FRACTION = 0.25;

export interface ContentRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The intrinsic size of the element showing the media; zero before it has loaded. */
export function mediaSize(media: HTMLVideoElement | HTMLImageElement): [width: number, height: number] {
  return media instanceof HTMLImageElement ? [media.naturalWidth, media.naturalHeight] : [media.videoWidth, media.videoHeight];
}

/** Where a width x height picture lands inside a box under object-fit: contain. */
export function containRect(mediaWidth: number, mediaHeight: number, boxWidth: number, boxHeight: number): ContentRect {
  if (!mediaWidth || !mediaHeight) return { x: 0, y: 0, width: boxWidth, height: boxHeight };
  const scale = Math.min(boxWidth / mediaWidth, boxHeight / mediaHeight);
  const width = mediaWidth * scale;
  const height = mediaHeight * scale;
  return { x: (boxWidth - width) / 2, y: (boxHeight - height) / 2, width, height };
}

/** Reads the element's styling custom properties (from a live CSSStyleDeclaration, cheap per frame). */
export function overlayStyle(style: CSSStyleDeclaration, options: Pick<OverlayStyle, 'keypoints' | 'rotateBoxes' | 'boxStyle'>): OverlayStyle {
  const lineWidth = Number.parseFloat(style.getPropertyValue('--blaze-face-line-width'));
  return {
    boxColor: style.getPropertyValue('--blaze-face-box-color').trim() || '#00e676',
    keypointColor: style.getPropertyValue('--blaze-face-keypoint-color').trim() || '#ff1744',
    lineWidth: Number.isFinite(lineWidth) && lineWidth > 0 ? lineWidth : 3,
    ...options,
  };
}

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Draws every face's box (and keypoints) over what the canvas has, in CSS pixels scaled by `pixelRatio`. */
export function drawFaces(context: Context2D, faces: readonly Face[], rect: ContentRect, style: OverlayStyle, pixelRatio: number): void {
  context.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
  context.lineWidth = style.lineWidth;
  context.strokeStyle = style.boxColor;
  context.fillStyle = style.keypointColor;
  for (const face of faces) {
    const { box, keypoints, roll } = face.toPixels(rect.width, rect.height);
    context.save();
    context.translate(rect.x + box.x + box.width / 2, rect.y + box.y + box.height / 2);
    if (style.rotateBoxes) context.rotate(roll);
    if (style.boxStyle === 'corners') strokeCorners(context, box.width, box.height);
    else context.strokeRect(-box.width / 2, -box.height / 2, box.width, box.height);
    context.restore();
    if (!style.keypoints) continue;
    const radius = Math.max(2, style.lineWidth);
    for (const point of keypoints) {
      context.beginPath();
      context.arc(rect.x + point.x, rect.y + point.y, radius, 0, 2 * Math.PI);
      context.fill();
    }
  }
}

/** The four corners of a width x height box centred on the origin, as L-shaped marks. */
function strokeCorners(context: Context2D, width: number, height: number): void {
  const arm = CORNER_FRACTION * Math.min(width, height);
  const [x, y] = [width / 2, height / 2];
  context.beginPath();
  for (const [sx, sy] of [[-1, -1], [1, -1], [1, 1], [-1, 1]] as const) {
    context.moveTo(sx * x, sy * (y - arm));
    context.lineTo(sx * x, sy * y);
    context.lineTo(sx * (x - arm), sy * y);
  }
  context.stroke();
}
