// The renderer feature of <blaze-face> in a real page: the faces the model finds drawn where they are, mirrored
// with the view and in the box style asked for; snapshots of the picture with its faces; the spoken face count.

import { expect } from 'chai';
import type { BlazeFaceFacesDetail } from '../../components/events.ts';
import {
  boxColoredNear, countOpaque, expectSameFaces, overlayPixels, usePhotoReference, twoFaces, useElementSources,
} from '../helpers/element-harness.ts';
import { delay, until } from '../helpers/waits.ts';
import { nextEvent } from '../helpers/element-events.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { expectNetworkBackend } from '../helpers/test-browser.ts';

const announcement = (count: number) => (count === 0 ? 'No faces in view' : count === 1 ? '1 face in view' : `${count} faces in view`);

describe('<blaze-face> renderer', function () {
  const sample = usePhotoReference();
  const { streamOf, elementOn, afterTest } = useElementSources();

  it('emits the faces the model finds and draws their boxes where they are', async () => {
    const source = streamOf(sample.image);
    const expected = await sample.reference.detect(source.canvas);
    expect(expected.length, 'the test photo has faces').to.be.greaterThan(0);

    const element = elementOn(source, (element) => {
      element.keypoints = false;
    });
    await element.updateComplete;
    expect(element.state).to.equal('loading');
    expect(element.shadowRoot!.querySelector('[part=status]')!.textContent).to.contain('Loading');
    const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    expect(element.state).to.equal('running');
    expectNetworkBackend(element.backend!, { precision: 'float32' });
    expect(element.matches(':state(running)')).to.equal(true);
    expect(element.isMirrored, 'a stream is not mirrored by default').to.equal(false);
    // The stream passes through video encoding (YUV), so its pixels differ slightly from the canvas.
    expectSameFaces(detail.faces, expected, 0.02);
    expect(detail.latencyMs).to.be.greaterThan(0);

    const pixels = overlayPixels(element);
    const ratio = pixels.width / 640;
    for (const face of detail.faces) {
      const { xMin, yMin, xMax, yMax } = face.box;
      const toX = (x: number) => x * 640 * ratio;
      const toY = (y: number) => y * 480 * ratio;
      const midX = toX((xMin + xMax) / 2);
      const midY = toY((yMin + yMax) / 2);
      expect(boxColoredNear(pixels, midX, toY(yMin)), 'top edge').to.equal(true);
      expect(boxColoredNear(pixels, midX, toY(yMax)), 'bottom edge').to.equal(true);
      expect(boxColoredNear(pixels, toX(xMin), midY), 'left edge').to.equal(true);
      expect(boxColoredNear(pixels, toX(xMax), midY), 'right edge').to.equal(true);
      expect(boxColoredNear(pixels, midX, midY, 2), 'inside the box').to.equal(false);
    }
    expect(boxColoredNear(pixels, 5, 5), 'far corner').to.equal(false);
    expect(boxColoredNear(pixels, pixels.width - 5, pixels.height - 5), 'far corner').to.equal(false);

    // Nothing but our own origin was asked for anything (model, engine files, scripts).
    const foreign = performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((url) => new URL(url).origin !== location.origin);
    expect(foreign).to.deep.equal([]);
  });

  it('snapshot() returns the frame with the overlay at the video size', async () => {
    const source = streamOf(sample.image);
    const element = elementOn(source, (element) => {
      element.keypoints = false;
    });
    const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    const bitmap = await createImageBitmap(await element.snapshot());
    expect([bitmap.width, bitmap.height]).to.deep.equal([640, 480]);
    const canvas = new OffscreenCanvas(640, 480);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, 640, 480);
    const face = detail.faces[0];
    expect(boxColoredNear(pixels, ((face.box.xMin + face.box.xMax) / 2) * 640, face.box.yMin * 480)).to.equal(true);
    // The picture is under the boxes: the photo's pixels, opaque everywhere.
    expect(countOpaque(pixels), 'every pixel of the picture').to.equal(640 * 480);
    const at = (10 * 640 + 10) * 4;
    const picture = source.canvas.getContext('2d')!.getImageData(10, 10, 1, 1).data;
    for (let channel = 0; channel < 3; channel++) {
      expect(Math.abs(pixels.data[at + channel]! - picture[channel]!), `channel ${channel} at (10, 10)`).to.be.below(24);
    }
  });

  it('mirrors the faces and the drawing when mirrored', async () => {
    const source = streamOf(sample.image);
    const expected = await sample.reference.detect(source.canvas, { mirrored: true });
    const element = elementOn(source, (element) => {
      element.keypoints = false;
      element.mirrored = true;
    });
    const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    expectSameFaces(detail.faces, expected, 0.02);
    const pixels = overlayPixels(element);
    const ratio = pixels.width / 640;
    const face = detail.faces[0];
    const midY = ((face.box.yMin + face.box.yMax) / 2) * 480 * ratio;
    expect(boxColoredNear(pixels, face.box.xMin * 640 * ratio, midY)).to.equal(true);
    const unmirroredLeft = (1 - face.box.xMax) * 640 * ratio;
    if (Math.abs(unmirroredLeft - face.box.xMin * 640 * ratio) > 20) {
      expect(boxColoredNear(pixels, unmirroredLeft, midY, 2), 'nothing at the unmirrored position').to.equal(false);
    }
  });

  it('box-style="corners" marks the corners of each box, not the middle of its edges', async () => {
    const source = streamOf(sample.image);
    const element = elementOn(source, (element) => {
      element.keypoints = false;
      element.setAttribute('box-style', 'corners');
    });
    const detail = await nextEvent<BlazeFaceFacesDetail>(element, 'faces', (detail) => detail.faces.length > 0);
    await element.updateComplete;
    const pixels = overlayPixels(element);
    const ratio = pixels.width / 640;
    for (const face of detail.faces) {
      const { xMin, yMin, xMax, yMax } = face.box;
      const [left, top, right, bottom] = [xMin * 640 * ratio, yMin * 480 * ratio, xMax * 640 * ratio, yMax * 480 * ratio];
      for (const [x, y] of [[left, top], [right, top], [right, bottom], [left, bottom]] as const) {
        expect(boxColoredNear(pixels, x, y), `corner ${x.toFixed(0)}, ${y.toFixed(0)}`).to.equal(true);
      }
      expect(boxColoredNear(pixels, (left + right) / 2, top, 2), 'middle of the top edge').to.equal(false);
      expect(boxColoredNear(pixels, left, (top + bottom) / 2, 2), 'middle of the left edge').to.equal(false);
    }
    expect(element.boxStyle).to.equal('corners');
    element.removeAttribute('box-style');
    await element.updateComplete;
    expect(element.boxStyle, 'the default again, once the attribute is gone').to.equal('box');
    const face = detail.faces[0];
    const box = overlayPixels(element);
    expect(boxColoredNear(box, ((face.box.xMin + face.box.xMax) / 2) * 640 * ratio, face.box.yMin * 480 * ratio), 'the whole box, redrawn').to.equal(true);
  });

  it('says how many faces are in view, changing its text only when the count changes, at most every 1.5 s', async function () {
    this.timeout(180000);
    // Two clear faces (scores 0.9 and 0.8), so the count is steady from frame to frame.
    const source = streamOf(await loadImageData(twoFaces));
    const expected = (await sample.reference.detect(source.canvas)).length;
    expect(expected, 'the photo has two faces').to.equal(2);
    const element = elementOn(source);
    await element.updateComplete;
    const region = element.shadowRoot!.querySelector('.announcer') as HTMLElement;
    expect(region.getAttribute('aria-live')).to.equal('polite');

    // Every text change, with the faces event of the frame that caused it (the text is set just before it).
    const log: { time: number; count: number; text: string }[] = [];
    element.addEventListener('faces', (event) => {
      log.push({ time: performance.now(), count: event.detail.faces.length, text: region.textContent ?? '' });
    });
    let mutations = 0;
    const observer = new MutationObserver((records) => (mutations += records.length));
    observer.observe(region, { childList: true, characterData: true, subtree: true });
    afterTest(() => observer.disconnect());
    await until(() => region.textContent === announcement(expected), `"${announcement(expected)}"`);

    // Faces come and go every 250 ms, for 10 s: far more often than the summary may change, and long enough
    // for a few changes where frames are slow (WebKit here).
    for (let i = 0; i < 40; i++) {
      source.showImage(i % 2 === 1);
      await delay(250);
    }
    source.showImage(false);
    await until(() => region.textContent === 'No faces in view', '"No faces in view"', 10000);
    observer.disconnect();

    const changes = log.filter((entry, index) => entry.text !== (index > 0 ? log[index - 1].text : ''));
    const countChanges = log.filter((entry, index) => index > 0 && entry.count !== log[index - 1].count).length;
    expect(changes.length, 'the summary kept up with the scene').to.be.greaterThan(2);
    expect(countChanges, 'and skipped changes faster than its interval').to.be.greaterThan(changes.length);
    for (const change of changes) expect(change.text, 'the text says that frame\'s count').to.equal(announcement(change.count));
    for (let i = 1; i < changes.length; i++) {
      expect(changes[i].time - changes[i - 1].time, `gap before "${changes[i].text}"`).to.be.at.least(1490);
    }
    expect(mutations, 'the text is never rewritten with the same count').to.equal(changes.length);
  });
});
