// `npm run soak -- [--frames 10000] [--switch-every 2000] [--browser native]`: drives `frames` frames through
// <blaze-face>'s default path (a canvas stream into its worker, faces in and out of view, the model switching
// between short and full every `switch-every` frames) in headless Chromium, and prints the engine's tensors and
// bytes and the JS heap (page and detector worker) sampled before each switch and at the end. Exits with status 1 if any
// of them grew by more than 5 % over the run (or a window found no face): each sample is compared with the first one of the same model,
// taken once that model's first window (its warm-up) has run. A script, not a timed test.
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { startBenchServer } from '../../bench/server.mjs';
import { nativeChromiumArgs, nativeChromiumPath } from '../native-chromium.mjs';

const { values: options } = parseArgs({
  options: {
    frames: { type: 'string', default: '10000' },
    'switch-every': { type: 'string', default: '2000' },
    browser: { type: 'string', default: 'polyfill' },
  },
});
const frames = Number(options.frames);
const switchEvery = Number(options['switch-every']);
const GROWTH_LIMIT = 0.05;

const commonArgs = [
  '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync',
];
const executablePath = options.browser === 'native' ? await nativeChromiumPath() : process.env.CHROME_PATH ?? '/usr/bin/chromium';
const args = options.browser === 'native' ? [...commonArgs, ...nativeChromiumArgs] : [...commonArgs, '--disable-gpu'];

const started = Date.now();
const server = await startBenchServer();
// No protocol timeout: the soak is one evaluate() that runs for minutes; the page logs its progress.
const browser = await puppeteer.launch({ executablePath, headless: true, args, protocolTimeout: 0 });
let samples;
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  page.on('console', (message) => console.log(`  ${message.text()}`));
  // The used JS heap of the page and of the detector's worker (named "blaze-face …"), each after a collection.
  const pageSession = await page.createCDPSession();
  await page.exposeFunction('soakHeapBytes', async () => {
    const workers = page.workers().filter((worker) => worker.client.target()._getTargetInfo().title.startsWith('blaze-face'));
    let bytes = 0;
    for (const session of [pageSession, ...workers.map((worker) => worker.client)]) {
      await session.send('HeapProfiler.collectGarbage');
      bytes += (await session.send('Runtime.getHeapUsage')).usedSize;
    }
    return bytes;
  });
  await page.goto(`${server.url}/tools/soak/page.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.soakReady === true, { timeout: 120000 });
  samples = await page.evaluate(
    (soakOptions) => window.soak(soakOptions),
    { frames, switchEvery, models: ['short', 'full'], facesInView: 90, facesOutOfView: 30 },
  );
} finally {
  await browser.close();
  await server.stop();
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(2);
console.log(`Soak: ${frames} frames, model switch every ${switchEvery}, ${options.browser} browser, ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.table(samples.map((s) => ({
  frame: s.frame, model: s.model, 'engine tensors': s.tensors, 'engine MB': mb(s.engineBytes),
  'JS heap MB': mb(s.heapBytes), 'fps (window)': s.fps.toFixed(1), 'frames with faces (window)': s.framesWithFaces,
})));
console.log(`JS heap: ${samples[0]?.heapSource === 'devtools' ? 'the page and the detector worker, used after a collection (DevTools Runtime.getHeapUsage)' : 'performance.memory'}`);

const failures = samples.filter((s) => s.framesWithFaces === 0).map((s) => `no faces found in the window ending at frame ${s.frame}`);
const firstOfModel = new Map();
for (const sample of samples) {
  const first = firstOfModel.get(sample.model);
  if (!first) {
    firstOfModel.set(sample.model, sample);
    continue;
  }
  for (const [name, key] of [['engine tensors', 'tensors'], ['engine bytes', 'engineBytes'], ['JS heap', 'heapBytes']]) {
    // From zero (our engine keeps no tensors: its graph owns one arena), any growth at all is a leak.
    const growth = first[key] === 0 ? (sample[key] > 0 ? Infinity : 0) : (sample[key] - first[key]) / first[key];
    if (!(growth <= GROWTH_LIMIT)) failures.push(`${name} of ${sample.model} grew ${(growth * 100).toFixed(1)} % from frame ${first.frame} to ${sample.frame}`);
  }
}
if (failures.length > 0) {
  console.error(`Soak failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`No growth over ${GROWTH_LIMIT * 100} % after warm-up.`);
