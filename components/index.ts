// Registers <blaze-face>. Import this module (or the package's main entry) once per page.

import { BlazeFaceElement } from './blaze-face.ts';

export { BlazeFaceElement, type BlazeFaceState } from './blaze-face.ts';
export * from './events.ts';
export { configure, type AssetOptions } from '../model/assets.ts';

// A page may load two copies (the drop-in script and a bundled one, or two versions): the first one wins.
const registered = customElements.get('blaze-face');
if (!registered) customElements.define('blaze-face', BlazeFaceElement);
else if (registered !== BlazeFaceElement) console.warn('blaze-face: <blaze-face> is already defined by another copy of the library; this copy is not registered.');
