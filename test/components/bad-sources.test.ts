// <blaze-face> survives every bad source: a bad one-off detect() source rejects with an unsupported-source
// BlazeFaceError while the element's own stream keeps being analysed, and a bad `src` gives an
// unsupported-source error event, after which the next good src is analysed as usual.
import { expect } from 'chai';
import '../../components/index.ts';
import type { BlazeFaceElement } from '../../components/blaze-face.ts';
import { BlazeFaceError, type BlazeFaceErrorDetail, type BlazeFaceFacesDetail } from '../../components/events.ts';
import { InvalidImageError } from '../../model/errors.ts';
import { badSources, crossOriginUrl } from '../helpers/bad-sources.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { rejection } from '../helpers/rejection.ts';

const threeFaces = '/test/fixtures/seed/3faces.png';

/** An image src's faces event comes just before the element marks itself running: let that happen. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

function addElement(setup: (element: BlazeFaceElement) => void): BlazeFaceElement {
  const element = document.createElement('blaze-face');
  element.model = 'front';
  setup(element);
  document.body.append(element);
  return element;
}

describe('<blaze-face> and bad sources', () => {
  let photo: ImageData;
  const stops: (() => void)[] = [];

  before(async () => {
    photo = await loadImageData(threeFaces);
  });
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    document.querySelectorAll('blaze-face').forEach((element) => element.remove());
  });

  /** The photo on a canvas, repainted every 40 ms so its capture stream keeps producing frames. */
  function photoStream(): MediaStream {
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [photo.width, photo.height];
    const context = canvas.getContext('2d')!;
    const timer = setInterval(() => context.putImageData(photo, 0, 0), 40);
    context.putImageData(photo, 0, 0);
    const stream = canvas.captureStream(25);
    stops.push(() => (clearInterval(timer), stream.getTracks().forEach((track) => track.stop())));
    return stream;
  }

  it('detect() on each bad source rejects with unsupported-source; the stream keeps being analysed', async () => {
    const element = addElement((element) => {
      element.srcObject = photoStream();
    });
    expect((await nextEvent<BlazeFaceFacesDetail>(element, 'faces')).faces).to.have.length(3);
    for (const { name, reason, make } of badSources) {
      const error = await rejection(element.detect(await make()));
      expect(error, `${name}: ${error.message}`).to.be.instanceOf(BlazeFaceError);
      expect((error as BlazeFaceError).type, name).to.equal('unsupported-source');
      expect(error.cause, name).to.be.instanceOf(InvalidImageError);
      expect((error.cause as InvalidImageError).reason, name).to.equal(reason);
      expect(element.state, name).to.equal('running');
      expect((await nextEvent<BlazeFaceFacesDetail>(element, 'faces')).faces, `the next frame after ${name}`).to.have.length(3);
    }
  });

  // `says`: the message tells the tainted image (which loads, but cannot be read) from an undecodable file.
  const badSrcs: { name: string; url: () => string; says: string }[] = [
    { name: 'a cross-origin image without CORS (tainted)', url: () => crossOriginUrl(threeFaces), says: 'another origin without CORS' },
    { name: 'an HTML page (the demo app)', url: () => '/index.html', says: 'could not be loaded or decoded' },
    { name: 'a 0-byte file', url: () => URL.createObjectURL(new Blob([], { type: 'image/png' })), says: 'could not be loaded or decoded' },
  ];
  for (const { name, url, says } of badSrcs) {
    it(`src = ${name}: an unsupported-source error event, then a good src is analysed`, async () => {
      let element!: BlazeFaceElement;
      const error = new Promise<BlazeFaceErrorDetail>((resolve) => {
        element = addElement((element) => {
          element.addEventListener('error', (event) => resolve((event as CustomEvent<BlazeFaceErrorDetail>).detail), { once: true });
          element.src = url();
        });
      });
      const detail = await error;
      expect(detail.type, detail.message).to.equal('unsupported-source');
      expect(detail.message).to.contain(says);
      expect(element.state).to.equal('error');

      const faces = nextEvent<BlazeFaceFacesDetail>(element, 'faces');
      element.src = threeFaces;
      expect((await faces).faces).to.have.length(3);
      await settled();
      expect(element.state).to.equal('running');
    });
  }

  it('src = a 1×1 image is analysed without error (a documented no-op: no faces)', async () => {
    const pixel = document.createElement('canvas');
    pixel.width = pixel.height = 1;
    const errors: BlazeFaceErrorDetail[] = [];
    let element!: BlazeFaceElement;
    const faces = new Promise<BlazeFaceFacesDetail>((resolve) => {
      element = addElement((element) => {
        element.addEventListener('error', (event) => errors.push((event as CustomEvent<BlazeFaceErrorDetail>).detail));
        element.addEventListener('faces', (event) => resolve((event as CustomEvent<BlazeFaceFacesDetail>).detail), { once: true });
        element.src = pixel.toDataURL('image/png');
      });
    });
    expect((await faces).faces).to.deep.equal([]);
    await settled();
    expect(element.state).to.equal('running');
    expect(errors).to.deep.equal([]);
  });
});
