// Regions hidden by hand on a gallery photo, where the detector missed something. A region is marked by dragging
// over the photo, or from the keyboard: "Hide a region" puts one in the middle, which the arrow keys move,
// Shift with the arrow keys resizes, and Delete removes. Every region has a focusable outline, so one marked with
// a pointer can be adjusted or removed from the keyboard too. Each change can be undone.
import type { Rect } from '../model/redactor.ts';
import { percent } from './dom.ts';

/** The smallest region a drag marks, as a fraction of the photo's sides: smaller is a click that wobbled. */
const MIN_REGION = 0.01;
/** A region made from the keyboard: centred, this fraction of each side. */
const KEYBOARD_REGION = 0.3;
/** How far an arrow key moves or resizes a region, as a fraction of the photo's side. */
const KEY_STEP = 0.02;

/** The photo whose regions are marked. */
export interface RegionsHost {
  /** The photo's file name, for the outlines' labels. */
  name: string;
  /** The element over the photo's canvas that the outlines are placed in. */
  frame: HTMLElement;
  canvas: HTMLCanvasElement;
  /** The regions, as fractions of the photo: what the painter hides. Changed in place. */
  regions: Rect[];
  repaint(): void;
  /** Records a change's reverse, for undo. */
  did(reverse: () => void): void;
}

/** Wires the drag that marks a region on `host`'s photo; returns the "Hide a region" button for its caption. */
export function wireRegions(host: RegionsHost): HTMLButtonElement {
  const outlines = new Map<Rect, HTMLButtonElement>();
  const label = (rect: Rect) =>
    `Region ${host.regions.indexOf(rect) + 1} hidden in ${host.name}: arrow keys move it, Shift and arrow keys resize it, Delete shows it again`;
  const place = (rect: Rect) => {
    const outline = outlines.get(rect)!;
    Object.assign(outline.style, { left: percent(rect.x), top: percent(rect.y), width: percent(rect.width), height: percent(rect.height) });
    outline.setAttribute('aria-label', label(rect));
  };

  const add = (rect: Rect, index = host.regions.length): HTMLButtonElement => {
    host.regions.splice(index, 0, rect);
    const outline = document.createElement('button');
    outline.type = 'button';
    outline.className = 'region';
    outline.addEventListener('keydown', (event) => keyed(rect, event));
    host.frame.append(outline);
    outlines.set(rect, outline);
    for (const each of host.regions) place(each);
    host.repaint();
    return outline;
  };
  const remove = (rect: Rect): number => {
    const index = host.regions.indexOf(rect);
    host.regions.splice(index, 1);
    outlines.get(rect)?.remove();
    outlines.delete(rect);
    for (const each of host.regions) place(each);
    host.repaint();
    return index;
  };
  const added = (rect: Rect): HTMLButtonElement => {
    const outline = add(rect);
    host.did(() => remove(rect));
    return outline;
  };

  /** Arrow keys move the region (with Shift, resize it) within the photo; Delete removes it. */
  const keyed = (rect: Rect, event: KeyboardEvent) => {
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      const index = remove(rect);
      host.did(() => add(rect, index).focus());
      return;
    }
    const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
    if (!step) return;
    event.preventDefault(); // not the page's scroll
    const before = { ...rect };
    const [dx, dy] = [step[0]! * KEY_STEP, step[1]! * KEY_STEP];
    if (event.shiftKey) {
      rect.width = Math.min(1 - rect.x, Math.max(MIN_REGION, rect.width + dx));
      rect.height = Math.min(1 - rect.y, Math.max(MIN_REGION, rect.height + dy));
    } else {
      rect.x = Math.min(1 - rect.width, Math.max(0, rect.x + dx));
      rect.y = Math.min(1 - rect.height, Math.max(0, rect.y + dy));
    }
    place(rect);
    host.repaint();
    host.did(() => {
      Object.assign(rect, before);
      place(rect);
      host.repaint();
    });
  };

  // A drag over the photo (not starting on a face's or a region's outline) marks a rectangle to hide.
  let start: { x: number; y: number } | undefined;
  const marking = document.createElement('div');
  marking.className = 'marking';
  marking.hidden = true;
  host.frame.append(marking);
  const at = (event: PointerEvent) => {
    const bounds = host.canvas.getBoundingClientRect();
    return { x: clamp((event.clientX - bounds.left) / bounds.width), y: clamp((event.clientY - bounds.top) / bounds.height) };
  };
  const dragged = (event: PointerEvent): Rect | undefined => {
    if (!start) return undefined;
    const end = at(event);
    return { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y), width: Math.abs(end.x - start.x), height: Math.abs(end.y - start.y) };
  };
  host.canvas.addEventListener('pointerdown', (event) => {
    start = at(event);
    host.canvas.setPointerCapture(event.pointerId);
  });
  host.canvas.addEventListener('pointermove', (event) => {
    const rect = dragged(event);
    if (!rect) return;
    Object.assign(marking.style, { left: percent(rect.x), top: percent(rect.y), width: percent(rect.width), height: percent(rect.height) });
    marking.hidden = false;
  });
  host.canvas.addEventListener('pointerup', (event) => {
    const rect = dragged(event);
    start = undefined;
    marking.hidden = true;
    if (rect && rect.width >= MIN_REGION && rect.height >= MIN_REGION) added(rect);
  });
  host.canvas.addEventListener('pointercancel', () => {
    start = undefined;
    marking.hidden = true;
  });

  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Hide a region';
  button.setAttribute('aria-label', `Hide a region of ${host.name}`);
  const middle = (1 - KEYBOARD_REGION) / 2;
  button.addEventListener('click', () => added({ x: middle, y: middle, width: KEYBOARD_REGION, height: KEYBOARD_REGION }).focus());
  return button;
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));
