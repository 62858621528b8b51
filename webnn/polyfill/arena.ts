// Not in the spec: a graph's own input and output memory, on an engine that has it (our wasm engine), so a caller
// that fills the input and decodes the outputs itself skips writeTensor's and readTensor's copies. MLTensor keeps
// working beside it for every other caller.
import type { MLGraph } from '../types.ts';

export interface GraphArena {
  /** Each input's memory, by name: what dispatch() reads. */
  readonly inputs: ReadonlyMap<string, Float32Array>;
  /** Each output's memory, by name: valid after dispatch() until the next one. */
  readonly outputs: ReadonlyMap<string, Float32Array>;
  /** Runs the graph on its inputs as they are; throws an InvalidStateError once the graph or its context is gone. */
  dispatch(): void;
}

/** The key under which a graph offers its arena. */
export const arenaKey = Symbol('graph arena');

/** The graph's arena, where its engine has one and every input and output is float32; otherwise undefined. */
export function graphArena(graph: MLGraph): GraphArena | undefined {
  return (graph as { [arenaKey]?: () => GraphArena | undefined })[arenaKey]?.();
}
