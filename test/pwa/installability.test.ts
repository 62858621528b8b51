// (3) The manifest is linked, parses and has what installation needs; the page is cross-origin isolated by its
// headers; Chromium reports no installability errors. Its file_handlers and share_target are complete and in scope.
import { expect } from 'chai';
import { closeApp, command, evaluate, openApp, waitForControl } from './app-driver.ts';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

interface Manifest {
  scope: string;
  file_handlers: Array<{ action: string; accept: Record<string, string[]> }>;
  share_target: { action: string; method: string; enctype: string; params: { files: Array<{ name: string; accept: string[] }> } };
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

  it('opens photos and videos from the desktop and the share sheet (file_handlers, share_target), inside its scope', async () => {
    const { origin } = await openApp({ view: 'start' });
    const manifest = await evaluate<Manifest>("return (await fetch('manifest.webmanifest')).json()");
    const inScope = (url: string) => new URL(url, `${origin}/manifest.webmanifest`).href.startsWith(new URL(manifest.scope, `${origin}/`).href);
    const types = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'video/mp4', 'video/webm', 'video/quicktime'];
    const [handler] = manifest.file_handlers;
    expect(manifest.file_handlers).to.have.length(1);
    expect(inScope(handler!.action), 'file_handlers action in scope').to.equal(true);
    expect(Object.keys(handler!.accept)).to.deep.equal(types);
    for (const extensions of Object.values(handler!.accept)) expect(extensions.every((extension) => /^\.[a-z0-9]+$/.test(extension)), extensions.join()).to.equal(true);
    const target = manifest.share_target;
    expect(inScope(target.action), 'share_target action in scope').to.equal(true);
    expect([target.method, target.enctype, target.params.files.length]).to.deep.equal(['POST', 'multipart/form-data', 1]);
    expect(target.params.files[0]!.accept).to.include.members(types);
  });
});
