// Dropping photos on the app and switching between front and back cameras, on the production build.
import { expect } from 'chai';
import { FaceDetector } from '../../model/index.ts';
import { closeApp, command, detectionDone, evaluate, openApp, waitFor } from './app-driver.ts';

const element = "document.querySelector('blaze-face')";
const facingToggle = "document.getElementById('facing-toggle')";
// Face counts with the full model, which auto runs on photos.
const fourFaces = 'node_modules/@vladmandic/face-api/demo/sample4.jpg';
const threeFaces = 'node_modules/@vladmandic/face-api/demo/sample1.jpg';

type Box = [number, number, number, number];

/** The faces the app should find in `file`: its model (auto: full, for a photo) and minimum score, computed here without the app. */
async function expectedBoxes(file: string): Promise<Box[]> {
  const image = new Image();
  image.src = `/${file}`;
  await image.decode();
  const detector = await FaceDetector.create({ model: 'full', minScore: 0.5, context: { engine: 'wasm' } });
  try {
    return (await detector.detect(image)).map(({ box }) => [box.xMin, box.yMin, box.xMax, box.yMax]);
  } finally {
    detector.dispose();
  }
}

const shownBoxes = () => evaluate<Box[]>(`return ${element}.faces.map(({ box }) => [box.xMin, box.yMin, box.xMax, box.yMax])`);

function expectBoxes(actual: Box[], expected: Box[]): void {
  expect(actual.length, 'face count').to.equal(expected.length);
  actual.forEach((box, face) => box.forEach((value, i) => expect(Math.abs(value - expected[face][i]), `face ${face}`).to.be.below(1e-4)));
}

/** Until the element shows a photo other than `previousSrc`, analysed. */
const photoShown = (previousSrc: string) =>
  waitFor(`${element}.src?.startsWith('blob:') && ${element}.src !== ${JSON.stringify(previousSrc)} && ${element}.state === 'running' && ${element}.faces.length > 0`);

describe('PWA photos and cameras', function () {
  this.timeout(240000);
  after(closeApp);

  it('analyses photos dropped on the page, ignores other files and frees each photo it replaces (Chromium: trusted drag events through DevTools)', async () => {
    const [expectedFour, expectedThree] = [await expectedBoxes(fourFaces), await expectedBoxes(threeFaces)];
    expect(expectedFour).to.have.length(4);
    expect(expectedThree).to.have.length(3);
    await openApp();
    await detectionDone();

    await command('pwa-drag-file', { selector: '#drop-zone', file: fourFaces, step: 'over' });
    expect(await evaluate<boolean>("return document.getElementById('drop-zone').classList.contains('dragging')"), 'drop zone shown').to.equal(true);
    await command('pwa-drag-file', { selector: '#drop-zone', file: fourFaces, step: 'drop' });
    await photoShown('');
    expect(await evaluate<boolean>("return document.getElementById('drop-zone').classList.contains('dragging')")).to.equal(false);
    expectBoxes(await shownBoxes(), expectedFour);
    expect(await evaluate<string>("return document.getElementById('stats').textContent")).to.match(/^4 faces · /);
    const firstUrl = await evaluate<string>(`return ${element}.src`);

    // Not an image: nothing changes (and the browser does not navigate to the file either).
    await command('pwa-drag-file', { selector: '#drop-zone', file: 'package.json', step: 'over' });
    await command('pwa-drag-file', { selector: '#drop-zone', file: 'package.json', step: 'drop' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await evaluate<string>(`return ${element}.src`)).to.equal(firstUrl);
    expect(await evaluate<number>(`return ${element}.faces.length`)).to.equal(4);

    await command('pwa-drag-file', { selector: '#drop-zone', file: threeFaces, step: 'over' });
    await command('pwa-drag-file', { selector: '#drop-zone', file: threeFaces, step: 'drop' });
    await photoShown(firstUrl);
    expectBoxes(await shownBoxes(), expectedThree);
    const firstPhoto = await evaluate<string>(`return fetch(${JSON.stringify(firstUrl)}).then(() => 'kept', () => 'revoked')`);
    expect(firstPhoto, "the replaced photo's object URL").to.equal('revoked');
  });

  it('offers the front/back switch only while a camera shows and the device has both, and switches with it', async () => {
    await openApp();
    await detectionDone();
    const cameraOn = `${element}.state === 'running' && !${element}.src && /fps/.test(document.getElementById('stats').textContent)`;
    const trackFacing = `${element}.shadowRoot.querySelector('video').srcObject?.getVideoTracks()[0]?.getConstraints().facingMode`;

    // Chromium's fake camera is a single device, labelled once access is granted: no switch to offer.
    await command('pwa-click', { selector: '#camera-toggle' });
    await waitFor(cameraOn);
    const cameras = await evaluate<string[]>(
      "return (await navigator.mediaDevices.enumerateDevices()).filter((device) => device.kind === 'videoinput').map((device) => device.label)",
    );
    expect(cameras).to.have.length(1);
    expect(cameras[0], 'labelled').to.not.equal('');
    expect(await evaluate<boolean>(`return ${facingToggle}.hidden`), 'one camera: no switch').to.equal(true);

    // A phone's pair of cameras, as enumerateDevices() reports them there; getUserMedia still opens the fake one.
    await evaluate(`
      navigator.mediaDevices.enumerateDevices = async () => [
        { kind: 'videoinput', deviceId: 'front', groupId: '', label: 'Front Camera' },
        { kind: 'videoinput', deviceId: 'back', groupId: '', label: 'Back Camera' },
      ];`);
    await command('pwa-click', { selector: '#camera-toggle' });
    await waitFor(`${element}.src === 'samples/sample.jpg' && ${element}.state === 'running'`);
    await command('pwa-click', { selector: '#camera-toggle' });
    await waitFor(`${cameraOn} && !${facingToggle}.hidden`);
    expect(await evaluate<string>(`return ${facingToggle}.textContent`)).to.equal('Use back camera');
    expect(await evaluate<string>(`return ${trackFacing}`)).to.equal('user');

    await command('pwa-click', { selector: '#facing-toggle' });
    expect(await evaluate<string>(`return ${element}.facingMode`)).to.equal('environment');
    expect(await evaluate<string>(`return ${facingToggle}.textContent`)).to.equal('Use front camera');
    await waitFor(`${trackFacing} === 'environment' && ${cameraOn}`);
    expect(await evaluate<boolean>(`return ${element}.isMirrored`), 'the back camera is not mirrored').to.equal(false);

    await command('pwa-click', { selector: '#facing-toggle' });
    await waitFor(`${trackFacing} === 'user' && ${cameraOn}`);
    expect(await evaluate<string>(`return ${facingToggle}.textContent`)).to.equal('Use back camera');

    await command('pwa-click', { selector: '#camera-toggle' });
    expect(await evaluate<boolean>(`return ${facingToggle}.hidden`), 'camera off: no switch').to.equal(true);
  });
});
