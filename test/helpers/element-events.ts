// Waiting for <blaze-face>'s events in element tests.
import type { BlazeFaceElement } from '../../components/blaze-face.ts';

/** The detail of the element's next `type` event that `accept` takes; rejects after `timeoutMs`. */
export function nextEvent<T>(
  element: HTMLElement,
  type: 'faces' | 'error' | 'ended' | 'ready' | 'recovered',
  accept: (detail: T) => boolean = () => true,
  timeoutMs = 60000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
    const listener = (event: Event) => {
      const detail = (event as CustomEvent<T>).detail;
      if (!accept(detail)) return;
      clearTimeout(timer);
      element.removeEventListener(type, listener);
      resolve(detail);
    };
    element.addEventListener(type, listener);
  });
}

/**
 * A <blaze-face> with `attributes` on the one-face seed photo, added to the page, and the detail of its first
 * `type` event, listened for before the element connects (so an early event is not missed).
 */
export function addSeedPhotoElement<T>(attributes: Record<string, string>, type: 'faces' | 'error' | 'ready'): { element: BlazeFaceElement; first: Promise<T> } {
  const element = document.createElement('blaze-face');
  // The short model, which the references of these tests use; auto's own choice is tested in auto-model.test.ts.
  element.model = 'short';
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  const first = nextEvent<T>(element, type);
  element.src = '/test/fixtures/seed/1face.png';
  document.body.append(element);
  return { element, first };
}
