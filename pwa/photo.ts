// "Analyse a photo": a file picker and drag-and-drop anywhere on the page. The photo is shown by the element
// itself (its src set to an object URL), which draws the detections over it. Each new photo revokes the URL
// of the one before, so analysing many photos does not keep them all in memory.
import type { BlazeFaceElement } from '../components/blaze-face.ts';

export class PhotoSource {
  #url: string | null = null;

  constructor(
    private readonly element: BlazeFaceElement,
    private readonly onShow: () => void,
  ) {}

  show(file: File): void {
    if (!file.type.startsWith('image/')) return;
    this.release();
    this.#url = URL.createObjectURL(file);
    this.element.src = this.#url;
    this.onShow();
  }

  /** Forgets the current photo's object URL (when another source takes over). */
  release(): void {
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = null;
  }

  wire(input: HTMLInputElement, dropZone: HTMLElement): void {
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) this.show(file);
      input.value = '';
    });
    // The whole page accepts drops, the zone only shows where they land.
    document.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      dropZone.classList.add('dragging');
    });
    document.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
    document.addEventListener('drop', (event) => {
      event.preventDefault();
      dropZone.classList.remove('dragging');
      // Outside the live view, drops open in the gallery (pwa/app.ts).
      if (dropZone.closest('[hidden]')) return;
      const file = event.dataTransfer?.files[0];
      if (file) this.show(file);
    });
  }
}
