// "Save all to a folder…" in the gallery, on the production build, in Chromium (the only test browser with
// showDirectoryPicker): the folder chosen is one of the origin's private file system (the picker's dialog cannot be
// answered from a test), already holding a file of the export's name, which is kept. The file saved has its faces
// hidden, which its pixels say; axe-core checks the gallery with the button.
import { expect } from 'chai';
import { FaceDetector } from '../../model/face-detector.ts';
import { axeViolations, closeApp, command, evaluate, openApp, waitFor } from './app-driver.ts';

describe('PWA gallery: save to a folder', function () {
  this.timeout(240000);
  after(closeApp);

  it('writes the redacted photos into the folder chosen, beside what is there', async function () {
    await openApp({ view: 'start' });
    if (!(await evaluate<boolean>("return 'showDirectoryPicker' in window"))) {
      expect(await evaluate<boolean>("return document.getElementById('gallery-folder').hidden"), 'the button without a folder picker').to.equal(true);
      this.skip();
    }
    await command('pwa-click', { selector: '#open-gallery' });
    await command('pwa-upload', { selector: '#gallery-files', files: ['test/fixtures/seed/3faces.png'] });
    await waitFor("document.querySelectorAll('#gallery-photos li').length === 1 && document.getElementById('gallery-photos').getAttribute('aria-busy') === 'false'");
    expect(await axeViolations(), 'axe on the gallery').to.deep.equal([]);

    await evaluate(`
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('exports', { create: true });
      const earlier = await (await folder.getFileHandle('3faces-blurred.png', { create: true })).createWritable();
      await earlier.write('kept');
      await earlier.close();
      window.showDirectoryPicker = async ({ mode }) => (mode === 'readwrite' ? folder : undefined);`);
    await command('pwa-click', { selector: '#gallery-folder' });
    await waitFor("document.getElementById('gallery-status').textContent.startsWith('Saved in')");
    expect(await evaluate<string>("return document.getElementById('gallery-status').textContent")).to.equal('Saved in exports: 3faces-blurred (2).png.');

    const saved = await evaluate<Record<string, string>>(`
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('exports');
      const files = {};
      for await (const [name, handle] of folder.entries()) {
        const file = await handle.getFile();
        files[name] = await new Promise((resolve) => {
          const reader = new FileReader();
          reader.onload = () => resolve(reader.result);
          reader.readAsDataURL(file);
        });
      }
      return files;`);
    expect(Object.keys(saved).sort()).to.deep.equal(['3faces-blurred (2).png', '3faces-blurred.png']);
    expect(await (await fetch(saved['3faces-blurred.png']!)).text(), 'the file that was there').to.equal('kept');

    const picture = await createImageBitmap(await (await fetch(saved['3faces-blurred (2).png']!)).blob());
    expect([picture.width, picture.height]).to.deep.equal([128, 128]);
    const full = await FaceDetector.create({ model: 'full', context: { engine: 'wasm' } });
    const original = await createImageBitmap(await (await fetch('/test/fixtures/seed/3faces.png')).blob());
    try {
      expect((await full.detect(original, { settings: { minScore: 0.5 } })).length, 'faces in the photo').to.be.greaterThan(0);
      expect(await full.detect(picture, { settings: { minScore: 0.5 } }), 'faces left in the saved photo').to.deep.equal([]);
    } finally {
      full.dispose();
      picture.close();
      original.close();
    }
  });
});
