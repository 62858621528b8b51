// The bench page: runs our FaceDetector and MediaPipe Tasks' FaceDetector on the same decoded ImageData in
// one page and exposes the measurements to bench/run.mjs as window.bench. Both libraries are imported
// lazily so that a fresh page can measure one library's cold start and download bytes alone.

import type { FaceDetector as OurDetector, WorkerFaceDetector } from '../model/index.ts';
import type { MediaPipeDetector, MediaPipeModel } from '../test/helpers/mediapipe.ts';
import type { PolyfillEngine } from '../webnn/types.ts';

/** The engines that compute on the CPU, whose rows also run the detector in its Worker as the element does. */
const CPU_ENGINES: readonly PolyfillEngine[] = ['wasm', 'tfjs-wasm', 'cpu'];

type Model = MediaPipeModel;
type InputName = 'seed128' | 'img192' | 'img512' | 'photos';

// Unbundled dev serving loads hundreds of modules; keep every one in resource timing for the byte counts.
performance.setResourceTimingBufferSize(100000);

const SEED = ['1face.png', '3faces.png', '4faces.png'].map((f) => `/test/fixtures/seed/${f}`);
const PHOTOS = [1, 2, 3, 4, 5, 6].map((i) => `/node_modules/@vladmandic/face-api/demo/sample${i}.jpg`);

async function decode(url: string): Promise<ImageBitmap> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return createImageBitmap(await response.blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
}

/** Draws (a region of) a bitmap into a w×h canvas and returns its pixels. */
function pixels(bitmap: ImageBitmap, w: number, h: number, sx = 0, sy = 0, sw = bitmap.width, sh = bitmap.height): ImageData {
  const canvas = new OffscreenCanvas(w, h);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, sx, sy, sw, sh, 0, 0, w, h);
  return context.getImageData(0, 0, w, h);
}

const inputs = new Map<InputName, ImageData[]>();
let videoSource: ImageBitmap | undefined;

async function loadInputs(): Promise<void> {
  if (inputs.size) return;
  const seed = await Promise.all(SEED.map(decode));
  inputs.set('seed128', seed.map((b) => pixels(b, b.width, b.height)));
  const photos = await Promise.all(PHOTOS.map(decode));
  inputs.set('photos', photos.map((b) => pixels(b, b.width, b.height)));
  // A square centre crop of the first photo (its faces sit in the middle), resized.
  const p = photos[0]!;
  const side = Math.min(p.width, p.height);
  const crop = (size: number) => pixels(p, size, size, (p.width - side) / 2, (p.height - side) / 2, side, side);
  inputs.set('img512', [crop(512)]);
  inputs.set('img192', [crop(192)]);
  videoSource = photos[1];
}

/** Frame i of the 640×480 "video": a window panning left to right and back across one photo at 1:1. */
function videoFrame(i: number, frames: number): ImageData {
  const b = videoSource!;
  const t = (i / (frames - 1)) * 2;
  const f = t <= 1 ? t : 2 - t;
  return pixels(b, 640, 480, Math.round(f * (b.width - 640)), Math.round(((b.height - 480) * i) / frames), 640, 480);
}

// ---------------------------------------------------------------------------------------------------------
// Detectors

const ours = new Map<Model, OurDetector>();
/** What <blaze-face> runs by default: the detector in a Worker (the row's CPU engine). */
const oursInWorker = new Map<Model, WorkerFaceDetector>();
const theirs = new Map<string, MediaPipeDetector>();
/** Ours on the browser's native WebNN, timed in the same pairs as the wasm one, where native WebNN works. */
const oursNative = new Map<Model, OurDetector>();
let engineName = '';

