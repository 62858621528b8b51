// Whether the device has both a front and a back camera, so the switch is only offered where it means
// something. Labels (and so the facing guess) are only filled in once camera permission has been granted.
import type { BlazeFaceElement } from '../components/blaze-face.ts';

export async function hasFrontAndBackCameras(): Promise<boolean> {
  if (!navigator.mediaDevices?.enumerateDevices) return false;
  const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((device) => device.kind === 'videoinput');
  if (cameras.length < 2) return false;
  const back = cameras.some((camera) => /back|rear|environment/i.test(camera.label));
  const front = cameras.some((camera) => /front|user|face/i.test(camera.label));
  // Phones with unlabelled cameras still have both; two cameras on a desktop are usually two webcams.
  return (back && front) || (cameras.every((camera) => !camera.label) && /Android|iPhone|iPad/i.test(navigator.userAgent));
}

/** Resolves true once `element` shows its next frame's faces (the camera is open), false if it fails first. */
export function cameraShowing(element: BlazeFaceElement): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (showing: boolean) => () => {
      element.removeEventListener('faces', onFaces);
      element.removeEventListener('error', onError);
      resolve(showing);
    };
    const onFaces = settle(true);
    const onError = settle(false);
    element.addEventListener('faces', onFaces);
    element.addEventListener('error', onError);
  });
}
