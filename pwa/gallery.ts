// "Blur faces in photos": any number of photos, each shown with its faces already hidden, all in one mode and
// strength. A face can be shown again (select it; again to hide it), a region the detector missed hidden by
// dragging over it, and every change undone. Nothing leaves the device: the photos are decoded, searched and
// painted here, and exported (a download each, one zip, or the share sheet) re-encoded from a canvas, so no
// metadata (EXIF, GPS) goes along. The detector reads a copy at most 2048 pixels on its long side (detectionCopy)
// and the grid shows one of at most SHOWN_SIDE, which keeps many photos in memory; an export decodes its file again
// and paints it at full resolution. Loaded only when used.
import { zipSync } from 'fflate';
import { FaceDetector } from '../model/face-detector.ts';
import type { Face } from '../model/face.ts';
import { detectionCopy } from '../model/redact-image.ts';
import { redactionOptionProblem } from '../model/redaction-options.ts';
import { hideUntilNoFaceLeft, REDACTION_MIN_SCORE, Redactor, redactionModes, type RedactionMode, type RedactionScene, type Rect } from '../model/redactor.ts';
import { byId, percent } from './dom.ts';
import { baseName, download, numberedName } from './files.ts';
import { wireFolderExport } from './folder-export.ts';
import { wireRegions } from './gallery-regions.ts';
import type { VideoView } from './video.ts';

/** The video types opened (one at a time) in the video view, pwa/video.ts. */
const videoTypes = ['video/mp4', 'video/webm', 'video/quicktime'];
/** The types the gallery exports in (an export keeps its photo's type where it is one of these). */
const extensions: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
/**
 * HEIC and HEIF photos (iPhones' own) are opened where the browser decodes them (Safari), and exported as JPEG: no
 * browser's canvas encodes them.
 */
const heifTypes = ['image/heic', 'image/heif'];
const isPhoto = (file: File) => file.type in extensions || heifTypes.includes(file.type);
/** JPEG and WebP exports' quality: close to what cameras write, so a re-encoded photo does not visibly degrade. */
const EXPORT_QUALITY = 0.92;
/**
 * The long side of the copy the grid shows: sharp in its cells on a high-density screen, and a quarter of the
 * detector's copy in memory (measured with 20 photos of 12 MP at once: see the bench's gallery row).
 */
const SHOWN_SIDE = 1024;

interface Photo {
  file: File;
  /** The copy the gallery shows and repaints, at most SHOWN_SIDE on its long side. */
  preview: ImageBitmap;
  faces: Face[];
  /** Indices in `faces` of those shown again. */
  shown: Set<number>;
  /** Hidden by hand, as fractions of the photo. */
  regions: Rect[];
  canvas: HTMLCanvasElement;
  frame: HTMLElement;
  /** The photo's name and its buttons. */
  caption: HTMLElement;
}

export class Gallery {
  readonly #redactor = new Redactor();
  #detector: Promise<FaceDetector> | undefined;
  /** The video view, loaded (with mediabunny) when the first video is opened. */
  #video: Promise<VideoView> | undefined;
  readonly #photos: Photo[] = [];
  /** Each change's reverse, newest last. */
  readonly #undo: Array<() => void> = [];
  /** Photos still being opened: they are searched one at a time, in the order given. */
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  /** What went wrong with the latest files opened, said after the progress. */
  #problems: string[] = [];

  readonly #list = byId('gallery-photos', HTMLUListElement);
  readonly #status = byId('gallery-status', HTMLParagraphElement);
  readonly #undoButton = byId('gallery-undo', HTMLButtonElement);
  readonly #zipButton = byId('gallery-zip', HTMLButtonElement);
  readonly #shareButton = byId('gallery-share', HTMLButtonElement);
  readonly #folderButton = byId('gallery-folder', HTMLButtonElement);

