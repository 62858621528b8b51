// Loads the engine's WebAssembly module once per page (or worker): the relaxed-SIMD build where the browser
// validates relaxed SIMD (fused multiply-add), else the plain SIMD build. Both are compiled from
// kernels/ by tools/build-engine.mjs. A browser without WebAssembly SIMD cannot run the engine: the context
// falls back to the next engine (engines.ts).
import { polyfillConfig } from '../config.ts';

/** The binaries packaged with this module (one literal `new URL(…, import.meta.url)` each, for bundlers). */
function packagedFiles(): Record<'plain' | 'relaxed', string> {
  return {
    plain: new URL('../../../assets/wasm/blaze-face-engine.wasm', import.meta.url).href,
    relaxed: new URL('../../../assets/wasm/blaze-face-engine-relaxed.wasm', import.meta.url).href,
  };
}

const FILE_NAMES = { plain: 'blaze-face-engine.wasm', relaxed: 'blaze-face-engine-relaxed.wasm' } as const;

/** A function returning an f32x4 sum of products: valid only where WebAssembly SIMD is. */
const SIMD_PROBE = probe([0xfd, 0x0c, ...new Array<number>(16).fill(0), 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0xfd, 0xe4, 0x01]);
/** The same with f32x4.relaxed_madd: valid only where relaxed SIMD is. */
const RELAXED_PROBE = probe([
  0xfd, 0x0c, ...new Array<number>(16).fill(0), 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0xfd, 0x0c, ...new Array<number>(16).fill(0),
  0xfd, 0x85, 0x02,
]);

/** A module with one function `() -> v128` whose body is `code`. */
function probe(code: number[]): Uint8Array<ArrayBuffer> {
  const body = [0x00, ...code, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
    0x03, 0x02, 0x01, 0x00,
    0x0a, body.length + 2, 0x01, body.length, ...body,
  ]);
}

export interface EngineModule {
  module: WebAssembly.Module;
  /** Which build: relaxed SIMD (fused multiply-add) or plain SIMD. */
  build: 'relaxed' | 'plain';
}

const loading = new Map<EngineModule['build'], Promise<EngineModule>>();

async function compile(build: EngineModule['build']): Promise<EngineModule> {
  if (!WebAssembly.validate(SIMD_PROBE)) throw new Error('wasm: this browser has no WebAssembly SIMD');
  if (build === 'relaxed' && !WebAssembly.validate(RELAXED_PROBE)) throw new Error('wasm: this browser has no relaxed SIMD');
  const folder = polyfillConfig().wasmPath;
  const url = folder ? `${folder}${FILE_NAMES[build]}` : packagedFiles()[build];
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`wasm: ${url} answered ${response.status}`);
  // Streaming compilation needs the application/wasm type; a server that sends another gets the plain path.
  const module = response.headers.get('Content-Type')?.startsWith('application/wasm')
    ? await WebAssembly.compileStreaming(response)
    : await WebAssembly.compile(await response.arrayBuffer());
  return { module, build };
}

/**
 * The engine's compiled module: the relaxed-SIMD build where the browser has relaxed SIMD, else the plain one,
 * unless `build` names one. A failure is not kept, so a later context may try again.
 */
export function engineModule(build: EngineModule['build'] = WebAssembly.validate(RELAXED_PROBE) ? 'relaxed' : 'plain'): Promise<EngineModule> {
  let promise = loading.get(build);
  if (!promise) {
    promise = compile(build);
    promise.catch(() => loading.delete(build));
    loading.set(build, promise);
  }
  return promise;
}
