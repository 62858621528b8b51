// @custom-elements-manifest/analyzer settings: documents <blaze-face> into custom-elements.json. Its options come
// from their one declaration, components/options.ts (tools/cem-options-plugin.mjs).
import { loadElementOptions, optionsPlugin } from './tools/cem-options-plugin.mjs';

export default {
  globs: ['components/*.ts'],
  outdir: '.',
  litelement: true,
  plugins: [optionsPlugin(await loadElementOptions(import.meta.dirname))],
};
