// A model file's bytes: fetched with our credentials rule and the size cap, or handed over already fetched.
// A module of its own, without the readers, so that a detector worker's page can fetch the file too.

import { ModelLoadError } from '../errors.ts';
import { MAX_MODEL_BYTES } from '../readers/imported-model.ts';

/** Model files already fetched (by a detector worker's page, see worker/prefetch.ts), by URL, each taken once. */
const providedFiles = new Map<string, Uint8Array>();

/** Hands fetchModel() the bytes of `url`, so that its next fetch of that URL is already done. */
export function provideModelFile(url: string, bytes: Uint8Array): void {
  providedFiles.set(url, bytes);
}

/** A model file's bytes, fetched with our credentials rule and the size cap. */
export async function fetchModel(url: string | URL): Promise<Uint8Array> {
  const provided = providedFiles.get(String(url));
  if (provided) {
    providedFiles.delete(String(url));
    return provided; // the readers check its size before decoding anything
  }
  let response: Response;
  try {
    // Cookies go only to our own origin; another origin's file must allow us by CORS (the default 'cors' mode).
    response = await fetch(url, { credentials: 'same-origin', mode: 'cors' });
  } catch (error) {
    throw new ModelLoadError(String(url), `could not be fetched (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new ModelLoadError(String(url), `could not be fetched: HTTP ${response.status}`);
  return readCapped(response, String(url));
}

/** The body, refused as soon as it is known to exceed MAX_MODEL_BYTES (by Content-Length or while streaming). */
async function readCapped(response: Response, url: string): Promise<Uint8Array> {
  const tooLarge = (size: number | string) =>
    new ModelLoadError(url, `is ${size} bytes, over the ${MAX_MODEL_BYTES}-byte limit for model files`);
  const declared = Number(response.headers.get('Content-Length'));
  if (declared > MAX_MODEL_BYTES) throw tooLarge(declared);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: BlobPart[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    total += chunk.value.length;
    if (total > MAX_MODEL_BYTES) {
      await reader.cancel();
      throw tooLarge(`more than ${MAX_MODEL_BYTES}`);
    }
    chunks.push(chunk.value);
  }
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}
