// The app's controls, each mapped onto one of <blaze-face>'s properties: the element does the work.
import type { BlazeFaceElement } from '../components/blaze-face.ts';
import type { ModelName } from '../model/model-specs.ts';
import { hasFrontAndBackCameras } from './cameras.ts';
import { byId } from './dom.ts';
import { PhotoSource } from './photo.ts';

export const samplePhoto = 'samples/sample.jpg';

export function wireControls(element: BlazeFaceElement): void {
  const cameraToggle = byId('camera-toggle', HTMLButtonElement);
  const facingToggle = byId('facing-toggle', HTMLButtonElement);
  const model = byId('model', HTMLSelectElement);
  const minScore = byId('min-score', HTMLInputElement);
  const minScoreValue = byId('min-score-value', HTMLOutputElement);
  const keypoints = byId('keypoints', HTMLInputElement);
  const sample = byId('sample', HTMLButtonElement);

  const setCamera = (on: boolean) => {
    cameraToggle.setAttribute('aria-pressed', String(on));
    cameraToggle.textContent = on ? 'Camera off' : 'Camera on';
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
    await element.ready;
    // Device labels, and so whether there is a front and a back camera, are known once access is granted.
    facingToggle.hidden = !(await hasFrontAndBackCameras().catch(() => false));
  });

  facingToggle.addEventListener('click', () => {
    element.facingMode = element.facingMode === 'user' ? 'environment' : 'user';
    facingToggle.textContent = element.facingMode === 'user' ? 'Use back camera' : 'Use front camera';
  });

  model.addEventListener('change', () => (element.model = model.value as ModelName));

  const showScore = () => (minScoreValue.value = Number(minScore.value).toFixed(2));
  minScore.addEventListener('input', () => {
    element.minScore = Number(minScore.value);
    showScore();
  });
  element.minScore = Number(minScore.value);
  showScore();

  keypoints.addEventListener('change', () => (element.keypoints = keypoints.checked));

  sample.addEventListener('click', () => {
    photos.release();
    setCamera(false);
    element.src = samplePhoto;
  });
}
