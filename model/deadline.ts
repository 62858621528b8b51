// Deadlines: no promise of the model API waits for ever (a worker that stopped answering, a download that never
// ends, a consumer that stopped taking frames).

import { TimeoutError, type TimeoutStep } from './errors.ts';

/**
 * `promise`, or, once `ms` have passed, a rejection with a TimeoutError at `step` (or where `step()` says it is
 * then) saying that `what` did not finish, after `expired` has run with it (to end what is stuck). Infinity: no deadline.
 */
export function withDeadline<T>(
  promise: Promise<T>, ms: number, step: TimeoutStep | (() => TimeoutStep), what: string, expired?: (timeout: TimeoutError) => void,
): Promise<T> {
  if (ms === Infinity) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const timeout = new TimeoutError(typeof step === 'function' ? step() : step, ms, what);
      expired?.(timeout);
      reject(timeout);
    }, ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
