// <blaze-face> gives each face of a video an id that stays while the face stays in view; smoothing is an
// option with validated parameters (its effect is measured in test/model/face-tracker.test.ts).
import { expect } from 'chai';
import type { BlazeFaceErrorDetail, BlazeFaceFacesDetail } from '../../components/events.ts';
import { useElementSources } from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';

describe('<blaze-face> face ids and smoothing', function () {
  this.timeout(180000);
  const { streamOf, elementOn } = useElementSources();

  it('keeps each face\'s id from frame to frame, and gives faces that come back new ids', async () => {
    const source = streamOf(await loadImageData('/test/fixtures/seed/3faces.png'));
    const element = elementOn(source);
    const ids = (detail: BlazeFaceFacesDetail) => detail.faces.map((face) => face.id!).sort((a, b) => a - b);
    const first = ids(await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0));
    expect(first.every((id) => Number.isInteger(id))).to.equal(true);
    expect(new Set(first).size, 'distinct ids').to.equal(first.length);
    for (let frame = 0; frame < 10; frame++) {
      const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces');
      expect(ids(detail), `ids in event ${frame + 1}`).to.deep.equal(first);
    }
    expect(element.faces.map((face) => face.id).sort((a, b) => a! - b!)).to.deep.equal(first);

    // Gone for good (several frames without faces), then back: new faces, new ids.
    source.showImage(false);
    for (let frame = 0; frame < 4; frame++) await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length === 0);
    source.showImage(true);
    const again = ids(await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0));
    expect(again.some((id) => first.includes(id)), `old ids ${first} among ${again}`).to.equal(false);
  });

  it('takes smoothing and its parameters as attributes, and rejects bad parameters', async () => {
    const source = streamOf(await loadImageData('/test/fixtures/seed/1face.png'));
    const element = elementOn(source, (element) => {
      element.setAttribute('smoothing', '');
      element.setAttribute('smoothing-min-cutoff', '1.5');
    });
    expect(element.smoothing).to.equal(true);
    expect(element.smoothingMinCutoff).to.equal(1.5);
    const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    expect(detail.faces[0]!.id).to.be.a('number');
    const error = nextEvent<BlazeFaceErrorDetail>(element, 'error');
    element.setAttribute('smoothing-beta', '-1');
    expect((await error).message).to.contain('smoothing-beta must be a number of 0 or more');
    expect(element.smoothingBeta, 'the last good value').to.equal(1);
  });
});
