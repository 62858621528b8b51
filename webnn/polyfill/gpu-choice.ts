// Whether a GPU engine is worth choosing for 'high-performance'. Machines without a usable GPU (blocklisted
// drivers, VMs, remote desktops) still offer WebGPU and WebGL, on a software rasteriser (SwiftShader,
// llvmpipe), where BlazeFace runs 10 to 100 times slower than on the CPU. So a GPU engine is skipped when its
// adapter is software, and dropped when its fastest dispatch of a probe graph takes over twice the CPU engine's fastest.
import type { MLOperand } from '../types.ts';
import { PolyfillGraphBuilder } from './builder.ts';
import type { PolyfillContext } from './context.ts';
import { polyfillConfig } from './config.ts';
import { CPU_ENGINES, type EngineRecord } from './engines.ts';

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|software/i;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface GpuAdapterInfoShape {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterShape {
  info?: GpuAdapterInfoShape;
  isFallbackAdapter?: boolean;
}
type NavigatorWithGpu = { gpu?: { requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterShape | null> } };

/** Why the WebGPU adapter is no GPU to run on, or undefined for a hardware adapter. */
async function webGpuSoftware(): Promise<string | undefined> {
  const adapter = await (navigator as unknown as NavigatorWithGpu).gpu?.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return 'no WebGPU adapter';
  const info = adapter.info ?? {};
  const names = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(', ');
  // Firefox gives its fallback adapter no names at all.
  if (info.isFallbackAdapter || adapter.isFallbackAdapter) return `the WebGPU adapter is a fallback (software) adapter${names ? ` (${names})` : ''}`;
  if (SOFTWARE_RENDERER.test(names)) return `the WebGPU adapter is software (${names})`;
  return undefined;
}

/** Why WebGL is no GPU to run on, or undefined for a hardware renderer. */
function webGlSoftware(): string | undefined {
  const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return 'no WebGL context';
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext(); // this probe's context is of no further use
  return SOFTWARE_RENDERER.test(renderer) ? `the WebGL renderer is software (${renderer})` : undefined;
}

/** A few layers shaped like BlazeFace's (depthwise 5×5 + pointwise convolutions, residual adds) on a 64×64 map. */
async function probeGraph(context: PolyfillContext) {
  const builder = new PolyfillGraphBuilder(context);
  const channels = 24;
  const filled = (length: number) => Float32Array.from({ length }, (_, i) => ((i % 7) - 3) / 30);
  let x: MLOperand = builder.input('x', { dataType: 'float32', shape: [1, 64, 64, channels] });
  for (let layer = 0; layer < 4; layer++) {
    const depthwise = builder.constant({ dataType: 'float32', shape: [1, 5, 5, channels] }, filled(25 * channels));
    const pointwise = builder.constant({ dataType: 'float32', shape: [channels, 1, 1, channels] }, filled(channels * channels));
    const y = builder.conv2d(x, depthwise, { inputLayout: 'nhwc', filterLayout: 'ihwo', groups: channels, padding: [2, 2, 2, 2] });
    x = builder.relu(builder.add(builder.conv2d(y, pointwise, { inputLayout: 'nhwc', filterLayout: 'ohwi' }), x));
  }
  const graph = await builder.build({ y: x });
  const input = await context.createTensor({ dataType: 'float32', shape: [1, 64, 64, channels], writable: true });
  const output = await context.createTensor({ dataType: 'float32', shape: [1, 64, 64, channels], readable: true });
  context.writeTensor(input, filled(64 * 64 * channels));
  return { graph, input, output };
}

/** The probe graph on `context`, with `run()` timing one dispatch and its read-back in milliseconds. */
async function timedProbe(context: PolyfillContext) {
  const { graph, input, output } = await probeGraph(context);
  return {
    async run(): Promise<number> {
      const started = performance.now();
      context.dispatch(graph, { x: input }, { y: output });
      await context.readTensor(output);
      return performance.now() - started;
    },
    destroy(): void {
      graph.destroy();
      input.destroy();
      output.destroy();
    },
  };
}

/**
 * The fastest probe dispatch of each engine, in milliseconds. After warm-up runs (shader compilation, first
 * uploads) the two run in turn, and each one's fastest run counts: whatever else the machine is doing (a page
 * starting up, another test) slows some runs of either, and never speeds one up. Measured in WebKitGTK on
 * llvmpipe, the medians of back-to-back series came within 2x of each other in 2 of 3 runs on a busy machine,
 * while the network itself runs 10x slower on WebGL (46 against 4.8 ms).
 */
async function fastestDispatches(gpu: PolyfillContext, cpu: PolyfillContext): Promise<{ gpuMs: number; cpuMs: number }> {
  const probes: Awaited<ReturnType<typeof timedProbe>>[] = [];
  try {
    // One at a time, so a probe built before a failing one is still destroyed.
    for (const context of [gpu, cpu]) probes.push(await timedProbe(context));
    const fastest = [Infinity, Infinity];
    for (let round = 0; round < 7; round++) {
      for (const [index, probe] of probes.entries()) {
        const ms = await probe.run();
        if (round >= 2) fastest[index] = Math.min(fastest[index]!, ms);
      }
    }
    return { gpuMs: fastest[0]!, cpuMs: fastest[1]! };
  } finally {
    for (const probe of probes) probe.destroy();
  }
}

/** Why `engine` should not be chosen for 'high-performance' here (software adapter), or undefined. */
async function gpuEngineRefusal(engine: 'webgpu' | 'webgl'): Promise<string | undefined> {
  if (polyfillConfig().allowSoftwareGpu) return undefined;
  try {
    return engine === 'webgpu' ? await webGpuSoftware() : webGlSoftware();
  } catch (error) {
    return `${engine} could not be inspected (${message(error)})`;
  }
}

/**
 * Why the GPU `context` is too slow to keep (over twice the time of the CPU engine it would fall back to, on
 * the probe graph), or undefined.
 */
async function gpuSlowerThanCpu(context: PolyfillContext): Promise<string | undefined> {
  const cpu = await firstCpuContext();
  try {
    const { gpuMs, cpuMs } = await fastestDispatches(context, cpu);
    if (gpuMs <= 2 * cpuMs) return undefined;
    return `${context.engine} took ${gpuMs.toFixed(1)} ms a probe dispatch, over twice ${cpu.engine}'s ${cpuMs.toFixed(1)} ms`;
  } finally {
    cpu.destroy();
  }
}

async function firstCpuContext(): Promise<PolyfillContext> {
  for (const engine of CPU_ENGINES) {
    try {
      return await engine.createContext();
    } catch {
      // the next one
    }
  }
  throw new Error('no CPU engine starts here');
}

/**
 * The first of WebGPU, WebGL (those of `engines`) that is a hardware GPU and fast enough, or none; `refusals`
 * says why each was passed over.
 */
export async function usableGpuContext(engines: readonly EngineRecord[]): Promise<{ context?: PolyfillContext; refusals: string[] }> {
  const refusals: string[] = [];
  for (const { name: engine, gpu, createContext } of engines) {
    if (!gpu || (engine !== 'webgpu' && engine !== 'webgl')) continue;
    const refusal = await gpuEngineRefusal(engine);
    if (refusal) {
      refusals.push(refusal);
      continue;
    }
    let context: PolyfillContext | undefined;
    try {
      context = await createContext();
      const tooSlow = await gpuSlowerThanCpu(context);
      if (!tooSlow) return { context, refusals };
      refusals.push(tooSlow);
    } catch (error) {
      refusals.push(`${engine} failed (${message(error)})`);
    }
    context?.destroy();
  }
  return { refusals };
}
