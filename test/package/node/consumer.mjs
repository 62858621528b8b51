// A consumer of the published package, made the way a new user makes one: `npm pack` in this repository,
// then a project in a temporary folder *outside* it that installs the tarball and nothing of ours besides.
// The project has a plain page at a nested path that loads the drop-in script, and a Vite app that imports
// 'blaze-face' (served by Vite's dev server, and built with `vite build`).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
export const consumerImage = 'test/fixtures/seed/1face.png';

/** The element as each page shows it: the seed photo, the short model, as FaceDetector would run it. */
const element = '<blaze-face src="./1face.png" model="short"></blaze-face>';

function page(title, script, elements = 1) {
  const body = Array.from({ length: elements }, () => element).join('\n');
  return `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title>\n${script}\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
}

/** Packs the package and makes the consumer project; resolves with its folder and the tarball's size. */
export async function prepareConsumer() {
  const dir = mkdtempSync(join(tmpdir(), 'blaze-face-consumer-'));
  const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  const tarball = join(dir, packed.filename);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'blaze-face-consumer', private: true, type: 'module' }, null, 2));
  // The npm cache already holds the dependencies (lit, TensorFlow.js) from this repository's own install.
  await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });

  // (a, b) A plain page two folders down, loading the drop-in by a script tag and nothing else.
  const nested = join(dir, 'deep/nested');
  mkdirSync(nested, { recursive: true });
  const dropIn = '/node_modules/blaze-face/dist/blaze-face.js';
  writeFileSync(join(nested, 'page.html'), page('drop-in', `<script type="module" src="${dropIn}"></script>`));
  // The drop-in loaded twice (two copies: another URL is another module) and two elements.
  const twice = `<script type="module" src="${dropIn}"></script>\n<script type="module" src="${dropIn}?copy=2"></script>`;
  writeFileSync(join(nested, 'twice.html'), page('drop-in twice', twice, 2));
  copyFileSync(join(root, consumerImage), join(nested, '1face.png'));

  // A site has a favicon; without one, the browser's own request for it would be the one 404.
  copyFileSync(join(root, 'public/icons/icon-192.png'), join(dir, 'favicon.ico'));

  // (c) A Vite app importing the package by name.
  writeFileSync(join(dir, 'index.html'), page('vite app', '<script type="module" src="./main.js"></script>'));
  writeFileSync(join(dir, 'main.js'), "import 'blaze-face';\n");
  mkdirSync(join(dir, 'public'));
  copyFileSync(join(root, consumerImage), join(dir, 'public/1face.png'));
  copyFileSync(join(root, 'public/icons/icon-192.png'), join(dir, 'public/favicon.ico'));
  const vite = await import(join(root, 'node_modules/vite/dist/node/index.js'));
  await vite.build({ root: dir, configFile: false, logLevel: 'warn', build: { outDir: join(dir, 'vite-dist') } });

  return { dir, tarball, tarballBytes: packed.size, unpackedBytes: packed.unpackedSize, files: packed.entryCount, vite };
}
