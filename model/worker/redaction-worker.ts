// A redaction worker: redactStream()'s frames in Chromium (see redact-stream-paths.ts), read from the track
// processors' streams, detected by the detector's worker over a port of their own, tracked, painted and written
// into the track generators' streams, all off the page's thread. The page sends the tracks, the detector to use
// (none while one is starting or being replaced: frames are then hidden whole) and stops; this worker sends back
// errors, as data, and the tracks whose input ended.

/// <reference lib="webworker" />
import { mergeSettings, type DetectionSettings } from '../detection-settings.ts';
import { restoreFace, type Face } from '../face.ts';
import { BreakoutOutput, FrameLoop, type FrameDetector, type LoopHost } from '../redaction-loop.ts';
import { reviveError, serializeError } from './errors.ts';
import type { RedactionReply, RedactionRequest, Reply } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(message: RedactionReply): void {
  scope.postMessage(message);
}

/** The detector's worker, asked over a port: each frame a copy of its own, transferred. */
class PortDetector implements FrameDetector {
  #port: MessagePort;
  #settings: DetectionSettings;
  #pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  #lastId = 0;

  constructor(port: MessagePort, settings: DetectionSettings) {
    this.#port = port;
    this.#settings = settings;
    port.onmessage = ({ data: reply }: MessageEvent<Reply>) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.type === 'error') waiting?.reject(reviveError(reply.error));
      else waiting?.resolve(reply);
    };
  }

  async detect(frame: VideoFrame, { settings }: { settings: Partial<DetectionSettings> }): Promise<Face[]> {
    const id = ++this.#lastId;
    const image = frame.clone(); // the loop paints `frame` once its faces are known
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.#port.postMessage({ id, type: 'detect', image, mirrored: false, settings: mergeSettings(this.#settings, settings) }, [image]);
      } catch (error) {
        image.close();
        this.#pending.delete(id);
        reject(error);
      }
    });
    if (reply.type !== 'faces') throw new Error(`unexpected reply ${reply.type}`);
    return reply.faces.map(restoreFace);
  }

  /** Lets go of the port; the frames it was asked about are failed at once rather than left to their deadline. */
  close(): void {
    const replaced = new DOMException('The face detector was replaced', 'AbortError');
    for (const { reject } of this.#pending.values()) reject(replaced);
    this.#pending.clear();
    this.#port.close();
  }
}

let detector: PortDetector | null = null;
const host: LoopHost = {
  get detector() {
    return detector;
  },
  report: (error) => post({ type: 'error', error: serializeError(error) }),
};
const loops = new Map<number, FrameLoop>();

scope.addEventListener('message', ({ data }: MessageEvent<RedactionRequest>) => {
  switch (data.type) {
    case 'track': {
      const { track, readable, writable, options } = data;
      const output = new BreakoutOutput(readable, writable, (frame, time) => loop.receive(frame, time), () => {
        loop.release();
        loops.delete(track);
        post({ type: 'ended', track });
      });
      const loop = new FrameLoop(host, output, options);
      loops.set(track, loop);
      break;
    }
    case 'detector':
      detector?.close();
      detector = data.detector && new PortDetector(data.detector.port, data.detector.settings);
      break;
    case 'stop':
      loops.get(data.track)?.release();
      break;
  }
});
