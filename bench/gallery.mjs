// Bench: the app's photo gallery (pwa/gallery.ts) given 20 photos of 12 MP at once, as a person dropping a
// camera's day out would: the time from the files given to every photo shown with its faces hidden, and the
// browser's peak memory meanwhile (all its processes' resident memory, read from /proc, over what it held before).
// The production build, served as the tests serve it; the photos are made in the page from the app's sample
// photo, each drawn a little differently, and encoded as JPEG there.
import { readFileSync, readdirSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { buildVersion } from '../test/pwa/node/build.mjs';
import { startStaticServer } from '../test/pwa/node/static-server.mjs';

const PHOTOS = 20;
const [WIDTH, HEIGHT] = [4000, 3000];
/** How often the browser's memory is sampled (ms). */
const MEMORY_SAMPLE_MS = 100;

/** The resident memory of `pid` and all its descendants, in bytes (Linux). */
function treeResidentBytes(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent is the 4th field, after the command in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while being read.
    }
  }
  let bytes = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop();
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${current}/status`, 'utf8'));
      if (rss) bytes += Number(rss[1]) * 1024;
    } catch {
      // Ended meanwhile.
    }
    pending.push(...(children.get(current) ?? []));
  }
  return bytes;
}

/**
 * Opens the built app in a fresh Chromium (`launchOptions`), gives its gallery PHOTOS photos of WIDTH×HEIGHT and
 * measures until all are shown redacted.
 */
export async function measureGallery(launchOptions) {
  const dist = await buildVersion('bench-gallery');
  const server = await startStaticServer(dist);
  const browser = await puppeteer.launch({ headless: true, ...launchOptions });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/#gallery`, { waitUntil: 'load' });
    const made = await page.evaluate(async (count, width, height) => {
      // The service worker's precache (every model and engine) downloaded first, not during the measurement.
      await navigator.serviceWorker.ready;
      const sample = await createImageBitmap(await (await fetch('samples/sample.jpg')).blob());
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d');
      const files = [];
      for (let index = 0; index < count; index++) {
        // The sample filling the photo, shifted a little each time, so that no two photos are alike.
        const scale = Math.max(width / sample.width, height / sample.height) * (1 + index / (4 * count));
        context.drawImage(sample, -index * 7, -index * 5, sample.width * scale, sample.height * scale);
        files.push(new File([await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })], `photo-${index + 1}.jpg`, { type: 'image/jpeg' }));
      }
      window.benchFiles = files;
      return { bytes: files.reduce((sum, file) => sum + file.size, 0) };
    }, PHOTOS, WIDTH, HEIGHT);
    const pid = browser.process().pid;
    const before = treeResidentBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, treeResidentBytes(pid))), MEMORY_SAMPLE_MS);
    const result = await page.evaluate(async (count) => {
      const input = document.getElementById('gallery-files');
      const transfer = new DataTransfer();
      for (const file of window.benchFiles) transfer.items.add(file);
      delete window.benchFiles;
      input.files = transfer.files;
      const started = performance.now();
      input.dispatchEvent(new Event('change'));
      const list = document.getElementById('gallery-photos');
      await new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`${list.children.length} of ${count} photos shown in 10 minutes`)), 600000);
        const check = setInterval(() => {
          if (list.children.length === count && list.getAttribute('aria-busy') === 'false') {
            clearInterval(check);
            clearTimeout(deadline);
            resolve();
          }
        }, 20);
      });
      return { ms: performance.now() - started, status: document.getElementById('gallery-status').textContent };
    }, PHOTOS);
    clearInterval(sampler);
    peak = Math.max(peak, treeResidentBytes(pid));
    return { photos: PHOTOS, width: WIDTH, height: HEIGHT, inputBytes: made.bytes, ms: result.ms, status: result.status, peakBytes: peak - before, baselineBytes: before };
  } finally {
    await browser.close();
    await server.stop();
  }
}
