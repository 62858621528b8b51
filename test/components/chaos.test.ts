// The seeded chaos run in the suite (test/helpers/chaos.ts says what it does and checks), short enough for CI:
// seeds 1 to 4, 25 steps each, in every browser (the camera steps where the browser has the synthetic camera, the
// hidden page where the server can hide it).
// `npm run chaos -- --seed N --steps M` (tools/chaos/run.mjs) runs this file for one seed and any number of steps
// instead, as the server's chaos-options command tells it; a failure names its seed and steps to replay.
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { FaceDetector } from '../../model/face-detector.ts';
import { runChaos, type ChaosReport } from '../helpers/chaos.ts';
import { expectSameFaces, photo } from '../helpers/element-harness.ts';
import { loadImageData } from '../helpers/fixtures.ts';
import { testBrowser } from '../helpers/test-browser.ts';

interface ChaosRequest {
  seed: number;
  steps: number;
}

const requested = await executeServerCommand<ChaosRequest | false, undefined>('chaos-options');
const runs: ChaosRequest[] = requested ? [requested] : [1, 2, 3, 4].map((seed) => ({ seed, steps: 25 }));

describe('<blaze-face> chaos', function () {
  let expected: Awaited<ReturnType<FaceDetector['detect']>>;

  before(async () => {
    const reference = await FaceDetector.create({ context: { engine: 'wasm' } });
    expected = await reference.detect(await loadImageData(photo));
    reference.dispose();
  });

  for (const { seed, steps } of runs) {
    it(`seed ${seed}, ${steps} steps: every state within its deadline, workers bounded, only typed errors, the camera released; the photo's faces at the end`, async function () {
      // A step settles within start-timeout and two frame deadlines at the most (chaos.ts); most take well under a second.
      this.timeout(Math.max(120000, steps * 30000));
      const started = performance.now();
      const report: ChaosReport = await runChaos({
        seed, steps, camera: testBrowser.fakeCamera,
        // The native-WebNN Chromium (a build for serverless machines) keeps its page visible behind another tab.
        hiddenPage: testBrowser.name !== 'chromium-native',
        // A long run says where it is every 100 steps.
        ...(requested ? { log: (step: number, line: string) => step % 100 === 0 && console.log(line) } : {}),
      });
      console.log(`chaos seed ${seed}: ${steps} steps in ${((performance.now() - started) / 1000).toFixed(1)} s; by kind ${JSON.stringify(report.counts)}`);
      expect(expected.length, "the photo's faces").to.be.greaterThan(0);
      // The element runs native WebNN where it works, whose float results differ from the polyfill's in the last digits.
      expectSameFaces(report.finalFaces, expected, testBrowser.nativeWebNN ? 0.02 : 1e-6);
    });
  }
});
