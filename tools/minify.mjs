/**
 * Minification for every production bundle (app, its worker, the bench's library bundles): names mangled and
 * whitespace dropped, without the compressor. tfjs-backend-wasm starts its threads from the source text of one
 * of its functions (a blob worker), where the variables around that function do not exist; its
 * `typeof x !== 'undefined'` guards keep that safe, but the compressor rewrites them to `x !== void 0` (it can
 * see x declared), and the threaded engine then failed with "e is not defined".
 */
export const minifyKeepingTypeofGuards = { compress: false, mangle: true, codegen: true };

/**
 * Comments kept in production bundles: the bundler annotations other bundlers read (@__PURE__, @vite-ignore),
 * not TensorFlow.js's license header repeated in each of its hundreds of modules (some 40 % of its bytes);
 * NOTICE credits the licenses of everything the package bundles.
 */
export const bundleComments = { legal: false, annotation: true, jsdoc: false };
