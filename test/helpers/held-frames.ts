// A frame loop that stalls with its video playing, in every browser: while `held`, the page's
// requestVideoFrameCallback() calls are taken and never called back (HTMLVideoElement.prototype wrapped), as
// if the browser had stopped calling back, while the video goes on presenting its frames.

const request = HTMLVideoElement.prototype.requestVideoFrameCallback;
let held = false;
let lastHeldHandle = 0;

HTMLVideoElement.prototype.requestVideoFrameCallback = function (this: HTMLVideoElement, callback: VideoFrameRequestCallback): number {
  // A handle no real callback has (negative), so that cancelling it cancels nothing else.
  return held ? --lastHeldHandle : request.call(this, callback);
};

/** From now on, every video's new frame callbacks are never called, until releaseFrameCallbacks(). */
export function holdFrameCallbacks(): void {
  held = true;
}

export function releaseFrameCallbacks(): void {
  held = false;
}
