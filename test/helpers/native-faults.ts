// Faults put on the real native WebNN of the browser, to test what a device that lacks something does to
// FaceDetector: navigator.ml is wrapped so that its contexts report other limits or fail dispatch(), and
// MLGraphBuilder so that build() rejects the graphs that use one chosen op. Everything else is the browser's.
import type { ML, MLContext, MLGraphBuilderConstructor, MLNamedOperands, MLOpSupportLimits } from '../../webnn/index.ts';

export interface NativeFaults {
  /** build() rejects every graph that uses this op, as a device without it would. */
  buildRejectsOp?: string;
  /** What opSupportLimits() reports, made from the device's own. */
  limits?: (device: MLOpSupportLimits) => MLOpSupportLimits;
  /** dispatch() throws, as a failing driver would. */
  dispatchFails?: boolean;
}

type WebNNGlobal = typeof globalThis & { MLGraphBuilder: MLGraphBuilderConstructor };

/** Puts `faults` on this realm's navigator.ml and MLGraphBuilder; returns the function that takes them off. */
export function installNativeFaults(faults: NativeFaults): () => void {
  const global = globalThis as WebNNGlobal;
  const realBuilder = global.MLGraphBuilder;
  const realML = (navigator as Navigator & { ml: ML }).ml;
  const { buildRejectsOp, limits, dispatchFails } = faults;
  if (buildRejectsOp) {
    const prototype = realBuilder.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const realOp = prototype[buildRejectsOp]!;
    const users = new WeakSet<object>();
    class FaultyBuilder extends realBuilder {
      override build(outputs: MLNamedOperands) {
        if (users.has(this)) return Promise.reject(new DOMException(`${buildRejectsOp} is not supported on this device`, 'NotSupportedError'));
        return super.build(outputs);
      }
    }
    Object.defineProperty(FaultyBuilder.prototype, buildRejectsOp, {
      value(this: object, ...args: unknown[]) {
        users.add(this);
        return realOp.apply(this, args);
      },
    });
    global.MLGraphBuilder = FaultyBuilder;
  }
  if (limits || dispatchFails) {
    const ml: ML = {
      async createContext(options) {
        const context: MLContext = await realML.createContext(options);
        const deviceLimits = context.opSupportLimits();
        if (limits) Object.defineProperty(context, 'opSupportLimits', { value: () => limits(structuredClone(deviceLimits)) });
        if (dispatchFails) {
          Object.defineProperty(context, 'dispatch', {
            value: () => { throw new DOMException('the driver failed', 'OperationError'); },
          });
        }
        return context;
      },
    };
    Object.defineProperty(navigator, 'ml', { value: ml, configurable: true });
  }
  return () => {
    global.MLGraphBuilder = realBuilder;
    delete (navigator as { ml?: ML }).ml; // the browser's own getter shows again
  };
}

/** Device limits without float32 in any op's data types, as on an NPU that computes in float16 only. */
export function withoutFloat32(device: MLOpSupportLimits): MLOpSupportLimits {
  const edges = new Set(['input', 'constant', 'output', 'preferredInputLayout', 'maxTensorByteLength', 'cast']);
  for (const [op, operands] of Object.entries(device)) {
    if (edges.has(op) || typeof operands !== 'object' || operands === null) continue;
    for (const limits of Object.values(operands as Record<string, { dataTypes: string[] }>)) {
      limits.dataTypes = limits.dataTypes.filter((type) => type !== 'float32');
    }
  }
  return device;
}

/** The faults that can be sent into a worker (data, not functions). */
export type WorkerFaults = Omit<NativeFaults, 'limits'>;

/**
 * Runs `body` with every Worker created meanwhile starting with `faults` installed inside it, before the
 * worker's own script runs, so that WorkerFaceDetector's and the element's workers meet the faulty device.
 */
export async function withFaultyWorkers<T>(faults: WorkerFaults, body: () => Promise<T>): Promise<T> {
  const RealWorker = globalThis.Worker;
  const moduleUrl = (source: string) => URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  // Static imports run in order, each module to its end: first the faults, then the worker's script.
  const install = moduleUrl(`import { installNativeFaults } from '${import.meta.url}';\ninstallNativeFaults(${JSON.stringify(faults)});\n`);
  class FaultyWorker extends RealWorker {
    constructor(script: string | URL, options?: WorkerOptions) {
      super(moduleUrl(`import '${install}';\nimport '${new URL(String(script), location.href).href}';\n`), { ...options, type: 'module' });
    }
  }
  globalThis.Worker = FaultyWorker;
  try {
    return await body();
  } finally {
    globalThis.Worker = RealWorker;
  }
}
