// (4) The app in light and dark mode, on a desktop and a phone screen, with detections drawn on the sample
// photo, its first screen, its gallery with three photos redacted, and a video being redacted (its progress, time
// left and Cancel): saved to test-results/screenshots/ (git-ignored) for people to look at; with
// `npm run screenshots`, those the docs show go to docs/images/.
import { expect } from 'chai';
import { closeUp } from '../helpers/synthetic-faces.ts';
import { canMakeVideos, makeVideo } from '../helpers/walking-faces-video.ts';
import { closeApp, command, detectionDone, evaluate, openApp, openInGallery, waitFor } from './app-driver.ts';

const shots = [
  { name: 'app-light-desktop', colorScheme: 'light', width: 1000, height: 760, docs: true },
  { name: 'app-dark-desktop', colorScheme: 'dark', width: 1000, height: 760, docs: false },
  { name: 'app-dark-phone', colorScheme: 'dark', width: 390, height: 780, docs: false },
] as const;

/** The gallery test's photos: the seed's three faces and two of face-api's samples. */
const galleryPhotos = ['test/fixtures/seed/3faces.png', 'node_modules/@vladmandic/face-api/demo/sample1.jpg', 'node_modules/@vladmandic/face-api/demo/sample4.jpg'];

describe('PWA screenshots', function () {
  this.timeout(240000);
  after(closeApp);

  for (const shot of shots) {
    it(`${shot.name} (Chromium: the colour scheme emulated through DevTools)`, async () => {
      await openApp(shot);
      const result = await detectionDone();
      expect(result.faces, 'the three people of the sample photo').to.equal(3);
      const path = await command<string>('pwa-screenshot', { name: shot.name, docs: shot.docs });
      expect(path).to.match(/\.(png|jpg)$/);
    });
  }

  it('first-screen and gallery (three photos, their faces blurred)', async () => {
    await openApp({ view: 'start', colorScheme: 'light', width: 1000, height: 760 });
    expect(await command<string>('pwa-screenshot', { name: 'first-screen', docs: true })).to.match(/\.(png|jpg)$/);
    await command('pwa-click', { selector: '#open-gallery' });
    await command('pwa-upload', { selector: '#gallery-files', files: galleryPhotos });
    await waitFor(`document.querySelectorAll('#gallery-photos li').length === 3 && document.getElementById('gallery-photos').getAttribute('aria-busy') === 'false'`);
    expect(await evaluate<string>("return document.getElementById('gallery-status').textContent")).to.match(/^3 photos, \d+ faces found and hidden\.$/);
    expect(await command<string>('pwa-screenshot', { name: 'gallery', docs: true })).to.match(/\.(png|jpg)$/);
  });

  it('video-progress (a video being redacted: progress, time left, Cancel)', async function () {
    if (!(await canMakeVideos())) this.skip();
    // 20 s of video: long enough that the screenshot catches it mid-way.
    const video = await makeVideo((await closeUp('1face.png', 0, 100)).tile, 600);
    await openApp({ view: 'start', colorScheme: 'light', width: 1000, height: 760 });
    await command('pwa-click', { selector: '#open-gallery' });
    await openInGallery(video, 'walk.webm', 'video/webm');
    await waitFor("document.getElementById('video-progress').value > 0.1 && /left/.test(document.getElementById('video-status').textContent)");
    expect(await command<string>('pwa-screenshot', { name: 'video-progress', docs: true })).to.match(/\.(png|jpg)$/);
    await command('pwa-click', { selector: '#video-cancel' });
    await waitFor('document.getElementById("video").getAttribute("aria-busy") === "false"', 20000);
  });
});
