// Registers the service worker with workbox-window. A new version never takes over on its own: when one is
// waiting, the person is asked, and only if they agree is it told to skip waiting; the page reloads once the
// new worker controls it. Failures are shown in the page, not swallowed.
import { Workbox, messageSW } from 'workbox-window';
import { swMessageTypes } from './sw-messages.ts';
import { askToUpdate, showServiceWorkerError } from './update-banner.ts';

export interface ServiceWorkerHandle {
  /** The version of the worker controlling the page, or undefined without one. */
  controllerVersion(): Promise<string | undefined>;
}

export function registerServiceWorker(url = 'sw.js'): ServiceWorkerHandle | undefined {
  if (!('serviceWorker' in navigator)) {
    showServiceWorkerError('Offline use is unavailable: this browser has no service workers here (a secure context is needed).');
    return undefined;
  }
  const workbox = new Workbox(url);
  workbox.addEventListener('waiting', () => {
    askToUpdate(() => {
      workbox.addEventListener('controlling', () => window.location.reload());
      workbox.messageSkipWaiting();
    });
  });
  workbox.register().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    showServiceWorkerError(`Offline use is unavailable: the service worker could not be registered (${reason}).`);
  });
  return {
    async controllerVersion() {
      // Asked of the controller itself: workbox.messageSW() would ask the newest (possibly waiting) worker.
      const controller = navigator.serviceWorker.controller;
      if (!controller) return undefined;
      return (await messageSW(controller, { type: swMessageTypes.getVersion })) as string;
    },
  };
}