async function setup(options: { engine: PolyfillEngine; threads?: number; models: Model[]; native?: boolean; load?: boolean }): Promise<Record<string, unknown>> {
  await loadInputs();
  // Before the detectors exist, so that the wasm engine measures its thread count on the loaded machine.
  if (options.load) await startLoad();
  const webnn = await import('../webnn/index.ts');
  if (options.threads !== undefined) webnn.configurePolyfill({ wasmThreads: options.threads });
  const { FaceDetector, WorkerFaceDetector } = await import('../model/index.ts');
  const mp = await import('../test/helpers/mediapipe.ts');
  for (const model of options.models) {
    ours.set(model, await FaceDetector.create({ model, context: { engine: options.engine } }));
    if (CPU_ENGINES.includes(options.engine) && options.threads === undefined) {
      oursInWorker.set(model, await WorkerFaceDetector.create({ model, context: { engine: options.engine } }));
    }
    if (options.native) oursNative.set(model, await FaceDetector.create({ model, context: { engine: 'native' } }));
    theirs.set(`${model}/IMAGE`, await mp.createMediaPipeDetector(model));
    theirs.set(`${model}/VIDEO`, await mp.createMediaPipeDetector(model, { runningMode: 'VIDEO' }));
  }
  engineName = options.engine;
  // A wasm engine settles its thread count over the first frames of its first graph (webnn/polyfill/wasm-threads.ts):
  // those frames run here, before anything is timed.
  const seed = inputs.get('seed128')![0]!;
  for (const detector of [...ours.values(), ...oursInWorker.values()]) {
    for (let i = 0; i < 50; i++) await detector.detect(seed);
  }
  const detector = ours.values().next().value!;
  const tfjsWasm = detector.backend.engine === 'tfjs-wasm';
  const threads = tfjsWasm ? (await import('../webnn/polyfill/index.ts')).wasmThreads() : undefined;
  // What tfjs itself decided about this page: it only loads the threaded binary when both checks pass.
  const tf = tfjsWasm ? await import('@tensorflow/tfjs-core') : undefined;
  const support = tf
    ? { simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') }
    : undefined;
  // Which build of our engine runs: relaxed SIMD (fused multiply-add) where the browser validates it.
  const engineBuild = detector.backend.engine === 'wasm' ? (await (await import('../webnn/polyfill/wasm/module.ts')).engineModule()).build : undefined;
  const native = oursNative.values().next().value?.backend;
  const worker = oursInWorker.values().next().value?.backend;
  return {
    backend: detector.backend, ...(worker ? { workerBackend: worker } : {}), ...(native ? { nativeBackend: native } : {}),
    wasmThreads: threads, tfjsWasmSupport: support, engineBuild, crossOriginIsolated, loaded: options.load === true,
  };
}

async function info(): Promise<Record<string, unknown>> {
  let nativeWebNN = 'navigator.ml missing';
  const ml = (navigator as Navigator & { ml?: { createContext(): Promise<{ destroy?(): void }> } }).ml;
  if (ml) {
    try {
      (await ml.createContext()).destroy?.();
      nativeWebNN = 'available';
    } catch (error) {
      nativeWebNN = `navigator.ml present, createContext rejects: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated, nativeWebNN };
}

// ---------------------------------------------------------------------------------------------------------
// Interleaved timing

interface Series {
  ours: number[];
  theirs: number[];
  /** ours/theirs per pair. */
  ratios: number[];
  facesOurs: number[];
  facesTheirs: number[];
  /** Ours on native WebNN in the same pairs (empty without it), and its ratio to MediaPipe per pair. */
  native: number[];
  nativeRatios: number[];
}

function emptySeries(): Series {
  return { ours: [], theirs: [], ratios: [], facesOurs: [], facesTheirs: [], native: [], nativeRatios: [] };
}

async function timeOurs(model: Model, image: ImageData | VideoFrame, inWorker = false, native = false): Promise<[number, number]> {
  const detector = native ? oursNative.get(model)! : inWorker ? oursInWorker.get(model)! : ours.get(model)!;
  const t0 = performance.now();
  const faces = await detector.detect(image);
  return [performance.now() - t0, faces.length];
}

function timeTheirs(detector: MediaPipeDetector, image: ImageData, timestamp?: number): [number, number] {
  const t0 = performance.now();
  const faces = timestamp === undefined ? detector.detect(image) : detector.detectForVideo(image, timestamp);
  return [performance.now() - t0, faces.length];
}

async function pairs(options: { model: Model; input: InputName; warmup: number; count: number }): Promise<Series> {
  const images = inputs.get(options.input)!;
  const mp = theirs.get(`${options.model}/IMAGE`)!;
  const series = emptySeries();
  const withNative = oursNative.has(options.model);
  for (let i = 0; i < options.warmup + options.count; i++) {
    const image = images[i % images.length]!;
    // Alternate which library goes first, so neither always runs on caches the other just warmed.
    let a: [number, number];
    let b: [number, number];
    if (i % 2 === 0) {
      a = await timeOurs(options.model, image);
      b = timeTheirs(mp, image);
    } else {
      b = timeTheirs(mp, image);
      a = await timeOurs(options.model, image);
    }
    // Native WebNN, where it works, in the same round, after the other two.
    const c = withNative ? await timeOurs(options.model, image, false, true) : undefined;
    if (i < options.warmup) continue;
    record(series, a, b);
    if (c) {
      series.native.push(c[0]);
      series.nativeRatios.push(c[0] / b[0]);
    }
  }
  return series;
}

/**
 * What the element's photo path costs over the network's own: the same source detected by the in-page
 * FaceDetector and by the WorkerFaceDetector the element runs, alternating. Sources as a page has them: a
 * 1920-pixel photo as an <img>, and a 640×480 canvas.
 */
async function photoPath(options: { model: Model; warmup: number; count: number }): Promise<Record<string, { page: number[]; worker: number[] }>> {
  const inPage = ours.get(options.model)!;
  const inWorker = oursInWorker.get(options.model)!;
  const image = new Image();
  image.src = PHOTOS[5]!; // 1920×1537
  await image.decode();
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [640, 480];
  canvas.getContext('2d')!.drawImage(image, 0, 0, 640, 480);
  const sources = { [`img${image.naturalWidth}x${image.naturalHeight}`]: image, canvas640x480: canvas };
  const out: Record<string, { page: number[]; worker: number[] }> = {};
  for (const [name, source] of Object.entries(sources)) {
    const times = (out[name] = { page: [], worker: [] });
    for (let i = 0; i < options.warmup + options.count; i++) {
      for (const [detector, into] of (i % 2 ? [[inPage, times.page], [inWorker, times.worker]] : [[inWorker, times.worker], [inPage, times.page]]) as [OurDetector | WorkerFaceDetector, number[]][]) {
        const t = performance.now();
        await detector.detect(source);
        if (i >= options.warmup) into.push(performance.now() - t);
      }
    }
  }
  return out;
}

/** Adds one interleaved pair (time, face count of each library) to a series. */
function record(series: Series, ours: readonly [number, number], theirs: readonly [number, number]): void {
  series.ours.push(ours[0]);
  series.theirs.push(theirs[0]);
  series.ratios.push(ours[0] / theirs[0]);
  series.facesOurs.push(ours[1]);
  series.facesTheirs.push(theirs[1]);
}

/** MediaPipe's video mode wants increasing timestamps for the life of the detector, across video() calls. */
let videoTimestamp = 0;

/** The panning video, frame by frame in video mode; `worker`: ours through the Worker, as the element runs it. */
async function video(options: { model: Model; frames: number; warmup: number; worker?: boolean }): Promise<Series> {
  const mp = theirs.get(`${options.model}/VIDEO`)!;
  const series = emptySeries();
  for (let i = -options.warmup; i < options.frames; i++) {
    const frame = videoFrame(Math.max(0, i), options.frames); // frame extraction is outside the timing
    videoTimestamp += 33;
    // The element hands its Worker VideoFrames (transferred, not copied); the frame is made outside the timing.
    const asFrame = options.worker ? new VideoFrame(frame.data, { format: 'RGBA', codedWidth: frame.width, codedHeight: frame.height, timestamp: videoTimestamp * 1000 }) : undefined;
    const a = await timeOurs(options.model, asFrame ?? frame, options.worker);
    asFrame?.close();
    const b = timeTheirs(mp, frame, videoTimestamp);
    if (i < 0) continue;
    record(series, a, b);
  }
  return series;
}

// ---------------------------------------------------------------------------------------------------------
// Per-stage breakdown: the units FaceDetector runs, called here in the same order, each timed.

async function stages(options: { model: Model; input: InputName; warmup: number; count: number }): Promise<Record<string, unknown>> {
  const webnn = await import('../webnn/index.ts');
  const { imageToTensor } = await import('../model/image-to-tensor.ts');
  const { loadNetwork } = await import('../model/graph/load-network.ts');
  const { modelSpecs, defaultModelUrl } = await import('../model/model-specs.ts');
  const { generateAnchors } = await import('../model/anchors.ts');
  const { tensorsToDetections } = await import('../model/tensors-to-detections.ts');
  const { nonMaxSuppression } = await import('../model/non-max-suppression.ts');
  const { removeLetterbox } = await import('../model/letterbox.ts');
  const { createFace } = await import('../model/face.ts');
  const spec = modelSpecs[options.model];
  const { context } = await webnn.createContext({ engine: engineName as PolyfillEngine });
  const network = await loadNetwork(spec, defaultModelUrl(options.model), context, 'float32');
  const input = await context.createTensor({ dataType: 'float32', shape: network.inputShape, writable: true });
  const regressors = await context.createTensor({ dataType: 'float32', shape: network.regressorsShape, readable: true });
  const scores = await context.createTensor({ dataType: 'float32', shape: network.scoresShape, readable: true });
  const anchors = generateAnchors(spec.anchors);
  const scratch = new Float32Array(spec.inputSize * spec.inputSize * 3);
  const images = inputs.get(options.input)!;
  const names = ['imageToTensor', 'writeTensor', 'dispatch', 'readTensor', 'decode', 'nms+letterbox'] as const;
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < options.warmup + options.count; i++) {
    const t: number[] = [performance.now()];
    const prepared = imageToTensor(images[i % images.length]!, spec.inputSize, scratch);
    t.push(performance.now());
    context.writeTensor(input, prepared.tensor);
    t.push(performance.now());
    context.dispatch(network.graph, { input }, { regressors, scores });
    t.push(performance.now());
    const [r, s] = await Promise.all([context.readTensor(regressors), context.readTensor(scores)]);
    t.push(performance.now());
    const decoded = tensorsToDetections(new Float32Array(r), new Float32Array(s), anchors, { ...spec.decode, minScore: spec.defaultMinScore });
    t.push(performance.now());
    const merged = nonMaxSuppression(decoded, { threshold: spec.defaultSuppressionThreshold, scoreMerge: 'max', maxResults: Infinity });
    removeLetterbox(merged, prepared.letterbox).map((detection) => createFace(detection, prepared.sourceWidth / prepared.sourceHeight));
    t.push(performance.now());
    if (i < options.warmup) continue;
    names.forEach((n, k) => times[n]!.push(t[k + 1]! - t[k]!));
  }

  // Where dispatch time goes inside tfjs: per-kernel times from tf.profile (wasm kernels are synchronous,
  // so kernelMs is wall time of each kernel call including its JS wrapper).
  let profile: Record<string, unknown> | undefined;
  let calibration: Record<string, unknown> | undefined;
  // Our engine runs the whole graph in one call; the planner counts the network's multiply-adds.
  const macs = (network.graph as { macs?: number }).macs;
  if (engineName === 'tfjs-wasm' || engineName === 'cpu') {
    const tf = await import('@tensorflow/tfjs-core');
    const byKernel = new Map<string, { count: number; ms: number }>();
    let kernels = 0;
    let kernelMs = 0;
    const runs = 10;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) {
      const info = await tf.profile(() => context.dispatch(network.graph, { input }, { regressors, scores }));
      for (const k of info.kernels) {
        // tfjs records each op wrapper ("fusedConv2d__op") as well as the kernel it runs: count kernels only.
        if (k.name.endsWith('__op')) continue;
        const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
        kernels++;
        kernelMs += ms;
        const entry = byKernel.get(k.name) ?? { count: 0, ms: 0 };
        entry.count++;
        entry.ms += ms;
        byKernel.set(k.name, entry);
      }
    }
    const wall = (performance.now() - t0) / runs;
    profile = {
      kernelsPerDispatch: kernels / runs,
      kernelMsPerDispatch: kernelMs / runs,
      profiledWallMsPerDispatch: wall,
      byKernel: Object.fromEntries([...byKernel].sort((a, b) => b[1].ms - a[1].ms).map(([name, e]) => [name, { perDispatch: e.count / runs, ms: e.ms / runs }])),
    };

    // Calibration: the fixed cost of one tiny op, and the arithmetic rate of one big convolution on this engine.
    const tiny = tf.tensor1d([1]);
    for (let i = 0; i < 200; i++) tf.tidy(() => tf.add(tiny, tiny));
    const n = 2000;
    let t1 = performance.now();
    for (let i = 0; i < n; i++) tf.tidy(() => tf.add(tiny, tiny));
    const tinyOpUs = ((performance.now() - t1) * 1000) / n;
    const x = tf.fill([1, 64, 64, 32], 0.5);
    const w = tf.fill([3, 3, 32, 32], 0.01);
    for (let i = 0; i < 5; i++) tf.tidy(() => tf.conv2d(x as never, w as never, 1, 'same'));
    t1 = performance.now();
    for (let i = 0; i < 20; i++) tf.tidy(() => tf.conv2d(x as never, w as never, 1, 'same'));
    const convMs = (performance.now() - t1) / 20;
    const convMacs = 64 * 64 * 32 * 32 * 9;
    tiny.dispose();
    x.dispose();
    w.dispose();
    calibration = { tinyOpUs, bigConvMs: convMs, bigConvGMacPerS: convMacs / convMs / 1e6 };
  }
  input.destroy();
  regressors.destroy();
  scores.destroy();
  network.graph.destroy();
  context.destroy();
  return { times, profile, calibration, macs };
}

// ---------------------------------------------------------------------------------------------------------
// LiteRT.js (@litertjs/core), Google's TFLite runtime for the web, on its CPU accelerator (XNNPACK in wasm): the
// same .tflite files on the same preprocessed input, inference only, interleaved with our wasm engine's dispatch.

/** @litertjs/core's wasm builds, which bench/server.mjs serves from node_modules byte for byte. */
const LITERT_WASM = '/node_modules/@litertjs/core/wasm/';
const LITERT_MODULE = '/node_modules/@litertjs/core/dist/index.js';

/** Runs one step of the LiteRT.js row, naming it in the failure, the row's printed reason. */
async function liteStep<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // A wasm build's glue script that fails to load rejects with the script element's bare error Event.
    const why = error instanceof Error ? error.message
      : error instanceof Event ? `${error.type} event${error.target instanceof HTMLScriptElement ? ` loading ${error.target.src}` : ''}`
      : String(error);
    throw new Error(`${name}: ${why}`);
  }
}

/**
 * One fresh page per `threads` choice: LiteRT.js loads one wasm build per page (loadLiteRt() is a page-wide
 * singleton), the single-threaded one like our engine's single thread, or the threaded one on its own pool.
 */
async function litert(options: { threads: boolean; runs: { model: Model; input: InputName }[]; warmup: number; count: number }): Promise<Record<string, unknown>> {
  await loadInputs();
  // Cold: before anything else in the page, so no other wasm compiles beside it; the runtime once, then each model.
  const t0 = performance.now();
  // By URL, not a bare specifier the dev server resolves while serving this page: without the package only this row fails.
  const lite = await liteStep('import @litertjs/core', () => import(/* @vite-ignore */ LITERT_MODULE as string) as Promise<typeof import('@litertjs/core')>);
  const runtime = await liteStep(`loadLiteRt(${LITERT_WASM}, { threads: ${options.threads} })`, () => lite.loadLiteRt(LITERT_WASM, { threads: options.threads }));
  const runtimeMs = performance.now() - t0;
  // Which of its four builds it chose (relaxed SIMD, compat, threaded, JSPI): the one wasm file fetched.
  const wasmFile = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
    .map((e) => new URL(e.name).pathname).find((path) => path.startsWith(LITERT_WASM) && path.endsWith('.wasm'))?.slice(LITERT_WASM.length);
  const webnn = await import('../webnn/index.ts');
  const { imageToTensor } = await import('../model/image-to-tensor.ts');
  const { loadNetwork } = await import('../model/graph/load-network.ts');
  const { modelSpecs, defaultModelUrl } = await import('../model/model-specs.ts');
  // Our engine starts after LiteRT.js's first model ran, so that its wasm does not compile beside that cold time.
  let ourContext: Awaited<ReturnType<typeof webnn.createContext>>['context'] | undefined;
  const models: Record<string, unknown>[] = [];
  for (const { model, input: inputName } of options.runs) {
    const spec = modelSpecs[model];
    const url = defaultModelUrl(model);
    const c0 = performance.now();
    const compiled = await liteStep(`loadAndCompile(${url.pathname})`, () => lite.loadAndCompile(url.href, { accelerator: 'wasm' }));
    const compileMs = performance.now() - c0;
    const shape = compiled.getInputDetails()[0]!.shape;
    const size = spec.inputSize;
    if (shape.join() !== `1,${size},${size},3`) throw new Error(`LiteRT.js sees ${model}'s input as [${shape.join()}], not [1,${size},${size},3]`);
    // Preprocessed once, outside every timing: each engine gets the very same floats.
    const prepared = inputs.get(inputName)!.map((image) => imageToTensor(image, size).tensor);
    const runLite = async (data: Float32Array): Promise<[ms: number, outputs: Float32Array[]]> => {
      const tensor = new lite.Tensor(data, shape); // filling the input is outside the timing, as writeTensor is for ours
      const start = performance.now();
      const results = await compiled.run(tensor);
      const outputs = results.map((r) => r.toTypedArray());
      const ms = performance.now() - start;
      for (const r of results) r.delete();
      tensor.delete();
      if (!outputs.every((a) => a instanceof Float32Array)) throw new Error(`LiteRT.js gave ${model} outputs that are not float32`);
      return [ms, outputs];
    };
    const f0 = performance.now();
    await liteStep(`${model}: first run`, () => runLite(prepared[0]!));
    const firstRunMs = performance.now() - f0;

    const context = (ourContext ??= (await webnn.createContext({ engine: 'wasm' })).context);
    const network = await loadNetwork(spec, url, context, 'float32');
    const input = await context.createTensor({ dataType: 'float32', shape: network.inputShape, writable: true });
    const regressors = await context.createTensor({ dataType: 'float32', shape: network.regressorsShape, readable: true });
    const scores = await context.createTensor({ dataType: 'float32', shape: network.scoresShape, readable: true });
    // Timed as stages() times them: dispatch, then both outputs read back.
    const runOurs = async (data: Float32Array): Promise<[dispatchMs: number, ms: number, outputs: Float32Array[]]> => {
      context.writeTensor(input, data);
      const start = performance.now();
      context.dispatch(network.graph, { input }, { regressors, scores });
      const dispatched = performance.now();
      const outputs = (await Promise.all([context.readTensor(regressors), context.readTensor(scores)])).map((b) => new Float32Array(b));
      return [dispatched - start, performance.now() - start, outputs];
    };
    const times = { litert: [] as number[], ours: [] as number[], oursDispatch: [] as number[], ratios: [] as number[] };
    let maxAbsDiff = 0;
    for (let i = 0; i < options.warmup + options.count; i++) {
      const data = prepared[i % prepared.length]!;
      // Alternate which engine goes first, so neither always runs on caches the other just warmed.
      let l: Awaited<ReturnType<typeof runLite>>;
      let o: Awaited<ReturnType<typeof runOurs>>;
      if (i % 2 === 0) {
        l = await runLite(data);
        o = await runOurs(data);
      } else {
        o = await runOurs(data);
        l = await runLite(data);
      }
      // Same numbers from both? Each output of ours against LiteRT's output of the same length.
      for (const mine of o[2]) {
        const theirs = l[1].find((t) => t.length === mine.length);
        if (!theirs) throw new Error(`LiteRT.js has no ${model} output of ${mine.length} values`);
        for (let k = 0; k < mine.length; k++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(mine[k]! - theirs[k]!));
      }
      if (i < options.warmup) continue;
      times.litert.push(l[0]);
      times.ours.push(o[1]);
      times.oursDispatch.push(o[0]);
      times.ratios.push(o[1] / l[0]);
    }
    models.push({
      model, input: inputName, compileMs, firstRunMs, times, maxAbsDiff,
      numThreads: compiled.options.cpuOptions.numThreads, fullyAccelerated: compiled.isFullyAccelerated,
      inputs: compiled.getInputDetails().map((d) => `${d.name} [${d.shape.join()}]`),
      outputs: compiled.getOutputDetails().map((d) => `${d.name} [${d.shape.join()}]`),
    });
    compiled.delete();
    input.destroy();
    regressors.destroy();
    scores.destroy();
    network.graph.destroy();
  }
  ourContext?.destroy();
  return { threads: options.threads, threadCount: runtime.liteRtWasm.getThreadCount(), wasmFile, runtimeMs, crossOriginIsolated, models };
}

async function memory(options: { model: Model; calls: number }): Promise<Record<string, unknown>> {
  const detector = ours.get(options.model)!;
  const images = inputs.get('seed128')!;
  // The JS heap after a full collection (the bench's Chromium runs with --expose-gc and precise memory info).
  const heap = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
  };
  for (let i = 0; i < 20; i++) await detector.detect(images[i % images.length]!);
  const before = { engine: detector.engineMemory(), heap: heap() };
  for (let i = 0; i < options.calls; i++) await detector.detect(images[i % images.length]!);
  const after = { engine: detector.engineMemory(), heap: heap() };
  return { before, after, calls: options.calls };
}

// ---------------------------------------------------------------------------------------------------------
// Cold start: a fresh page runs exactly one of these, from before the library's first import to its first result,
// each library loaded from its production bundle.

async function cold(options: { lib: 'ours' | 'theirs'; model: Model; engine?: PolyfillEngine }): Promise<Record<string, unknown>> {
  const seed = await decode(SEED[0]!);
  const image = pixels(seed, seed.width, seed.height);
  performance.clearResourceTimings();
  const t0 = performance.now();
  let faces: number;
  // The production bundles bench/build-bundles.mjs made; the URL is a variable so nothing resolves it at build time.
  const bundle = `/bench/dist/${options.lib}.js`;
  if (options.lib === 'ours') {
    const { FaceDetector } = (await import(bundle)) as typeof import('./cold-ours.ts');
    const detector = await FaceDetector.create({ model: options.model, context: { engine: options.engine ?? 'wasm' } });
    faces = (await detector.detect(image)).length;
  } else {
    const { createMediaPipeDetector } = (await import(bundle)) as typeof import('./cold-theirs.ts');
    const detector = await createMediaPipeDetector(options.model);
    faces = detector.detect(image).length;
  }
  const ms = performance.now() - t0;
  const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const bytes = { js: 0, wasm: 0, model: 0, other: 0 };
  const decodedBytes = { js: 0, wasm: 0, model: 0, other: 0 };
  for (const e of entries) {
    if (e.startTime < t0) continue;
    const path = new URL(e.name).pathname;
    const kind = path.endsWith('.wasm') ? 'wasm' : /\.(tflite|onnx)$/.test(path) ? 'model' : /\.(m?js|ts)$/.test(path) ? 'js' : 'other';
    bytes[kind] += e.encodedBodySize;
    decodedBytes[kind] += e.decodedBodySize;
  }
  return { ms, faces, bytes, decodedBytes, requests: entries.filter((e) => e.startTime >= t0).length };
}

// ---------------------------------------------------------------------------------------------------------
// Load: another busy program on the machine, as a Worker spinning on one core for the rest of the page's life
// (bench/run.mjs gives each loaded row a fresh page, closed after the row).

let spinner: Worker | undefined;

async function startLoad(): Promise<void> {
  if (spinner) return;
  const code = `postMessage('spinning'); const end = Date.now() + 15 * 60 * 1000; while (Date.now() < end) {}`;
  spinner = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
  await new Promise((resolve) => spinner!.addEventListener('message', resolve, { once: true }));
}

// ---------------------------------------------------------------------------------------------------------
// Time to the first face: the fake camera of bench/run.mjs's second browser shows one seed face, and a fresh
// page measures from the start of one library's camera pipeline to its first result with a face.

/** One 640×480 camera frame, the 1face.png seed scaled into it on grey, as I420 (BT.601, limited range), base64. */
async function cameraFrame(): Promise<string> {
  const [width, height] = [640, 480];
  const seed = await decode(SEED[0]!);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#808080';
  context.fillRect(0, 0, width, height);
  context.drawImage(seed, (width - height) / 2, 0, height, height);
  const rgba = context.getImageData(0, 0, width, height).data;
  const yuv = new Uint8Array(width * height * 1.5);
  const luma = (i: number) => 16 + (65.738 * rgba[i]! + 129.057 * rgba[i + 1]! + 25.064 * rgba[i + 2]!) / 256;
  for (let p = 0; p < width * height; p++) yuv[p] = Math.round(luma(p * 4));
  const u = width * height;
  const v = u + (width * height) / 4;
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      let [r, g, b] = [0, 0, 0];
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const i = ((y + dy) * width + x + dx) * 4;
        r += rgba[i]! / 4;
        g += rgba[i + 1]! / 4;
        b += rgba[i + 2]! / 4;
      }
      const k = (y / 2) * (width / 2) + x / 2;
      yuv[u + k] = Math.round(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256);
      yuv[v + k] = Math.round(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256);
    }
  }
  let binary = '';
  for (let i = 0; i < yuv.length; i += 0x8000) binary += String.fromCharCode(...yuv.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The camera, playing in a video element, as a page using MediaPipe opens it. */
async function openCamera(): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  await video.play();
  return video;
}

