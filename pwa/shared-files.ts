// Files shared to the installed app from the system's share sheet (the manifest's share_target): the share arrives
// as a POST to share-target, which only the service worker sees. It keeps the files in a Cache of their own, on the
// device, and answers with a redirect (303) to the gallery carrying the share's id; the page loaded there takes the
// files out of the Cache, deleting them as it does, and opens them in the gallery. Nothing leaves the device.

/** The form field the manifest's share_target names for the files. */
export const shareField = 'files';
/** The query parameter of the gallery's URL that names a share to take. */
export const shareParam = 'share';
const cacheName = 'blaze-face-shared-files';
/** Headers of a kept file's cached response: its name (URI-encoded; a Response has no name) and when it came. */
const nameHeader = 'X-Shared-File-Name';
const sharedAtHeader = 'X-Shared-At';
/** A share no page took by then (the app was closed while it loaded) is deleted by the next page that takes one. */
const ABANDONED_AFTER_MS = 10 * 60_000;

/** Where the share's `index`th file is kept: a Cache key only, never fetched. */
const keyOf = (scope: string, id: string, index: number) => new URL(`shared-files/${id}/${index}`, scope).href;

/** The service worker's answer to the share sheet's POST: the files kept, and a redirect to the gallery that takes them. */
export async function keepSharedFiles(request: Request, scope: string): Promise<Response> {
  const form = await request.formData();
  // A form's empty file field posts a nameless empty file.
  const files = form.getAll(shareField).filter((entry): entry is File => entry instanceof File && entry.name !== '');
  const id = crypto.randomUUID();
  const cache = await caches.open(cacheName);
  const sharedAt = String(Date.now());
  await Promise.all(files.map((file, index) => cache.put(keyOf(scope, id, index), new Response(file, {
    headers: { 'Content-Type': file.type, [nameHeader]: encodeURIComponent(file.name), [sharedAtHeader]: sharedAt },
  }))));
  return Response.redirect(new URL(`./?${shareParam}=${id}#gallery`, scope).href, 303);
}

/** The files of share `id`, in the order shared, deleted from the device's Cache as they are taken. */
export async function takeSharedFiles(id: string, scope: string): Promise<File[]> {
  const cache = await caches.open(cacheName);
  const prefix = keyOf(scope, id, 0).slice(0, -1);
  const files: Array<{ index: number; file: File }> = [];
  for (const key of await cache.keys()) {
    const response = await cache.match(key);
    if (key.url.startsWith(prefix) && response) {
      const name = decodeURIComponent(response.headers.get(nameHeader) ?? 'shared');
      const blob = await response.blob();
      files.push({ index: Number(key.url.slice(prefix.length)), file: new File([blob], name, { type: response.headers.get('Content-Type') ?? blob.type }) });
      await cache.delete(key);
    } else if (!response || Date.now() - Number(response.headers.get(sharedAtHeader)) > ABANDONED_AFTER_MS) {
      await cache.delete(key);
    }
  }
  return files.sort((a, b) => a.index - b.index).map(({ file }) => file);
}
