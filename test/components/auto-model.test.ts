// model="auto", the default: short for a user-facing camera, full for everything else; which one ran is in
// each faces event and in activeModel, and switching between sources keeps both detectors.
import { expect } from 'chai';
import '../../components/index.ts';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import type { BlazeFaceFacesDetail, BlazeFaceReadyDetail } from '../../components/events.ts';
import { FaceDetector } from '../../model/face-detector.ts';
import { paintedStream } from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { itWithFakeCamera, networkEngine } from '../helpers/test-browser.ts';

const photo = '/test/fixtures/seed/3faces.png';

/** A <blaze-face> left at its defaults but for `setup`, on the page, and its first faces event. */
function addElement(setup: (element: BlazeFaceElement) => void): { element: BlazeFaceElement; faces: Promise<BlazeFaceFacesDetail> } {
  const element = document.createElement('blaze-face');
  setup(element);
  const faces = nextEvent<BlazeFaceFacesDetail>(element, 'faces');
  document.body.append(element);
  return { element, faces };
}

describe('<blaze-face> model="auto"', function () {
  this.timeout(180000);
  afterEach(() => document.querySelectorAll('blaze-face').forEach((element) => element.remove()));

  it('is the default, and chooses by source: short for the user-facing camera, full for the rest', () => {
    const element = document.createElement('blaze-face');
    expect(element.model).to.equal('auto');
    expect(element.activeModel).to.equal('short');
    element.facingMode = 'environment';
    expect(element.activeModel).to.equal('full');
    element.facingMode = 'user';
    element.src = 'photo.jpg';
    expect(element.activeModel).to.equal('full');
    element.src = 'clip.webm';
    expect(element.activeModel).to.equal('full');
    element.src = undefined;
    element.srcObject = new MediaStream();
    expect(element.activeModel).to.equal('full');
    element.model = 'front';
    expect(element.activeModel, 'an explicit model wins').to.equal('front');
  });

  it('runs full on a photo: its faces are full-range FaceDetector\'s', async () => {
    const detector = await FaceDetector.create({ model: 'full', context: { engine: networkEngine } });
    const expected = await detector.detect(await loadImageData(photo));
    detector.dispose();
    const { element, faces } = addElement((element) => (element.src = photo));
    const ready = nextEvent<BlazeFaceReadyDetail>(element, 'ready');
    const detail = await faces;
    expect((await ready).model).to.equal('full');
    expect(detail.model).to.equal('full');
    expect(detail.faces.length).to.equal(expected.length);
    detail.faces.forEach((face, index) => expect(face.score).to.be.closeTo(expected[index]!.score, 1e-3));
  });

  it('runs full on a stream', async () => {
    const painted = paintedStream(await loadImageData(photo));
    try {
      const { faces } = addElement((element) => (element.srcObject = painted.stream));
      expect((await faces).model).to.equal('full');
    } finally {
      painted.stop();
    }
  });

  itWithFakeCamera('runs short on the user-facing camera and full on the environment one, keeping both detectors', async () => {
    const { element, faces } = addElement(() => undefined);
    expect((await faces).model).to.equal('short');
    const shortBackend = element.backend;
    element.facingMode = 'environment';
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.model === 'full');
    expect(element.activeModel).to.equal('full');
    // Back to the front camera: the short detector is still loaded, so no new one is made.
    let readies = 0;
    element.addEventListener('ready', () => readies++);
    element.facingMode = 'user';
    await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.model === 'short');
    expect(readies, 'ready events (a detector loaded again)').to.equal(0);
    expect(element.backend).to.equal(shortBackend);
  });

  it('detect() runs full under auto, whatever the element shows', async () => {
    const detector = await FaceDetector.create({ model: 'full', context: { engine: networkEngine } });
    const image = await loadImageData(photo);
    const expected = await detector.detect(image);
    detector.dispose();
    const element = document.createElement('blaze-face');
    document.body.append(element);
    element.stop(); // no camera: detect() needs none
    const faces = await element.detect(image);
    expect(faces.length).to.equal(expected.length);
    faces.forEach((face, index) => expect(face.score).to.be.closeTo(expected[index]!.score, 1e-3));
  });
});
