// (4) The app in light and dark mode, on a desktop and a phone screen, with detections drawn on the sample
// photo: saved to test-results/screenshots/ (git-ignored) for people to look at.
import { expect } from 'chai';
import { closeApp, command, detectionDone, openApp } from './app-driver.ts';

const shots = [
  { name: 'app-light-desktop', colorScheme: 'light', width: 1000, height: 760 },
  { name: 'app-dark-desktop', colorScheme: 'dark', width: 1000, height: 760 },
  { name: 'app-dark-phone', colorScheme: 'dark', width: 390, height: 780 },
] as const;

describe('PWA screenshots', function () {
  this.timeout(240000);
  after(closeApp);

  for (const shot of shots) {
    it(`${shot.name} (Chromium: the colour scheme emulated through DevTools)`, async () => {
      await openApp(shot);
      const result = await detectionDone();
      expect(result.faces, 'the three people of the sample photo').to.equal(3);
      const path = await command<string>('pwa-screenshot', { name: shot.name });
      expect(path).to.match(/\.png$/);
    });
  }
});
