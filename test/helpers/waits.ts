// Waiting in tests: for a time, or for a condition that the page (or the browser, asked by a server command)
// reports.
import { executeServerCommand } from '@web/test-runner-commands';

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Until `condition()` holds, checked every 50 ms; `what` may say what is still in the way when time runs out. */
export async function until(condition: () => boolean | Promise<boolean>, what: string | (() => Promise<string>), timeoutMs = 60000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : await what()}`);
    await delay(50);
  }
}

/**
 * The names of this page's live detector workers (WorkerFaceDetector names each `blaze-face <model> #<n>`),
 * as the browser's DevTools protocol lists the page's workers; the engine's own thread workers are left out.
 */
export async function detectorWorkers(): Promise<string[]> {
  const { names } = (await executeServerCommand('page-workers')) as { names: string[] };
  return names.filter((name) => name.startsWith('blaze-face ')).sort();
}
