// Requests a test holds back: a URL with `?held=<token>` gets no answer until the test releases the token
// (the `release-held` command), so a test can keep a download in flight for exactly as long as it needs. A folder
// can be held too, for code that appends file names to it: `/held/<token>/<path>` is `/<path>`, held.
// Test runner only.

/** token -> release() of the requests waiting on it */
const waiting = new Map();
const released = new Set();

function gate(token) {
  if (released.has(token)) return Promise.resolve();
  let entry = waiting.get(token);
  if (!entry) {
    let release;
    const promise = new Promise((resolve) => (release = resolve));
    entry = { promise, release };
    waiting.set(token, entry);
  }
  return entry.promise;
}

/** Koa middleware: holds `?held=<token>` requests, then serves them as usual. */
export async function heldRequests(context, next) {
  const token = context.query.held;
  if (typeof token === 'string') await gate(token);
  const inFolder = /^\/held\/([^/]+)(\/.*)$/.exec(context.path);
  if (inFolder) {
    await gate(inFolder[1]);
    context.path = inFolder[2];
  }
  return next();
}

export const heldRequestCommands = {
  /** Answers every request held on `token`, and any later one. */
  async 'release-held'(_session, { token }) {
    released.add(token);
    waiting.get(token)?.release();
    waiting.delete(token);
    return true;
  },
};
