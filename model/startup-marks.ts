// Start-up stages as User Timing marks named `blaze-face:<stage>`, so a page's performance panel (and the
// bench's start-up breakdown) shows where a start spends its time. Marks made in a detector's worker are
// replayed on the page's timeline when the detector is ready.

export type StartupStage =
  /** Page: a detector was asked for (WorkerFaceDetector.create). */
  | 'detector-requested'
  /** Worker: its module (the detector's whole code) has been fetched and evaluated. */
  | 'worker-started'
  /** The WebNN context exists: for our wasm engine, its module fetched and compiled. */
  | 'context-created'
  /** The model file's bytes have arrived. */
  | 'model-fetched'
  /** The WebNN graph is built (for our engine, planned and its weights packed). */
  | 'graph-built'
  /** The first dispatch, on a blank image, has run: the detector is warm. */
  | 'warmed'
  /** Page: the detector is ready to use. */
  | 'detector-ready'
  /** Element: the camera or stream has given its first frame, or the image has loaded. */
  | 'source-ready'
  /** Element: the first detection results have been published. */
  | 'first-faces';

const prefix = 'blaze-face:';

let reached: ((stage: StartupStage) => void) | undefined;

export function markStartup(stage: StartupStage): void {
  performance.mark(`${prefix}${stage}`);
  reached?.(stage);
}

/** Calls `listener` with each stage marked from now on (a worker tells the page how far its start has come). */
export function onStartupMark(listener: (stage: StartupStage) => void): void {
  reached = listener;
}

/** A mark as it travels from a worker to the page: its name and its time since the Unix epoch (ms). */
export interface TransferredMark {
  name: string;
  epochTime: number;
}

let takenUntil = -1;

/** This context's start-up marks made since the last call, to be sent to the page. */
export function takeStartupMarks(): TransferredMark[] {
  const marks = performance.getEntriesByType('mark').filter((mark) => mark.name.startsWith(prefix) && mark.startTime > takenUntil);
  takenUntil = marks.at(-1)?.startTime ?? takenUntil;
  return marks.map((mark) => ({ name: mark.name, epochTime: performance.timeOrigin + mark.startTime }));
}

/** Puts a worker's marks on this timeline, at the times they were made. */
export function replayStartupMarks(marks: readonly TransferredMark[]): void {
  for (const { name, epochTime } of marks) {
    const startTime = epochTime - performance.timeOrigin;
    if (name.startsWith(prefix) && startTime >= 0) performance.mark(name, { startTime });
  }
}
