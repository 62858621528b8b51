// A detector worker that stops answering, in every browser: while `silenced` is set, the page's requests of the
// given kinds to detector workers are dropped on their way (Worker.prototype.postMessage wrapped), so the worker
// never hears of them, as if its thread were stuck.

const silenced = new Set<string>();
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: Transferable[] | StructuredSerializeOptions) {
  const type = (message as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && silenced.has(type)) {
    // A dropped frame would never be closed by the worker: closed here.
    for (const owned of Array.isArray(transfer) ? transfer : []) (owned as { close?(): void }).close?.();
    return;
  }
  return (post as (message: unknown, transfer?: Transferable[] | StructuredSerializeOptions) => void).call(this, message, transfer);
};

/** Drops the page's `types` requests (e.g. 'detect') to detector workers until unsilence(). */
export function silence(...types: string[]): void {
  for (const type of types) silenced.add(type);
}

export function unsilence(): void {
  silenced.clear();
}
