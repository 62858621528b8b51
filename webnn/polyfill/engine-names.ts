// The polyfill's engine names, from most to least capable: the fallback order (engines.ts explains it). A module
// with no code of its own, so that the page can check an `engine` attribute without loading any engine.
export const POLYFILL_ENGINES = ['webgpu', 'webgl', 'wasm', 'tfjs-wasm', 'cpu'] as const;