/**
 * ours: from appending <blaze-face> (the package's drop-in, dist/blaze-face.js, imported beforehand) to its
 * first faces event with a face. theirs: from the same point, MediaPipe's detector created while the camera
 * opens, then detectForVideo() on each new frame until one has a face.
 */
async function firstFace(options: { lib: 'ours' | 'theirs' }): Promise<Record<string, unknown>> {
  if (options.lib === 'ours') {
    await import(/* @vite-ignore */ '/dist/blaze-face.js' as string);
    const t0 = performance.now();
    const element = document.createElement('blaze-face') as HTMLElement & { backend?: unknown };
    const marks: Record<string, number> = {};
    element.addEventListener('ready', () => (marks.readyMs ??= performance.now() - t0));
    // The camera's first frame in the element's own <video>, which exists after its first render.
    void (element as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete.then(() => {
      element.shadowRoot?.querySelector('video')?.addEventListener('loadeddata', () => (marks.videoMs ??= performance.now() - t0), { once: true });
    });
    const face = new Promise<number>((resolve, reject) => {
      element.addEventListener('faces', (event) => {
        marks.firstFacesMs ??= performance.now() - t0;
        if ((event as CustomEvent<{ faces: unknown[] }>).detail.faces.length > 0) resolve(performance.now());
      });
      element.addEventListener('error', (event) => reject(new Error(JSON.stringify((event as unknown as CustomEvent).detail))));
    });
    document.body.append(element);
    const ms = (await face) - t0;
    const backend = element.backend;
    element.remove();
    // The start-up stages (model/startup-marks.ts), the worker's among them, in ms from the append.
    for (const mark of performance.getEntriesByType('mark')) {
      if (mark.name.startsWith('blaze-face:') && mark.startTime >= t0) marks[mark.name.slice('blaze-face:'.length)] ??= mark.startTime - t0;
    }
    return { ms, backend, marks };
  }
  const { createMediaPipeDetector } = (await import(/* @vite-ignore */ '/bench/dist/theirs.js' as string)) as typeof import('./cold-theirs.ts');
  const t0 = performance.now();
  const marks: Record<string, number> = {};
  const [detector, video] = await Promise.all([
    createMediaPipeDetector('short', { runningMode: 'VIDEO' }).finally(() => (marks.readyMs = performance.now() - t0)),
    openCamera().finally(() => (marks.videoMs = performance.now() - t0)), // playing: past its first frame
  ]);
  const ms = await new Promise<number>((resolve) => {
    const step = () => {
      if (detector.detectForVideo(video, performance.now()).length > 0) resolve(performance.now() - t0);
      else video.requestVideoFrameCallback(step);
    };
    step();
  });
  detector.close();
  (video.srcObject as MediaStream).getTracks().forEach((track) => track.stop());
  return { ms, marks };
}

// ---------------------------------------------------------------------------------------------------------
// Redaction at 1280×720: what hiding a frame's faces costs on top of detecting them, and redactStream()'s rate.

const REDACTION_WIDTH = 1280;
const REDACTION_HEIGHT = 720;
/** Paints timed between two read-backs (see redaction()). */
const PAINTS_PER_SAMPLE = 5;

/** The element test's photo (1920×1367) scaled whole into 1280×720 on grey. */
function drawRedactionPicture(context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, photo: ImageBitmap): void {
  const width = (photo.width * REDACTION_HEIGHT) / photo.height;
  context.fillStyle = '#808080';
  context.fillRect(0, 0, REDACTION_WIDTH, REDACTION_HEIGHT);
  context.drawImage(photo, (REDACTION_WIDTH - width) / 2, 0, width, REDACTION_HEIGHT);
}

/**
 * Per sample, in turn: one detection of the picture (short model, wasm engine, in the page), then for each mode
 * PAINTS_PER_SAMPLE paints of the picture with its faces hidden onto a 1280×720 OffscreenCanvas and a 1×1
 * getImageData, which returns only once every paint before it has drawn; the sample is that time over the paints.
 * Not a read-back after every paint: that would add its own cost to each, and Chromium moves a canvas read back
 * often to the CPU, so the rows would time that canvas instead of the one redactStream() paints on.
 */
async function redaction(options: { warmup: number; count: number }): Promise<Record<string, unknown>> {
  const { FaceDetector, REDACTION_MIN_SCORE, Redactor, redactionModes } = await import('../model/index.ts');
  const photo = await decode(PHOTOS[1]!);
  const canvas = new OffscreenCanvas(REDACTION_WIDTH, REDACTION_HEIGHT);
  drawRedactionPicture(canvas.getContext('2d')!, photo);
  const picture = await createImageBitmap(canvas);
  const detector = await FaceDetector.create({ model: 'short', context: { engine: 'wasm' } });
  // redactStream()'s threshold, so that the masks are the ones it paints.
  const settings = { minScore: REDACTION_MIN_SCORE };
  const faces = await detector.detect(picture, { settings });
  const target = new OffscreenCanvas(REDACTION_WIDTH, REDACTION_HEIGHT).getContext('2d')!;
  const redactors = redactionModes.map((mode) => new Redactor({ mode }));
  const times: Record<string, number[]> = Object.fromEntries(['detect', 'draw', ...redactionModes].map((name) => [name, []]));
  /** The picture drawn as it is, timed the same way: how much of a paint is the frame itself, not its faces. */
  const draw = (): number => {
    const t = performance.now();
    for (let k = 0; k < PAINTS_PER_SAMPLE; k++) target.drawImage(picture, 0, 0);
    target.getImageData(0, 0, 1, 1);
    return (performance.now() - t) / PAINTS_PER_SAMPLE;
  };
  for (let i = 0; i < options.warmup + options.count; i++) {
    let t = performance.now();
    await detector.detect(picture, { settings });
    if (i >= options.warmup) times.detect!.push(performance.now() - t);
    const drawn = draw();
    if (i >= options.warmup) times.draw!.push(drawn);
    for (const redactor of redactors) {
      t = performance.now();
      for (let k = 0; k < PAINTS_PER_SAMPLE; k++) {
        redactor.paint(target, {
          picture, pictureWidth: REDACTION_WIDTH, pictureHeight: REDACTION_HEIGHT, rect: { x: 0, y: 0, width: REDACTION_WIDTH, height: REDACTION_HEIGHT },
          pixelRatio: 1, mirrored: false, trusted: true, faces, now: performance.now(),
        });
      }
      target.getImageData(0, 0, 1, 1);
      if (i >= options.warmup) times[redactor.style.mode]!.push((performance.now() - t) / PAINTS_PER_SAMPLE);
    }
  }
  detector.dispose();
  picture.close();
  return { faces: faces.length, paintsPerSample: PAINTS_PER_SAMPLE, times };
}

/** Frames presented by `video` per second over `ms`, counted by requestVideoFrameCallback. */
function presentedRate(video: HTMLVideoElement, ms: number): Promise<number> {
  return new Promise((resolve) => {
    let first: { now: number; frames: number } | undefined;
    const step = (now: number, metadata: VideoFrameCallbackMetadata) => {
      first ??= { now, frames: metadata.presentedFrames };
      if (now - first.now >= ms) resolve(((metadata.presentedFrames - first.frames) * 1000) / (now - first.now));
      else video.requestVideoFrameCallback(step);
    };
    video.requestVideoFrameCallback(step);
  });
}

/**
 * Frames a video track delivers per second over `ms`, read from a clone with MediaStreamTrackProcessor (Chromium):
 * what the track carries, not what a <video> of it gets to present (this headless browser's compositor presents
 * at most about 28 a second).
 */
async function deliveredRate(track: MediaStreamTrack, ms: number): Promise<number> {
  const Processor = (globalThis as { MediaStreamTrackProcessor?: new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> } }).MediaStreamTrackProcessor!;
  const clone = track.clone();
  const reader = new Processor({ track: clone }).readable.getReader();
  let [frames, first, last] = [0, 0, 0];
  while (frames < 2 || last - first < ms) {
    const { value, done } = await reader.read();
    if (done) break;
    value.close();
    last = performance.now();
    if (frames === 0) first = last;
    frames++;
  }
  reader.cancel().catch(() => undefined);
  clone.stop();
  return ((frames - 1) * 1000) / (last - first);
}

