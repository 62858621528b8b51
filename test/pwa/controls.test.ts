// The app's controls drive the element: camera on (the browser's fake camera) with a frame rate shown, model
// choice, keypoints, minimum score, and "analyse a photo" through the file picker.
import { expect } from 'chai';
import { closeApp, command, detectionDone, evaluate, openApp, waitFor } from './app-driver.ts';

const element = "document.querySelector('blaze-face')";

describe('PWA controls', function () {
  this.timeout(240000);
  after(closeApp);

  it('switches between camera, models and photos', async () => {
    await openApp();
    expect((await detectionDone()).faces, 'the sample photo\'s three people').to.equal(3);
    expect(await evaluate<string>("return document.getElementById('runtime').textContent")).to.match(/WebNN (polyfill on \w+|\()/);
    expect(await evaluate<string>("return document.getElementById('model').options[0].value"), 'the first model choice').to.equal('auto');
    // The photo's time is that of a steady-state call, measured after the first.
    await waitFor("/^3 faces · full model · \\d+\\.\\d ms$/.test(document.getElementById('stats').textContent)");

    await command('pwa-click', { selector: '#camera-toggle' });
    await waitFor(`${element}.state === 'running' && !${element}.src && /short model · [\\d.]+ ms per frame · \\d+ fps$/.test(document.getElementById('stats').textContent)`);
    expect(await evaluate<string | null>("return document.getElementById('camera-toggle').getAttribute('aria-pressed')")).to.equal('true');

    await command('pwa-click', { selector: '#camera-toggle' });
    await waitFor(`${element}.src === 'samples/sample.jpg' && ${element}.state === 'running'`);

    await command('pwa-select', { selector: '#model', value: 'full' });
    await waitFor(`${element}.model === 'full' && ${element}.state === 'running'`);
    await command('pwa-click', { selector: '#keypoints' });
    expect(await evaluate<boolean>(`return ${element}.keypoints`)).to.equal(false);

    await command('pwa-upload', { selector: '#photo', file: 'node_modules/@vladmandic/face-api/demo/sample1.jpg' });
    await waitFor(`${element}.src?.startsWith('blob:') && ${element}.state === 'running'`);
    expect(await evaluate<number>(`return ${element}.faces.length`)).to.be.greaterThan(0);
  });
});
