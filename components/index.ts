// Registers <blaze-face>. Import this module (or the package's main entry) once per page.

import { BlazeFaceElement } from './blaze-face.ts';

export { BlazeFaceElement, type BlazeFaceState } from './blaze-face.ts';
export * from './events.ts';

if (!customElements.get('blaze-face')) customElements.define('blaze-face', BlazeFaceElement);
