// Where the package's own files come from: the model files and the wasm engine's binaries. By default each
// is found relative to the module that names it (import.meta.url), never relative to the page, so the package
// works on a page at any path and through any bundler. Self-hosters move them all with configure().

import { configurePolyfill } from '../webnn/polyfill/config.ts';

export interface AssetOptions {
  /**
   * A folder URL (resolved against the page) holding `models/` and `wasm/` as the package ships them
   * (dist/models/, dist/wasm/). The detector's worker script always stays with the module: browsers only
   * start workers from the page's own origin.
   */
  assetBase?: string | URL;
}

let base: URL | undefined;

/** Sets where model files and wasm binaries are loaded from, for detectors created after this call. */
export function configure(options: AssetOptions): void {
  if (options.assetBase === undefined) return;
  const page = typeof document !== 'undefined' ? document.baseURI : self.location.href;
  const folder = new URL(String(options.assetBase), page);
  if (!folder.pathname.endsWith('/')) folder.pathname += '/';
  base = folder;
  configurePolyfill({ wasmPath: new URL('wasm/', folder).href });
}

/** The asset base set with configure(), if any. */
export function assetBase(): URL | undefined {
  return base;
}
