// The app's controls, each mapped onto one of <blaze-face>'s properties: the element does the work.
import type { BlazeFaceElement } from '../components/blaze-face.ts';
import type { ModelChoice, RedactMode } from '../components/options.ts';
import { cameraShowing, hasFrontAndBackCameras } from './cameras.ts';
import { byId } from './dom.ts';
import { PhotoSource } from './photo.ts';

export const samplePhoto = 'samples/sample.jpg';

/**
 * Wires the controls; `onSourceChange` hears of each change of what the element shows: the camera (true) or a
 * photo. Returns what turns the camera off (leaving the live view must not leave it on).
 */
export function wireControls(element: BlazeFaceElement, onSourceChange: (camera: boolean) => void): () => void {
  const cameraToggle = byId('camera-toggle', HTMLButtonElement);
  const facingToggle = byId('facing-toggle', HTMLButtonElement);
  const model = byId('model', HTMLSelectElement);
  const minScore = byId('min-score', HTMLInputElement);
  const minScoreValue = byId('min-score-value', HTMLOutputElement);
  const keypoints = byId('keypoints', HTMLInputElement);
  const redact = byId('redact', HTMLSelectElement);
  const sample = byId('sample', HTMLButtonElement);

  const setCamera = (on: boolean) => {
    onSourceChange(on);
    cameraToggle.setAttribute('aria-pressed', String(on));
    cameraToggle.textContent = on ? 'Camera off' : 'Camera on';
    // Switching between front and back only means something while a camera is showing.
    if (!on) facingToggle.hidden = true;
  };
  const photos = new PhotoSource(element, () => setCamera(false));
  photos.wire(byId('photo', HTMLInputElement), byId('drop-zone', HTMLElement));

  cameraToggle.addEventListener('click', async () => {
    const on = cameraToggle.getAttribute('aria-pressed') !== 'true';
    photos.release();
    setCamera(on);
    // No src means the camera; turning it off goes back to the sample photo rather than a black view.
    element.src = on ? undefined : samplePhoto;
    if (!on) return;
    // Device labels, and so whether there is a front and a back camera, are known once access is granted:
    // once the camera shows in the element, not before (the permission prompt may still be open).
    if (!(await cameraShowing(element))) return;
    const both = await hasFrontAndBackCameras().catch(() => false);
    // The camera may have been turned off again meanwhile.
    if (cameraToggle.getAttribute('aria-pressed') === 'true') facingToggle.hidden = !both;
  });

  facingToggle.addEventListener('click', () => {
    element.facingMode = element.facingMode === 'user' ? 'environment' : 'user';
    facingToggle.textContent = element.facingMode === 'user' ? 'Use back camera' : 'Use front camera';
  });

  model.addEventListener('change', () => (element.model = model.value as ModelChoice));

  const showScore = () => (minScoreValue.value = Number(minScore.value).toFixed(2));
  minScore.addEventListener('input', () => {
    element.minScore = Number(minScore.value);
    showScore();
  });
  element.minScore = Number(minScore.value);
  showScore();

  keypoints.addEventListener('change', () => (element.keypoints = keypoints.checked));
  redact.addEventListener('change', () => (element.redact = redact.value as RedactMode));

  sample.addEventListener('click', () => {
    photos.release();
    setCamera(false);
    element.src = samplePhoto;
  });

  return () => {
    if (cameraToggle.getAttribute('aria-pressed') === 'true') cameraToggle.click();
  };
}
