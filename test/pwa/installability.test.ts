// (3) The manifest is linked, parses and has what installation needs; the page is cross-origin isolated by its
// headers; Chromium reports no installability errors.
import { expect } from 'chai';
import { closeApp, command, evaluate, openApp, waitForControl } from './app-driver.ts';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

describe('PWA installability', function () {
  this.timeout(120000);
  after(closeApp);

  it("links a complete manifest, sends the isolation headers and is installable (Chromium's own verdict, through DevTools)", async () => {
    const opened = await openApp({ incognito: false });
    expect(opened.status).to.equal(200);
    expect(opened.headers?.['cross-origin-opener-policy']).to.equal('same-origin');
    expect(opened.headers?.['cross-origin-embedder-policy']).to.equal('require-corp');
    expect(opened.headers?.['cross-origin-resource-policy']).to.equal('same-origin');

    const href = await evaluate<string | null>("return document.querySelector('link[rel=manifest]')?.href ?? null");
    expect(href).to.equal(`${opened.origin}/manifest.webmanifest`);
    const manifest = await evaluate<Record<string, unknown> & { icons: ManifestIcon[] }>(
      `return (await fetch(${JSON.stringify(href)})).json()`,
    );
    for (const field of ['name', 'short_name', 'start_url', 'scope', 'theme_color', 'background_color', 'description']) {
      expect(manifest[field], field).to.be.a('string').and.not.equal('');
    }
    expect(manifest.display).to.equal('standalone');
    const sizes = (purpose: string) => manifest.icons.filter((icon) => (icon.purpose ?? 'any').split(' ').includes(purpose)).map((icon) => icon.sizes);
    expect(sizes('any')).to.include.members(['192x192', '512x512']);
    expect(sizes('maskable')).to.have.length.greaterThan(0);
    const iconsLoad = await evaluate<boolean[]>(`
      return Promise.all(${JSON.stringify(manifest.icons.map((icon) => icon.src))}.map(async (src) => {
        const response = await fetch(src);
        return response.ok && response.headers.get('content-type') === 'image/png';
      }));`);
    expect(iconsLoad).to.deep.equal(manifest.icons.map(() => true));

    await waitForControl();
    const report = await command<{ installabilityErrors: unknown[]; manifestErrors: unknown[] }>('pwa-installability');
    expect(report.manifestErrors).to.deep.equal([]);
    expect(report.installabilityErrors).to.deep.equal([]);
  });
});
