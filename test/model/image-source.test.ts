// Sources with no pixels to read (empty, still loading, closed, or not an image at all) refused with an
// InvalidImageError whose reason says which, before any work.

import { expect } from 'chai';
import { InvalidImageError, type InvalidImageReason } from '../../model/errors.ts';
import { imageToTensor } from '../../model/image-to-tensor.ts';
import type { ImageSource } from '../../model/image-source.ts';
import { seedFixtures as fixtures } from '../helpers/fixtures.ts';

describe('image sources', () => {
  it('rejects empty, unloaded, closed and unsupported sources with a typed error', async () => {
    const reasonOf = (source: unknown): InvalidImageReason | undefined => {
      try {
        imageToTensor(source as ImageSource, 128);
      } catch (error) {
        expect(error).to.be.instanceOf(InvalidImageError);
        expect((error as Error).message).to.be.a('string').and.not.be.empty;
        return (error as InvalidImageError).reason;
      }
      return undefined;
    };
    const emptyCanvas = document.createElement('canvas');
    emptyCanvas.width = 0;
    expect(reasonOf(emptyCanvas)).to.equal('empty');
    expect(reasonOf(new OffscreenCanvas(5, 0))).to.equal('empty');
    expect(reasonOf(new Image())).to.equal('not-loaded'); // no src
    const loading = new Image();
    loading.src = `${fixtures}3faces.png?loading=${Date.now()}`;
    expect(reasonOf(loading)).to.equal('not-loaded');
    expect(reasonOf(document.createElement('video'))).to.equal('not-loaded');
    const bitmap = await createImageBitmap(new ImageData(4, 4));
    const frame = new VideoFrame(bitmap, { timestamp: 0 });
    frame.close();
    expect(reasonOf(frame)).to.equal('closed');
    bitmap.close();
    expect(reasonOf(bitmap)).to.equal('closed');
    expect(reasonOf({ width: 10, height: 10 })).to.equal('unsupported');
    expect(reasonOf(null)).to.equal('unsupported');
  });
});
