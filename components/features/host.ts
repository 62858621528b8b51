// What a feature of <blaze-face> sees of the element: Lit's controller host, the element itself and its options
// (options.ts). Features never import the element's class, so the element composes them and not the reverse.

import type { ReactiveControllerHost } from 'lit';
import type { ElementOptions } from '../options.ts';

export type FeatureHost = ReactiveControllerHost &
  HTMLElement &
  ElementOptions & {
    readonly renderRoot: HTMLElement | DocumentFragment;
    readonly hasUpdated: boolean;
    /** Whether the view (and the reported faces) are mirrored right now. */
    readonly isMirrored: boolean;
  };
