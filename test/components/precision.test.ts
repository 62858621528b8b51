// <blaze-face>'s precision attribute: 'auto' (float32 unless native WebNN lacks it), or float32/float16 forced.
// On native WebNN float16 finds float32's faces; the polyfill computes float32 only, so float16 is a model-load
// error there, and the element recovers when the attribute changes back.
import { expect } from 'chai';
import '../../components/index.ts';
import type { BlazeFaceErrorDetail, BlazeFaceFacesDetail } from '../../components/events.ts';
import type { DetectorBackend } from '../../model/face-detector.ts';
import { addSeedPhotoElement, nextEvent } from '../helpers/element-events.ts';
import { describeForNative, describeForPolyfill, networkEngine } from '../helpers/test-browser.ts';

const keypointTolerance = 2e-3;

describe('<blaze-face> precision', () => {
  afterEach(() => document.querySelectorAll('blaze-face').forEach((element) => element.remove()));

  it("defaults to 'auto', which runs float32 where the device has float32", async () => {
    const { element, first } = addSeedPhotoElement<BlazeFaceFacesDetail>({}, 'faces');
    expect(element.precision).to.equal('auto');
    const backend = await element.ready;
    expect(backend).to.deep.include({ implementation: networkEngine === 'native' ? 'native' : 'polyfill', precision: 'float32' });
    expect((await first).faces).to.have.length(1);
  });

  it('a bad precision value is an invalid-attribute error and keeps auto', async () => {
    const { element, first } = addSeedPhotoElement<BlazeFaceErrorDetail>({ precision: 'float8' }, 'error');
    const detail = await first;
    expect(detail.type).to.equal('invalid-attribute');
    expect(detail.message).to.equal('precision must be one of auto, float32, float16, got "float8"');
    expect(element.precision).to.equal('auto');
    expect(element.getAttribute('precision')).to.equal('auto');
    expect((await element.ready).precision).to.equal('float32');
  });
});

describeForNative('<blaze-face> precision on native WebNN', () => {
  afterEach(() => document.querySelectorAll('blaze-face').forEach((element) => element.remove()));

  it(`precision="float16" runs in half precision and finds float32's face, keypoints within ${keypointTolerance}`, async () => {
    const half = addSeedPhotoElement<BlazeFaceFacesDetail>({ precision: 'float16' }, 'faces');
    const full = addSeedPhotoElement<BlazeFaceFacesDetail>({ precision: 'float32' }, 'faces');
    expect(await half.element.ready).to.deep.include({ implementation: 'native', precision: 'float16' });
    expect(await full.element.ready).to.deep.include({ implementation: 'native', precision: 'float32' });
    const [halfFaces, fullFaces] = [(await half.first).faces, (await full.first).faces];
    expect(halfFaces).to.have.length(1);
    expect(fullFaces).to.have.length(1);
    halfFaces[0]!.keypoints.forEach((point, k) => {
      const reference = fullFaces[0]!.keypoints[k]!;
      expect(Math.abs(point.x - reference.x), `keypoint ${k} x`).to.be.at.most(keypointTolerance);
      expect(Math.abs(point.y - reference.y), `keypoint ${k} y`).to.be.at.most(keypointTolerance);
    });
  });

  it('changing precision on a running element rebuilds its detector in the new precision', async () => {
    const { element, first } = addSeedPhotoElement<BlazeFaceFacesDetail>({ precision: 'float32' }, 'faces');
    await first;
    const ready = nextEvent<{ backend: DetectorBackend }>(element, 'ready');
    element.precision = 'float16';
    expect((await ready).backend.precision).to.equal('float16');
    expect((await nextEvent<BlazeFaceFacesDetail>(element, 'faces')).faces).to.have.length(1);
    expect(element.backend?.precision).to.equal('float16');
  });
});

describeForPolyfill('<blaze-face> precision on the polyfill', () => {
  afterEach(() => document.querySelectorAll('blaze-face').forEach((element) => element.remove()));

  it('precision="float16" is a model-load error naming the reason; precision="float32" then detects', async () => {
    const { element, first } = addSeedPhotoElement<BlazeFaceErrorDetail>({ precision: 'float16' }, 'error');
    const detail = await first;
    expect(detail.type).to.equal('model-load');
    expect(detail.message).to.equal(
      'The face detection model could not be loaded: This WebNN device cannot run the network: cast: output data type float16 is not supported (supported: float32, int32)',
    );
    expect(element.state).to.equal('error');
    const faces = nextEvent<BlazeFaceFacesDetail>(element, 'faces');
    element.precision = 'float32';
    expect((await faces).faces).to.have.length(1);
    expect(element.backend).to.deep.include({ implementation: 'polyfill', precision: 'float32' });
  });
});
