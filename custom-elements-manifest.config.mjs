// @custom-elements-manifest/analyzer settings: documents <blaze-face> into custom-elements.json.
export default {
  globs: ['components/**/*.ts'],
  outdir: '.',
  litelement: true,
};