async function playing(stream: MediaStream): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.body.append(video);
  await video.play();
  return video;
}

/**
 * redactStream(stream, { model: 'short' }) of a 1280×720 canvas's captureStream(30), the canvas redrawn 60 times a
 * second with the photo moving a little (so that every frame is a new one), the output played in a
 * <video>. After `warmupMs` (the stream's detector starts meanwhile: its frames are hidden whole until then), the
 * frames the output track and the input track deliver over the same `ms` where MediaStreamTrackProcessor can
 * count them (Chromium), else the frames presented by a <video> of each.
 */
async function redactStreamRate(options: { warmupMs: number; ms: number }): Promise<Record<string, unknown>> {
  const { redactStream, redactStreamPath } = await import('../model/index.ts');
  const photo = await decode(PHOTOS[1]!);
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [REDACTION_WIDTH, REDACTION_HEIGHT];
  const context = canvas.getContext('2d')!;
  let draws = 0;
  // On a timer at twice the stream's rate, not each animation frame: this headless browser's animation frames come
  // at about 28 a second, under the 30 the stream is to carry.
  // The picture scaled once: each redraw is then a copy, moved (the photo's scaling on every draw cost the machine
  // more than the stream it feeds).
  const scene = new OffscreenCanvas(REDACTION_WIDTH, REDACTION_HEIGHT);
  drawRedactionPicture(scene.getContext('2d')!, photo);
  const picture = await createImageBitmap(scene);
  const redraw = setInterval(() => {
    context.fillStyle = '#808080';
    context.fillRect(0, 0, REDACTION_WIDTH, REDACTION_HEIGHT);
    context.drawImage(picture, Math.round(8 * Math.sin(performance.now() / 300)), 0);
    draws++;
  }, 1000 / 60);
  const input = canvas.captureStream(30);
  const errors: string[] = [];
  const output = redactStream(input, { model: 'short', onError: (error) => errors.push(error.message) });
  const [inVideo, outVideo] = await Promise.all([playing(input), playing(output)]);
  await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
  const drawsBefore = draws;
  const t = performance.now();
  const delivered = 'MediaStreamTrackProcessor' in globalThis;
  const [inputFps, outputFps] = await Promise.all(delivered
    ? [deliveredRate(input.getVideoTracks()[0]!, options.ms), deliveredRate(output.getVideoTracks()[0]!, options.ms)]
    : [presentedRate(inVideo, options.ms), presentedRate(outVideo, options.ms)]);
  const canvasFps = ((draws - drawsBefore) * 1000) / (performance.now() - t);
  clearInterval(redraw);
  picture.close();
  for (const track of [...output.getTracks(), ...input.getTracks()]) track.stop();
  inVideo.remove();
  outVideo.remove();
  return { path: redactStreamPath(), counted: delivered ? 'delivered' : 'presented', inputFps, outputFps, canvasFps, seconds: options.ms / 1000, errors };
}

