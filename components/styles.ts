// The element's shadow styles. Public styling hooks (documented in docs/element.md):
// --blaze-face-box-color, --blaze-face-keypoint-color, --blaze-face-line-width, --blaze-face-redact-cells,
// --blaze-face-redact-color, and the parts video, image, overlay, status and retry-button. Redacting, the media
// elements are never visible: the canvas shows the picture with its faces hidden.

import { css } from 'lit';

export const blazeFaceStyles = css`
  :host {
    display: block;
    position: relative;
    /* Sizes like a video: the media's intrinsic aspect ratio once known, 4:3 before. */
    aspect-ratio: var(--blaze-face-aspect-ratio, 4 / 3);
    background: #000;
    overflow: hidden;
    contain: content;
  }
  :host([hidden]) {
    display: none;
  }
  .stage,
  video,
  img,
  canvas {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
  }
  video,
  img {
    object-fit: contain;
  }
  .stage[data-mirrored] video,
  .stage[data-mirrored] img {
    transform: scaleX(-1);
  }
  [hidden] {
    display: none !important;
  }
  [data-undetected],
  .stage[data-redacted] video,
  .stage[data-redacted] img {
    visibility: hidden;
  }
  canvas {
    pointer-events: none;
  }
  .status {
    position: absolute;
    inset: auto 0 0 0;
    display: flex;
    gap: 0.75em;
    align-items: center;
    justify-content: center;
    padding: 0.5em 1em;
    font: 500 0.95rem/1.4 system-ui, sans-serif;
    color: #fff;
    background: rgb(0 0 0 / 0.65);
  }
  .status button {
    font: inherit;
    padding: 0.25em 0.9em;
    border-radius: 0.4em;
    border: 1px solid currentColor;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  .status button:focus-visible {
    outline: 2px solid #fff;
    outline-offset: 2px;
  }
  .announcer {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
