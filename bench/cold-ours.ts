// Entry of the bench's production bundle of our library (cold start and bytes): what an app that uses
// FaceDetector would ship.
export { FaceDetector } from '../model/face-detector.ts';
