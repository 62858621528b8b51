// The "new version available" prompt. It only asks: what happens on each answer is register-sw.ts's job.
import { byId } from './dom.ts';

export function askToUpdate(onAccept: () => void): void {
  const banner = byId('update-banner', HTMLDivElement);
  const accept = byId('update-accept', HTMLButtonElement);
  const dismiss = byId('update-dismiss', HTMLButtonElement);
  banner.hidden = false;
  accept.onclick = () => {
    accept.disabled = true;
    onAccept();
  };
  dismiss.onclick = () => (banner.hidden = true);
  accept.focus();
}

export function showServiceWorkerError(message: string): void {
  const box = byId('sw-error', HTMLParagraphElement);
  box.textContent = message;
  box.hidden = false;
}
