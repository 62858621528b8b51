// Camera access for <blaze-face>: asks for a video stream, maps getUserMedia's failures to the element's
// error types, and releases every track when done.

import { BlazeFaceError } from './events.ts';

export type FacingMode = 'user' | 'environment';

export async function openCamera(facingMode: FacingMode): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new BlazeFaceError('camera-unavailable', 'This browser offers no camera access here (a secure context is needed).');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      throw new BlazeFaceError('camera-denied', 'Camera access was denied. Allow the camera for this site and try again.');
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new BlazeFaceError('camera-unavailable', `No camera could be opened (${name || 'error'}: ${reason}).`);
  }
}

export function stopStream(stream: MediaStream | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Pauses or resumes a stream without releasing the device (page hidden / visible again). */
export function setStreamEnabled(stream: MediaStream | null | undefined, enabled: boolean): void {
  for (const track of stream?.getVideoTracks() ?? []) track.enabled = enabled;
}

/** Whether the stream still has a video track that can deliver frames. */
export function hasLiveVideo(stream: MediaStream): boolean {
  return stream.getVideoTracks().some((track) => track.readyState === 'live');
}

/** A stream being watched for its end: `check()` looks now, `stop()` stops watching. */
export interface StreamWatch {
  check(): void;
  stop(): void;
}

/**
 * Calls `onEnded` once, when the last video track of `stream` has ended, however it ended: the device went
 * away (the track's `ended` event), the page stopped the tracks (no event by the spec; Chromium says
 * `inactive` on the stream), or a browser without either. For those, the tracks are also checked every
 * second, since a stopped stream delivers no frames that the frame loop could notice it by; and a frame
 * that failed may ask at once with `check()` (WebKit still hands over the stopped track's last frame, which
 * can no longer be read).
 */
export function watchStreamEnd(stream: MediaStream, onEnded: () => void): StreamWatch {
  const check = () => {
    if (hasLiveVideo(stream)) return;
    stop();
    onEnded();
  };
  const tracks = stream.getVideoTracks();
  for (const track of tracks) track.addEventListener('ended', check);
  stream.addEventListener('inactive', check);
  const timer = setInterval(check, 1000);
  const stop = () => {
    clearInterval(timer);
    for (const track of tracks) track.removeEventListener('ended', check);
    stream.removeEventListener('inactive', check);
  };
  return { check, stop };
}
