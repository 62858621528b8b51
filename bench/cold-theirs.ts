// Entry of the bench's production bundle of MediaPipe Tasks' FaceDetector, built the same way as ours.
export { createMediaPipeDetector } from '../test/helpers/mediapipe.ts';
