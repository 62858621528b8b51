// A worker takes 60–90 ms to start (its module fetched, parsed and run) before it can fetch anything. The page
// fetches the model file and compiles our wasm engine meanwhile, and the worker's create request carries both,
// so its detector starts building at once. Anything the page could not get is simply left out: the worker then
// fetches it itself, and reports its errors as it always has.

import { engineModule } from '../../webnn/polyfill/wasm/module.ts';
import { fetchModel } from '../graph/fetch-model.ts';
import { defaultModelUrl } from '../model-specs.ts';
import type { PrefetchedFiles, WorkerOptions } from './protocol.ts';

/** The model file and, if the worker's context may run on our wasm engine, the engine's compiled module. */
export async function prefetchFiles(options: WorkerOptions): Promise<{ files: PrefetchedFiles; transfer: Transferable[] }> {
  const url = options.modelUrl ?? defaultModelUrl(options.model ?? 'short').href;
  const engine = options.context?.engine;
  const [bytes, compiled] = await Promise.all([
    fetchModel(url).catch(() => undefined),
    engine === undefined || engine === 'wasm' ? engineModule().catch(() => undefined) : undefined,
  ]);
  const model = bytes && { url, bytes: bytes.buffer as ArrayBuffer };
  const files: PrefetchedFiles = { ...(model ? { model } : {}), ...(compiled ? { engine: compiled } : {}) };
  return { files, transfer: model ? [model.bytes] : [] };
}
