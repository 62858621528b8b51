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
