// Typed look-ups of the elements index.html provides; a missing one is a bug in the page, so it throws.
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html lacks #${id} (${type.name})`);
  return element;
}

/** A fraction as a CSS percentage, for placing outlines over a picture. */
export const percent = (fraction: number): string => `${(fraction * 100).toFixed(3)}%`;
