// `npm run chaos -- [--seed N] [--steps M] [--browser chromium-polyfill|chromium-native|firefox-esr|webkit]`: the
// seeded chaos run of <blaze-face> (test/helpers/chaos.ts says what it does and checks), M steps (1000 by default)
// from seed N (drawn and printed when not given), in one browser of web-test-runner.config.mjs (Debian's Chromium
// by default). It runs test/components/chaos.test.ts, which the server's chaos-options command tells the seed and
// steps; a failure prints the seed and the step list, and the same --seed and --steps replay it. Exits as the
// test runner does (1 on a failure).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const browsers = ['chromium-polyfill', 'chromium-native', 'firefox-esr', 'webkit'];
const { values: options } = parseArgs({
  options: {
    seed: { type: 'string' },
    steps: { type: 'string', default: '1000' },
    browser: { type: 'string', default: 'chromium-polyfill' },
  },
});
const seed = options.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(options.seed);
const steps = Number(options.steps);
if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a whole number of 0 or more, got ${options.seed}`);
if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a whole number of 1 or more, got ${options.steps}`);
if (!browsers.includes(options.browser)) throw new Error(`--browser must be one of ${browsers.join(', ')}, got ${options.browser}`);

console.log(`chaos: seed ${seed}, ${steps} steps, ${options.browser} (replay: npm run chaos -- --seed ${seed} --steps ${steps} --browser ${options.browser})`);
// The first browser of the config is the runner's top-level group, `default`.
const group = options.browser === browsers[0] ? 'default' : options.browser;
const runner = spawn('npx', ['web-test-runner', 'test/components/chaos.test.ts', '--group', group], {
  cwd: resolve(import.meta.dirname, '../..'),
  stdio: 'inherit',
  // A step settles within 30 s at the most (chaos.ts): the runner's own limit on a test file is raised to match.
  env: { ...process.env, CHAOS_SEED: String(seed), CHAOS_STEPS: String(steps), TESTS_FINISH_TIMEOUT_MS: String(Math.max(600000, steps * 30000)) },
});
runner.on('exit', (code) => process.exit(code ?? 1));
