// (2) A new deployment is offered, never forced: declining keeps the old version running (even across a
// reload), accepting activates the new worker and reloads onto the new version.
import { expect } from 'chai';
import { closeApp, command, detectionDone, evaluate, openApp, waitFor, waitForControl } from './app-driver.ts';

const bannerShown = "document.getElementById('update-banner')?.hidden === false";
const workerVersion = () => evaluate<string | undefined>('return window.blazeFaceApp.serviceWorker.controllerVersion()');

describe('PWA update flow', function () {
  this.timeout(300000);
  after(closeApp);

  it('asks before switching to a new version, and switches only when accepted', async () => {
    const first = await command<string>('pwa-build', { version: 'update-test-1' });
    const second = await command<string>('pwa-build', { version: 'update-test-2' });

    await openApp({ dir: first });
    await waitForControl();
    expect((await detectionDone()).version).to.equal('update-test-1');
    expect(await workerVersion()).to.equal('update-test-1');

    await command('pwa-serve', { dir: second });
    await evaluate('await (await navigator.serviceWorker.getRegistration()).update()');
    await waitFor(bannerShown);

    // Declined: the prompt goes away and version 1 stays in control, also after a reload, which asks again.
    await command('pwa-click', { selector: '#update-dismiss' });
    expect(await evaluate<boolean>("return document.getElementById('update-banner').hidden")).to.equal(true);
    expect(await workerVersion()).to.equal('update-test-1');
    expect(await evaluate<boolean>('return Boolean((await navigator.serviceWorker.getRegistration()).waiting)')).to.equal(true);
    await command('pwa-reload');
    await waitFor(bannerShown);
    expect((await detectionDone()).version).to.equal('update-test-1');
    expect(await workerVersion()).to.equal('update-test-1');

    // Accepted: the waiting worker activates and the page reloads onto version 2.
    await command('pwa-click', { selector: '#update-accept', navigation: true });
    const after = await detectionDone();
    expect(after.version).to.equal('update-test-2');
    expect(after.crossOriginIsolated).to.equal(true);
    expect(await workerVersion()).to.equal('update-test-2');
    expect(await evaluate<boolean>("return document.getElementById('update-banner').hidden")).to.equal(true);
  });
});
