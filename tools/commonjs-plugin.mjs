// @web/dev-server plugin: serves CommonJS files from node_modules as ES modules, bundled by esbuild.
// TensorFlow.js's ESM builds import CommonJS packages (long, seedrandom) and Emscripten glue
// (tfjs-backend-wasm/wasm-out/*.js) that a browser cannot import as-is; Vite pre-bundles these itself,
// the test runner does not.
import { build } from 'esbuild';
import { resolve } from 'node:path';

const NODE_BUILTINS = ['fs', 'path', 'os', 'crypto', 'util', 'worker_threads', 'perf_hooks', 'url', 'module'];
const ESM_SYNTAX = /^\s*(import\s*[\w*{"']|export\s)/m;
const CJS_SYNTAX = /\bmodule\.exports\b|\bexports\.[\w$]+\s*=|\brequire\s*\(/;

/** ESM facade: the default export plus the named exports the CommonJS source assigns (exports.name = ...). */
function facade(file, body) {
  const names = new Set([...body.matchAll(/\b(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=/g)].map((m) => m[1]));
  names.delete('default');
  const lines = [`import m from ${JSON.stringify(file)};`, 'export default m;'];
  for (const name of names) lines.push(`export const ${name} = m.${name};`);
  return lines.join('\n');
}

export function commonjsPlugin({ rootDir = process.cwd() } = {}) {
  const cache = new Map();
  return {
    name: 'blaze-face-commonjs',
    async transform(context) {
      if (!context.path.includes('/node_modules/') || !context.path.endsWith('.js')) return undefined;
      const body = typeof context.body === 'string' ? context.body : undefined;
      if (body === undefined || ESM_SYNTAX.test(body) || !CJS_SYNTAX.test(body)) return undefined;
      const file = resolve(rootDir, `.${decodeURIComponent(context.path)}`);
      if (!cache.has(file)) {
        cache.set(
          file,
          build({
            stdin: { contents: facade(file, body), resolveDir: rootDir, loader: 'js' },
            bundle: true, format: 'esm', platform: 'browser', write: false, external: NODE_BUILTINS, logLevel: 'silent',
          }).then((result) => result.outputFiles[0].text),
        );
      }
      return { body: await cache.get(file) };
    },
  };
}