  constructor() {
    const mode = byId('gallery-mode', HTMLSelectElement);
    const strength = byId('gallery-strength', HTMLSelectElement);
    mode.addEventListener('change', () => {
      if (!redactionModes.includes(mode.value as RedactionMode)) return;
      this.#redactor.style.mode = mode.value as RedactionMode;
      strength.disabled = mode.value === 'fill'; // a covered face has no strength to choose
      this.#repaint();
    });
    // The strength is the cells a face is averaged over: the default is the most that hide a face from the full
    // model (model/redaction-options.ts), fewer hide more.
    strength.addEventListener('change', () => {
      const cells = Number(strength.value);
      if (redactionOptionProblem('cells', cells) !== undefined) return;
      this.#redactor.style.cells = cells;
      this.#repaint();
    });
    this.#undoButton.addEventListener('click', () => this.undo());
    this.#zipButton.addEventListener('click', () => void this.#report(this.#downloadZip()));
    this.#shareButton.hidden = !canShareFiles([new File([], 'photo.png', { type: 'image/png' })]);
    this.#shareButton.addEventListener('click', () => void this.#report(this.#shareAll()));
    wireFolderExport(this.#folderButton, () => this.#exportedAll(), (message) => this.#say(message));
  }

  /** Opens `files` (those of the gallery's types) into the gallery, each with its faces hidden; videos go to the video view. */
  add(files: readonly File[]): Promise<void> {
    const photos = files.filter(isPhoto);
    const videos = files.filter((file) => videoTypes.includes(file.type));
    for (const video of videos) {
      void (this.#video ??= import('./video.ts').then((module) => new module.VideoView(() => this.#theDetector(), () => this.#redactor.style))).then((view) => view.open(video));
    }
    const skipped = files.length - photos.length - videos.length;
    this.#problems = skipped > 0 ? [`${skipped} file${skipped === 1 ? '' : 's'} left out: not a JPEG, PNG, WebP or HEIC photo, or an MP4, WebM or MOV video.`] : [];
    this.#pending += photos.length;
    this.#showProgress();
    for (const file of photos) {
      this.#queue = this.#queue.then(() => this.#open(file).catch((error: unknown) => void this.#problems.push(`${file.name} could not be opened: ${(error as Error).message}`)))
        .finally(() => {
          this.#pending--;
          this.#showProgress();
        });
    }
    return this.#queue;
  }

  /** Reverses the newest change, if any. */
  undo(): void {
    this.#undo.pop()?.();
    this.#undoButton.disabled = this.#undo.length === 0;
  }

  async #open(file: File): Promise<void> {
    const full = await createImageBitmap(file, { imageOrientation: 'from-image' }).catch((error: unknown) => {
      if (heifTypes.includes(file.type)) throw new Error('this browser cannot decode HEIC photos (Safari can; elsewhere, save it as JPEG first)', { cause: error });
      throw error;
    });
    let searched: ImageBitmap;
    try {
      searched = await detectionCopy(full, full.width, full.height);
    } finally {
      full.close();
    }
    let faces: Face[];
    let preview: ImageBitmap;
    try {
      faces = await this.#findFaces(searched);
      const scale = Math.min(1, SHOWN_SIDE / Math.max(searched.width, searched.height));
      preview = await createImageBitmap(searched, { resizeWidth: Math.round(searched.width * scale), resizeHeight: Math.round(searched.height * scale), resizeQuality: 'high' });
    } finally {
      searched.close();
    }
    const photo: Photo = { file, preview, faces, shown: new Set(), regions: [], ...this.#item(file, preview, faces.length) };
    this.#photos.push(photo);
    this.#wire(photo);
    this.#paint(photo);
    this.#zipButton.disabled = false;
    this.#shareButton.disabled = false;
    this.#folderButton.disabled = false;
  }

  /**
   * The faces in `picture` down to REDACTION_MIN_SCORE, and those that still read as faces once the others are
   * hidden (hideUntilNoFaceLeft, as redact() does): a face barely seen next to others can stand out once they are
   * blurred.
   */
  async #findFaces(picture: ImageBitmap): Promise<Face[]> {
    const detector = await this.#theDetector();
    const settings = { settings: { minScore: REDACTION_MIN_SCORE } };
    const canvas = new OffscreenCanvas(picture.width, picture.height);
    const context = canvas.getContext('2d')!;
    let found: readonly Face[] = [];
    await hideUntilNoFaceLeft(await detector.detect(picture, settings), () => detector.detect(canvas, settings), (faces) => {
      found = faces;
      this.#redactor.paint(context, scene(picture, faces, []));
    });
    return [...found];
  }

  /** The gallery's detector (the full model, down to REDACTION_MIN_SCORE), made on first use; the video view's too. */
  #theDetector(): Promise<FaceDetector> {
    return (this.#detector ??= FaceDetector.create({ model: 'full', minScore: REDACTION_MIN_SCORE }));
  }

  /** The photo's entry in the list: its canvas in a frame (which #wire gives the face buttons), name and download. */
  #item(file: File, preview: ImageBitmap, faceCount: number): Pick<Photo, 'canvas' | 'frame' | 'caption'> {
    const item = document.createElement('li');
    const figure = document.createElement('figure');
    const frame = document.createElement('div');
    frame.className = 'photo-frame';
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [preview.width, preview.height];
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${file.name}, faces hidden`);
    frame.append(canvas);
    const caption = document.createElement('figcaption');
    const name = document.createElement('span');
    name.textContent = `${file.name} · ${faceCount} face${faceCount === 1 ? '' : 's'}`;
    const download = document.createElement('button');
    download.type = 'button';
    download.textContent = 'Download';
    download.setAttribute('aria-label', `Download ${file.name} with its faces hidden`);
    download.addEventListener('click', () => void this.#report(this.#downloadOne(file)));
    caption.append(name, download);
    figure.append(frame, caption);
    item.append(figure);
    this.#list.append(item);
    return { canvas, frame, caption };
  }

  /** The face buttons on the photo's frame, and the regions hidden by hand (gallery-regions.ts). */
  #wire(photo: Photo): void {
    photo.faces.forEach((face, index) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'face';
      button.dataset.face = String(index);
      button.setAttribute('aria-label', `Show face ${index + 1} of ${photo.faces.length} in ${photo.file.name}`);
      button.setAttribute('aria-pressed', 'false');
      const { xMin, yMin, xMax, yMax } = face.box;
      Object.assign(button.style, { left: percent(xMin), top: percent(yMin), width: percent(xMax - xMin), height: percent(yMax - yMin) });
      const toggle = () => {
        if (!photo.shown.delete(index)) photo.shown.add(index);
        button.setAttribute('aria-pressed', String(photo.shown.has(index)));
        this.#paint(photo);
      };
      button.addEventListener('click', () => {
        toggle();
        this.#did(toggle);
      });
      photo.frame.append(button);
    });

    const hideRegion = wireRegions({
      name: photo.file.name, frame: photo.frame, canvas: photo.canvas, regions: photo.regions,
      repaint: () => this.#paint(photo), did: (reverse) => this.#did(reverse),
    });
    photo.caption.insertBefore(hideRegion, photo.caption.querySelector('button'));
  }

  #did(reverse: () => void): void {
    this.#undo.push(reverse);
    this.#undoButton.disabled = false;
  }

  #repaint(): void {
    for (const photo of this.#photos) this.#paint(photo);
  }

  #paint(photo: Photo): void {
    this.#redactor.paint(photo.canvas.getContext('2d')!, scene(photo.preview, hiddenFaces(photo), photo.regions));
  }

  /** The photo painted at full resolution with what the gallery shows hidden, re-encoded in its own type. */
  async #exported(photo: Photo): Promise<File> {
    const bitmap = await createImageBitmap(photo.file, { imageOrientation: 'from-image' });
    try {
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      this.#redactor.paint(canvas.getContext('2d')!, scene(bitmap, hiddenFaces(photo), photo.regions));
      const blob = await canvas.convertToBlob({ type: photo.file.type in extensions ? photo.file.type : 'image/jpeg', quality: EXPORT_QUALITY });
      // A browser that cannot encode the type gives PNG: the name says what the file is.
      return new File([blob], `${baseName(photo.file.name)}-blurred.${extensions[blob.type] ?? 'png'}`, { type: blob.type });
    } finally {
      bitmap.close();
    }
  }

  async #exportedAll(): Promise<File[]> {
    const files: File[] = [];
    for (const photo of this.#photos) files.push(await this.#exported(photo));
    return files;
  }

  async #downloadOne(file: File): Promise<void> {
    const photo = this.#photos.find((candidate) => candidate.file === file);
    if (photo) download(await this.#exported(photo));
  }

  async #downloadZip(): Promise<void> {
    this.#say('Preparing the zip…');
    const entries: Record<string, [Uint8Array, { level: 0 }]> = {};
    for (const file of await this.#exportedAll()) {
      // Photos are compressed already: stored as they are, the zip is made at once and is no bigger.
      entries[uniqueName(file.name, entries)] = [new Uint8Array(await file.arrayBuffer()), { level: 0 }];
    }
    download(new File([zipSync(entries)], 'photos-blurred.zip', { type: 'application/zip' }));
    this.#say(`${this.#photos.length} photo${this.#photos.length === 1 ? '' : 's'} in photos-blurred.zip.`);
  }

  async #shareAll(): Promise<void> {
    const files = await this.#exportedAll();
    if (!canShareFiles(files)) {
      this.#say('This browser cannot share these photos; download them instead.');
      return;
    }
    await navigator.share({ files }).catch((error: unknown) => {
      // Closing the share sheet is not a failure.
      if ((error as Error).name !== 'AbortError') throw error;
    });
  }

