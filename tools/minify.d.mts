export const minifyKeepingTypeofGuards: { compress: false; mangle: true; codegen: true };
export const bundleComments: { legal: boolean; annotation: boolean; jsdoc: boolean };
