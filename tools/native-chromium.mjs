// The Chromium with a working native WebNN (LiteRT on XNNPACK): @sparticuz/chromium ships it brotli-packed
// in node_modules. Unpacked once into .native-chromium/<version>/ inside the repository (git-ignored), never
// into a shared temporary folder. The package unpacks into os.tmpdir(), so TMPDIR points there while it runs.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageJson = join(root, 'node_modules/@sparticuz/chromium/package.json');

/** Flags for that binary: headless, no GPU (its GPU accelerator cannot load here), WebNN exposed. */
export const nativeChromiumArgs = ['--disable-gpu', '--enable-features=WebMachineLearningNeuralNetwork'];

/** Path of the unpacked binary, unpacking it first if needed. */
export async function nativeChromiumPath() {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8'));
  const folder = join(root, '.native-chromium', version);
  const binary = join(folder, 'chromium');
  if (existsSync(binary)) return binary;
  // Unpack next to the final folder and rename at the end, so an interrupted unpack is never mistaken for a whole one.
  const partial = `${folder}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = partial;
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    await chromium.executablePath();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
  renameSync(partial, folder);
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await nativeChromiumPath());