  #showProgress(): void {
    const faces = this.#photos.reduce((sum, photo) => sum + photo.faces.length, 0);
    const done = `${this.#photos.length} photo${this.#photos.length === 1 ? '' : 's'}, ${faces} face${faces === 1 ? '' : 's'} found and hidden.`;
    const progress = this.#pending > 0 ? `Finding faces… ${this.#pending} photo${this.#pending === 1 ? '' : 's'} to go.` : done;
    this.#say([progress, ...this.#problems].join(' '));
    this.#list.setAttribute('aria-busy', String(this.#pending > 0));
  }

  #say(message: string): void {
    this.#status.textContent = message;
  }

  async #report(work: Promise<void>): Promise<void> {
    await work.catch((error: unknown) => this.#say(`The export failed: ${(error as Error).message}`));
  }
}

/** A whole picture to paint with `faces` and `regions` hidden; the gallery's faces are the picture's own, always. */
function scene(picture: ImageBitmap, faces: readonly Face[], regions: readonly Rect[]): RedactionScene {
  const { width, height } = picture;
  return { picture, pictureWidth: width, pictureHeight: height, rect: { x: 0, y: 0, width, height }, pixelRatio: 1, mirrored: false, trusted: true, faces, regions, now: 0 };
}

function hiddenFaces(photo: Photo): Face[] {
  return photo.faces.filter((_, index) => !photo.shown.has(index));
}

function canShareFiles(files: File[]): boolean {
  return navigator.canShare?.({ files }) ?? false;
}

/** `name`, or `name (2)`, `name (3)`… before its extension, whichever `taken` does not have yet. */
function uniqueName(name: string, taken: Record<string, unknown>): string {
  let copy = 1;
  while (numberedName(name, copy) in taken) copy++;
  return numberedName(name, copy);
}

