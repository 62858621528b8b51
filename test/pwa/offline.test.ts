// (1) After one visit the production build loads, loads its model and detects faces with the server gone.
import { expect } from 'chai';
import { FaceDetector } from '../../model/index.ts';
import { closeApp, command, detectionDone, openApp, waitForControl } from './app-driver.ts';

async function expectedFaceCount(): Promise<number> {
  // The same photo, model and minimum score as the app's defaults (auto runs full on a photo), computed here
  // without the app.
  const image = new Image();
  image.src = '/samples/sample.jpg';
  await image.decode();
  const detector = await FaceDetector.create({ model: 'full', minScore: 0.5, context: { engine: 'wasm' } });
  try {
    return (await detector.detect(image)).length;
  } finally {
    detector.dispose();
  }
}

describe('PWA offline', function () {
  this.timeout(240000);
  after(closeApp);

  it('loads, isolates and detects the sample photo offline after the first visit', async () => {
    const expected = await expectedFaceCount();
    expect(expected, 'the three people of the sample photo').to.equal(3);

    await openApp();
    await waitForControl();
    const online = await detectionDone();
    expect(online.faces).to.equal(expected);
    expect(online.crossOriginIsolated).to.equal(true);

    await command('pwa-offline');
    await command('pwa-reload');
    const offline = await detectionDone();
    expect(offline.controlled).to.equal(true);
    expect(offline.crossOriginIsolated).to.equal(true);
    expect(offline.backend).to.equal(online.backend);
    expect(offline.faces).to.equal(expected);
  });
});
