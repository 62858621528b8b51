// Whether the device has both a front and a back camera, so the switch is only offered where it means
// something. Labels (and so the facing guess) are only filled in once camera permission has been granted.
export async function hasFrontAndBackCameras(): Promise<boolean> {
  if (!navigator.mediaDevices?.enumerateDevices) return false;
  const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((device) => device.kind === 'videoinput');
  if (cameras.length < 2) return false;
  const back = cameras.some((camera) => /back|rear|environment/i.test(camera.label));
  const front = cameras.some((camera) => /front|user|face/i.test(camera.label));
  // Phones with unlabelled cameras still have both; two cameras on a desktop are usually two webcams.
  return (back && front) || (cameras.every((camera) => !camera.label) && /Android|iPhone|iPad/i.test(navigator.userAgent));
}
