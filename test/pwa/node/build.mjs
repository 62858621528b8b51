// Production builds for the PWA tests: `npm run build` makes dist-app/ before the tests (see package.json's
// pretest); the update test makes two more, with different versions, in the git-ignored .cache/.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
export const distDir = resolve(root, 'dist-app');

/** Builds the app with version `version` into .cache/pwa-builds/<version>/ and returns that folder. */
export function buildVersion(version) {
  const outDir = resolve(root, '.cache/pwa-builds', version);
  const vite = resolve(root, 'node_modules/vite/bin/vite.js');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: root,
      env: { ...process.env, BLAZE_FACE_APP_VERSION: version },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (data) => (errors += data));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise(outDir) : reject(new Error(`vite build failed (${code}): ${errors}`))));
  });
}
