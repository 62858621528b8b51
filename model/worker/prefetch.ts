// A worker takes 60–90 ms to start (its module fetched, parsed and run) before it can fetch anything. The page
// fetches the model file meanwhile, and the worker's create request carries it, so its detector starts building
// at once. (Compiling the 15 KB engine on the page too saved a few ms more, but its loader cost the drop-in 1.4 KB
// of its byte budget; the worker compiles it while the model file is read.) A file the page could not get is
// simply left out: the worker then fetches it itself, and reports its errors as it always has.

import { fetchModel } from '../graph/fetch-model.ts';
import { defaultModelUrl } from '../model-specs.ts';
import type { PrefetchedFiles, WorkerOptions } from './protocol.ts';

/** The model file, for the worker's detector. */
export async function prefetchFiles(options: WorkerOptions): Promise<{ files: PrefetchedFiles; transfer: Transferable[] }> {
  const url = options.modelUrl ?? defaultModelUrl(options.model ?? 'short').href;
  const bytes = await fetchModel(url).catch(() => undefined);
  const model = bytes && { url, bytes: bytes.buffer as ArrayBuffer };
  const files: PrefetchedFiles = model ? { model } : {};
  return { files, transfer: model ? [model.bytes] : [] };
}
