// FaceCountAnnouncer on its own, with the clock given explicitly: what the live region says and when it may
// change. The element-level test (blaze-face.test.ts, "aria-live summary") checks the same rules on real frames.

import { expect } from 'chai';
import { FaceCountAnnouncer } from '../../components/announcer.ts';

describe('FaceCountAnnouncer', () => {
  let region: HTMLElement;
  let writes: number;
  let observer: MutationObserver;

  beforeEach(() => {
    region = document.createElement('div');
    writes = 0;
    observer = new MutationObserver((records) => (writes += records.length));
    observer.observe(region, { childList: true, characterData: true, subtree: true });
  });
  afterEach(() => observer.disconnect());

  /** The region's text and how many times it was written, once pending mutation records are delivered. */
  async function heard(): Promise<[string, number]> {
    await Promise.resolve();
    return [region.textContent ?? '', writes];
  }

  it('announces the first count at once, whatever the clock says', async () => {
    const announcer = new FaceCountAnnouncer(() => region);
    announcer.update(2, 10);
    expect(await heard()).to.deep.equal(['2 faces in view', 1]);
  });

  it('words one face and no faces', async () => {
    const announcer = new FaceCountAnnouncer(() => region, 100);
    announcer.update(1, 1000);
    expect(await heard()).to.deep.equal(['1 face in view', 1]);
    announcer.update(0, 2000);
    expect(await heard()).to.deep.equal(['No faces in view', 2]);
  });

  it('changes the text only when the count changes, and at most once per interval', async () => {
    const announcer = new FaceCountAnnouncer(() => region, 1500);
    announcer.update(2, 5000);
    announcer.update(2, 5050);
    expect(await heard(), 'same count, never rewritten').to.deep.equal(['2 faces in view', 1]);
    announcer.update(3, 5100);
    announcer.update(1, 6499);
    expect(await heard(), 'changes within 1.5 s of the last announcement wait').to.deep.equal(['2 faces in view', 1]);
    announcer.update(1, 6500);
    expect(await heard(), 'the count of the first frame after the interval').to.deep.equal(['1 face in view', 2]);
    announcer.update(2, 7000);
    announcer.update(1, 8000);
    expect(await heard(), 'back to the announced count: nothing to say').to.deep.equal(['1 face in view', 2]);
  });

  it('after reset() announces the next count at once, even an unchanged one', async () => {
    const announcer = new FaceCountAnnouncer(() => region, 1500);
    announcer.update(2, 5000);
    announcer.reset();
    announcer.update(2, 5100);
    expect(await heard()).to.deep.equal(['2 faces in view', 2]);
  });

  it('keeps a count for later while there is no region to speak in', async () => {
    let present: HTMLElement | null = null;
    const announcer = new FaceCountAnnouncer(() => present, 1500);
    announcer.update(2, 5000);
    present = region;
    announcer.update(2, 5100);
    expect(await heard()).to.deep.equal(['2 faces in view', 1]);
  });
});
