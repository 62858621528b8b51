// Waiting for <blaze-face>'s events in element tests.

/** The detail of the element's next `type` event; rejects after `timeoutMs`. */
export function nextEvent<T>(element: HTMLElement, type: 'faces' | 'error' | 'ended' | 'ready', timeoutMs = 60000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
    element.addEventListener(
      type,
      (event) => {
        clearTimeout(timer);
        resolve((event as CustomEvent<T>).detail);
      },
      { once: true },
    );
  });
}