declare global {
  interface Window {
    bench: unknown;
    benchReady: boolean;
  }
}

// ---------------------------------------------------------------------------------------------------------
// A video file redacted as the app does it (model/redact-video.ts): a generated 10 s, 1280×720, 30 fps clip.

const CLIP_SECONDS = 10;
const CLIP_FPS = 30;

/** A WebM (VP9) of the redaction photo panning across 1280×720 on grey, made here and kept for the next rows. */
let clip: Promise<Blob> | undefined;
async function makeClip(): Promise<Blob> {
  const { BufferTarget, CanvasSource, Output, WebMOutputFormat } = await import('mediabunny');
  const photo = await decode(PHOTOS[1]!);
  const output = new Output({ format: new WebMOutputFormat(), target: new BufferTarget() });
  const canvas = new OffscreenCanvas(REDACTION_WIDTH, REDACTION_HEIGHT);
  const context = canvas.getContext('2d')!;
  const source = new CanvasSource(canvas, { codec: 'vp9', bitrate: 4_000_000 });
  output.addVideoTrack(source, { frameRate: CLIP_FPS });
  await output.start();
  const frames = CLIP_SECONDS * CLIP_FPS;
  for (let i = 0; i < frames; i++) {
    context.save();
    context.translate(Math.sin((2 * Math.PI * i) / frames) * 160, 0);
    drawRedactionPicture(context, photo);
    context.restore();
    await source.add(i / CLIP_FPS, 1 / CLIP_FPS);
  }
  await output.finalize();
  return new Blob([output.target.buffer!], { type: 'video/webm' });
}

/** The clip redacted with `model` (wasm engine, in the page, as the app runs it): the real-time factor, clip length over time taken. */
async function videoFile(options: { model: 'short' | 'full' }): Promise<Record<string, unknown>> {
  const { FaceDetector, REDACTION_MIN_SCORE } = await import('../model/index.ts');
  const { redactVideo } = await import('../model/redact-video.ts');
  const input = await (clip ??= makeClip());
  const detector = await FaceDetector.create({ model: options.model, context: { engine: 'wasm' } });
  try {
    const t = performance.now();
    const result = await redactVideo(input, { detector, settings: { minScore: REDACTION_MIN_SCORE } });
    const seconds = (performance.now() - t) / 1000;
    return { seconds, realTimeFactor: CLIP_SECONDS / seconds, frames: result.frames, codec: result.videoCodec, inputBytes: input.size, outputBytes: result.blob.size };
  } finally {
    detector.dispose();
  }
}

window.bench = { info, setup, pairs, video, photoPath, stages, litert, memory, cold, cameraFrame, firstFace, redaction, redactStreamRate, videoFile };
window.benchReady = true;
