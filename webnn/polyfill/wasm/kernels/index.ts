// The wasm engine's entry point (AssemblyScript): run() executes a whole compiled graph, one WebAssembly call
// per dispatch. The program is a list of instructions in this module's memory, written by plan.ts: an opcode
// word, then the op's arguments (see ../opcodes.ts). Every address is a byte offset that plan.ts checked
// against the memory's size when it laid the graph out, so nothing is checked here, per dispatch.
import { Opcode } from '../opcodes';
import { conv2d } from './conv';
import { depthwise } from './depthwise';
import { addClamp, clamp, fill, sigmoid } from './elementwise';
import { averagePool, maxPool } from './pool';
import { resampleLinear } from './resample';
import { copy } from './copy';

/** Where free memory starts: after this module's static data. The plan lays everything out from here. */
export function heapBase(): usize {
  return __heap_base;
}

@inline function arg(pc: usize, k: i32): i32 {
  return load<i32>(pc + (<usize>k << 2));
}

@inline function argf(pc: usize, k: i32): f32 {
  return load<f32>(pc + (<usize>k << 2));
}

export function run(program: usize): void {
  let pc = program;
  while (true) {
    const op = load<i32>(pc);
    pc += 4;
    switch (op) {
      case Opcode.End:
        return;
      case Opcode.Conv2d:
        conv2d(
          arg(pc, 0), arg(pc, 1), arg(pc, 2), arg(pc, 3), arg(pc, 4), arg(pc, 5), arg(pc, 6), arg(pc, 7), arg(pc, 8),
          arg(pc, 9), arg(pc, 10), arg(pc, 11), arg(pc, 12), arg(pc, 13), arg(pc, 14), arg(pc, 15), arg(pc, 16),
          arg(pc, 17), arg(pc, 18), arg(pc, 19), arg(pc, 20), argf(pc, 21), argf(pc, 22),
        );
        pc += 23 << 2;
        break;
      case Opcode.Depthwise:
        depthwise(
          arg(pc, 0), arg(pc, 1), arg(pc, 2), arg(pc, 3), arg(pc, 4), arg(pc, 5), arg(pc, 6), arg(pc, 7), arg(pc, 8),
          arg(pc, 9), arg(pc, 10), arg(pc, 11), arg(pc, 12), arg(pc, 13), arg(pc, 14), arg(pc, 15), arg(pc, 16),
          arg(pc, 17), arg(pc, 18), arg(pc, 19), argf(pc, 20), argf(pc, 21),
        );
        pc += 22 << 2;
        break;
      case Opcode.AddClamp:
        addClamp(arg(pc, 0), arg(pc, 1), arg(pc, 2), arg(pc, 3), arg(pc, 4), arg(pc, 5), argf(pc, 6), argf(pc, 7));
        pc += 8 << 2;
        break;
      case Opcode.Clamp:
        clamp(arg(pc, 0), arg(pc, 1), arg(pc, 2), argf(pc, 3), argf(pc, 4));
        pc += 5 << 2;
        break;
      case Opcode.Sigmoid:
        sigmoid(arg(pc, 0), arg(pc, 1), arg(pc, 2));
        pc += 3 << 2;
        break;
      case Opcode.MaxPool:
      case Opcode.AveragePool: {
        const pool = op == Opcode.MaxPool ? maxPool : averagePool;
        pool(
          arg(pc, 0), arg(pc, 1), arg(pc, 2), arg(pc, 3), arg(pc, 4), arg(pc, 5), arg(pc, 6), arg(pc, 7),
          arg(pc, 8), arg(pc, 9), arg(pc, 10), arg(pc, 11), arg(pc, 12), arg(pc, 13), arg(pc, 14), arg(pc, 15),
        );
        pc += 16 << 2;
        break;
      }
      case Opcode.ResampleLinear:
        resampleLinear(arg(pc, 0), arg(pc, 1), arg(pc, 2), arg(pc, 3), arg(pc, 4), arg(pc, 5), arg(pc, 6), arg(pc, 7), argf(pc, 8), argf(pc, 9));
        pc += 10 << 2;
        break;
      case Opcode.Copy:
        copy(
          arg(pc, 0), arg(pc, 1), arg(pc, 2), arg(pc, 3), arg(pc, 4), arg(pc, 5), arg(pc, 6), arg(pc, 7),
          arg(pc, 8), arg(pc, 9), arg(pc, 10), arg(pc, 11), arg(pc, 12), arg(pc, 13),
        );
        pc += 14 << 2;
        break;
      case Opcode.Fill:
        fill(arg(pc, 0), arg(pc, 1), argf(pc, 2));
        pc += 3 << 2;
        break;
      default:
        unreachable();
    }
  }
}
