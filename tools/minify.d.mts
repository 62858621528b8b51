export const minifyKeepingTypeofGuards: { compress: false; mangle: true; codegen: true };
