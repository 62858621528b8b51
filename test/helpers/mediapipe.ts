// Test harness: Google's MediaPipe Tasks FaceDetector (@mediapipe/tasks-vision) running in the test page
// on the same .tflite networks our detector uses, as the reference for parity tests.
//
// - The @mediapipe/face_detection models carry no TFLite metadata, and Tasks refuses a float32 input
//   without NormalizationOptions; tflite-metadata.ts attaches them (mean = std = 127.5, RGB) without
//   touching any weight.
// - Everything is served by the test server: the wasm from node_modules, the model as bytes. MediaPipe
//   also posts usage logs to a Google endpoint (on close and every 60 s); our project must make no
//   external request, so the harness refuses every request that leaves the page's origin.

import { FaceDetector, FilesetResolver, type Detection } from '@mediapipe/tasks-vision';
import { withBlazeFaceMetadata } from './tflite-metadata.ts';

export type MediaPipeModel = 'short' | 'full';

/**
 * One detection as MediaPipe reports it (design notes section 4.5): the box in integer pixels of the
 * input image (truncated, clamped to the image), keypoints NORMALIZED to the input image (may fall
 * outside [0, 1]), in MediaPipe's order (right eye, left eye, nose tip, mouth, right ear, left ear of the
 * subject), and the score of the NMS cluster head.
 */
export interface MediaPipeFace {
  box: { originX: number; originY: number; width: number; height: number };
  keypoints: { x: number; y: number }[];
  score: number;
}

export type MediaPipeImage = ImageData | HTMLCanvasElement | HTMLVideoElement | ImageBitmap | OffscreenCanvas;

export interface MediaPipeDetectorOptions {
  /** Defaults to MediaPipe's 0.5. */
  minDetectionConfidence?: number;
  /** IoU above which NMS merges detections; defaults to MediaPipe's 0.3. */
  minSuppressionThreshold?: number;
  /** 'IMAGE' (default) allows detect(); 'VIDEO' allows detectForVideo(). */
  runningMode?: 'IMAGE' | 'VIDEO';
}

export interface MediaPipeDetector {
  readonly model: MediaPipeModel;
  /** For runningMode 'IMAGE'. */
  detect(image: MediaPipeImage): MediaPipeFace[];
  /** For runningMode 'VIDEO'; timestamps must increase from call to call. */
  detectForVideo(image: MediaPipeImage, timestampMs: number): MediaPipeFace[];
  close(): void;
}

export const modelUrls: Record<MediaPipeModel, string> = {
  short: '/assets/models/face_detection_short_range.tflite',
  full: '/assets/models/face_detection_full_range.tflite',
};

/** Served by the test server from node_modules: never a CDN. */
const wasmPath = '/node_modules/@mediapipe/tasks-vision/wasm';

// ---------------------------------------------------------------------------------------------------------
// Network guard

const blocked: string[] = [];
let guardInstalled = false;

/** URLs of the requests the guard refused so far (MediaPipe's usage logs land here). */
export function blockedRequests(): readonly string[] {
  return blocked;
}

function isLocal(url: string | URL): boolean {
  const parsed = new URL(String(url), location.href);
  // data: and blob: URLs never reach the network.
  return parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.origin === location.origin;
}

function requestUrl(input: RequestInfo | URL): string {
  return input instanceof Request ? input.url : String(input);
}

/**
 * Refuses fetch, XMLHttpRequest and sendBeacon requests that leave the page's origin, for the whole page
 * and the rest of its life (MediaPipe's log timer keeps running after close). Idempotent.
 */
export function installNetworkGuard(): void {
  if (guardInstalled) return;
  guardInstalled = true;

  const originalFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = requestUrl(input);
    if (!isLocal(url)) {
      blocked.push(url);
      // A rejected fetch is what an offline page sees; MediaPipe's logger then stops logging.
      return Promise.reject(new TypeError(`blocked by the test network guard: ${url}`));
    }
    return originalFetch(input, init);
  };

  const originalOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function open(this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]): void {
    if (!isLocal(url)) {
      blocked.push(String(url));
      throw new DOMException(`blocked by the test network guard: ${String(url)}`, 'NetworkError');
    }
    (originalOpen as (...args: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof XMLHttpRequest.prototype.open;

  const originalBeacon = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url: string | URL, data?: BodyInit | null): boolean => {
    if (!isLocal(url)) {
      blocked.push(String(url));
      return false;
    }
    return originalBeacon(url, data);
  };
}

// ---------------------------------------------------------------------------------------------------------
// Detector

type Fileset = Awaited<ReturnType<typeof FilesetResolver.forVisionTasks>>;
let fileset: Promise<Fileset> | undefined;
const patchedModels = new Map<MediaPipeModel, Promise<Uint8Array>>();

/** The model file with MediaPipe's input metadata attached (weights byte-identical). Cached per page. */
export function mediaPipeModelBytes(model: MediaPipeModel): Promise<Uint8Array> {
  let bytes = patchedModels.get(model);
  if (!bytes) {
    bytes = (async () => {
      const response = await fetch(modelUrls[model]);
      if (!response.ok) throw new Error(`${modelUrls[model]}: HTTP ${response.status}`);
      return withBlazeFaceMetadata(new Uint8Array(await response.arrayBuffer()), `face_detection_${model}_range`);
    })();
    bytes.catch(() => patchedModels.delete(model)); // a failed download may be retried
    patchedModels.set(model, bytes);
  }
  return bytes;
}

function toFaces(detections: Detection[]): MediaPipeFace[] {
  return detections.map((detection) => {
    const box = detection.boundingBox;
    return {
      box: { originX: box?.originX ?? 0, originY: box?.originY ?? 0, width: box?.width ?? 0, height: box?.height ?? 0 },
      keypoints: (detection.keypoints ?? []).map(({ x, y }) => ({ x, y })),
      score: detection.categories[0]?.score ?? 0,
    };
  });
}

export async function createMediaPipeDetector(model: MediaPipeModel, options: MediaPipeDetectorOptions = {}): Promise<MediaPipeDetector> {
  installNetworkGuard();
  fileset ??= FilesetResolver.forVisionTasks(wasmPath);
  const [wasm, modelAssetBuffer] = await Promise.all([fileset, mediaPipeModelBytes(model)]);
  const detector = await FaceDetector.createFromOptions(wasm, {
    // MediaPipe takes ownership of nothing here, but copy anyway so a detector can never alter the cache.
    baseOptions: { modelAssetBuffer: modelAssetBuffer.slice(), delegate: 'CPU' },
    runningMode: options.runningMode ?? 'IMAGE',
    ...(options.minDetectionConfidence !== undefined && { minDetectionConfidence: options.minDetectionConfidence }),
    ...(options.minSuppressionThreshold !== undefined && { minSuppressionThreshold: options.minSuppressionThreshold }),
  });
  return {
    model,
    detect: (image) => toFaces(detector.detect(image).detections),
    detectForVideo: (image, timestampMs) => toFaces(detector.detectForVideo(image, timestampMs).detections),
    close: () => detector.close(),
  };
}
