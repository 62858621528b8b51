// Fuzzed model files, readers only (the graph stage runs in `npm run fuzz`): every seeded mutation of each
// of the four model files must end in a ModelFormatError or a model that reads, never another error.
import { expect } from 'chai';
import { createContext } from '../../webnn/index.ts';
import { loadNetwork } from '../../model/graph/load-network.ts';
import { modelSpecs } from '../../model/model-specs.ts';
import { ModelLoadError } from '../../model/errors.ts';
import { MAX_MODEL_BYTES, ModelFormatError } from '../../model/readers/imported-model.ts';
import { readOnnx } from '../../model/readers/onnx.ts';
import { readTflite } from '../../model/readers/tflite.ts';
import { fetchOk } from '../helpers/fixtures.ts';
import { graphOutcome, readOutcome, structureSignature } from '../helpers/fuzz-outcome.ts';
import { mapStructure, mutate, MUTATION_KINDS, type FuzzFormat, type MutationKind } from '../helpers/model-mutator.ts';

const CASES = 300;

const files: { model: 'short' | 'full' | 'front' | 'back'; format: FuzzFormat; path: string }[] = [
  { model: 'short', format: 'tflite', path: '/assets/models/face_detection_short_range.tflite' },
  { model: 'full', format: 'tflite', path: '/assets/models/face_detection_full_range.tflite' },
  { model: 'front', format: 'onnx', path: '/assets/models/face_detection_front_128x128_barracuda.onnx' },
  { model: 'back', format: 'onnx', path: '/assets/models/face_detection_back_256x256_barracuda.onnx' },
];

async function bytesOf(path: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetchOk(path)).arrayBuffer());
}

describe('fuzzed model files', () => {
  for (const { model, format, path } of files) {
    it(`${model} (${format}): ${CASES} seeded mutations end in ModelFormatError or a model that reads`, async () => {
      const pristine = await bytesOf(path);
      const read = readOutcome(pristine, format, model);
      if (read.outcome !== 'read') expect.fail(`pristine ${model}: ${read.message}`);
      const signature = structureSignature(read.model);
      const structure = mapStructure(pristine, format);
      // The map must find the structure, or the structural mutations would be bit flips in weights.
      expect(structure.pointers.length, 'length/offset fields found').to.be.greaterThan(500);
      expect(structure.tables.length, 'tables found').to.be.greaterThan(200);

      const counts = Object.fromEntries(MUTATION_KINDS.map((kind) => [kind, { errors: 0, read: 0, changed: 0 }])) as Record<
        MutationKind,
        { errors: number; read: number; changed: number }
      >;
      for (let seed = 1; seed <= CASES; seed++) {
        const mutation = mutate(pristine, structure, format, seed);
        const differs = mutation.bytes.length !== pristine.length || mutation.bytes.some((byte, i) => byte !== pristine[i]);
        expect(differs, `seed ${seed} (${mutation.detail}) changed nothing`).to.equal(true);
        const outcome = readOutcome(mutation.bytes, format, `${model}-seed-${seed}`);
        if (outcome.outcome === 'untyped-error') expect.fail(`seed ${seed} (${mutation.kind}: ${mutation.detail}): ${outcome.message}`);
        const tally = counts[mutation.kind];
        if (outcome.outcome === 'format-error') tally.errors++;
        else if (structureSignature(outcome.model) === signature) tally.read++;
        else tally.changed++;
      }
      console.log(`fuzz ${model}: ${JSON.stringify(counts)}`);
      // Each kind ran CASES / 5 times; a truncated file never reads, and structural damage is mostly caught.
      for (const kind of MUTATION_KINDS) {
        const { errors, read: same, changed } = counts[kind];
        expect(errors + same + changed, kind).to.equal(CASES / MUTATION_KINDS.length);
      }
      expect(counts.truncate.errors, 'truncations refused').to.equal(CASES / MUTATION_KINDS.length);
      expect(counts['zeroed-table'].errors, 'zeroed tables refused').to.be.greaterThan(CASES / MUTATION_KINDS.length / 2);
      expect(counts['length-or-offset'].errors, 'bad lengths/offsets refused').to.be.greaterThan(CASES / MUTATION_KINDS.length / 2);
    });
  }

  it('a mutation that still reads builds and runs, or fails to build with ModelFormatError (wasm engine)', async () => {
    const { context } = await createContext({ engine: 'wasm' });
    try {
      // Structural mutations of the short model that read but change the graph: the graph stage, as npm run fuzz runs it.
      const pristine = await bytesOf(files[0]!.path);
      const structure = mapStructure(pristine, 'tflite');
      const pristineRead = readOutcome(pristine, 'tflite', 'short');
      if (pristineRead.outcome !== 'read') expect.fail(pristineRead.message);
      const signature = structureSignature(pristineRead.model);
      const outcomes: Record<string, number> = { 'format-error': 0, runs: 0 };
      for (let seed = 1, tried = 0; seed <= 2000 && tried < 12; seed++) {
        const mutation = mutate(pristine, structure, 'tflite', seed);
        const read = readOutcome(mutation.bytes, 'tflite', `short-seed-${seed}`);
        if (read.outcome !== 'read' || structureSignature(read.model) === signature) continue;
        tried++;
        const graph = await graphOutcome(mutation.bytes, modelSpecs.short, `short-seed-${seed}`, context);
        if (graph.outcome === 'untyped-error') expect.fail(`seed ${seed} (${mutation.detail}): ${graph.message}`);
        outcomes[graph.outcome]!++;
      }
      console.log(`fuzz short, graph stage on wasm: ${JSON.stringify(outcomes)}`);
      expect(outcomes['format-error']! + outcomes.runs!).to.equal(12);
      expect(outcomes.runs, 'some changed graphs still run').to.be.greaterThan(0);
    } finally {
      context.destroy();
    }
  });

  it("keeps what npm run fuzz found fixed: a conv2d filter or bias of the wrong rank is the file's fault", async () => {
    // Bit flips that changed a weight tensor's shape: the device's limits must not be blamed (an
    // UnsupportedGraphError, which on native WebNN would send a broken file to the polyfill), the file is.
    const { context } = await createContext({ engine: 'wasm' });
    try {
      for (const [model, seed, complaint] of [
        ['short', 6091, 'filter'],
        ['short', 8581, 'bias'],
        ['full', 7667, 'bias'],
        ['back', 5012, 'filter'],
      ] as const) {
        const { path, format } = files.find((file) => file.model === model)!;
        const pristine = await bytesOf(path);
        const mutation = mutate(pristine, mapStructure(pristine, format), format, seed);
        const graph = await graphOutcome(mutation.bytes, modelSpecs[model], `${model}-seed-${seed}`, context);
        expect(graph.outcome, `${model} seed ${seed}: ${graph.message}`).to.equal('format-error');
        expect(graph.message, `${model} seed ${seed}`).to.contain('conv2d').and.to.contain(complaint);
      }
    } finally {
      context.destroy();
    }
  });

  it('refuses a file over the size cap before parsing it', () => {
    // Valid headers followed by zeros: only the size can be what the readers object to.
    const huge = new Uint8Array(MAX_MODEL_BYTES + 1);
    huge.set(new TextEncoder().encode('TFL3'), 4);
    for (const read of [readTflite, readOnnx]) {
      let caught: unknown;
      try {
        read(huge, 'huge.bin');
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(ModelFormatError);
      expect((caught as Error).message).to.contain(`over the ${MAX_MODEL_BYTES}-byte limit`);
    }
  });

  it('refuses a model URL whose Content-Length exceeds the cap, before reading the body', async () => {
    const { context } = await createContext({ engine: 'wasm' });
    try {
      // A blob: URL answers with a Content-Length; the cap is checked before a byte is read.
      const blob = new Blob([new Uint8Array(MAX_MODEL_BYTES + 1)]);
      const url = URL.createObjectURL(blob);
      try {
        let caught: unknown;
        try {
          await loadNetwork(modelSpecs.short, url, context, 'float32');
        } catch (error) {
          caught = error;
        }
        expect(caught).to.be.instanceOf(ModelLoadError);
        expect((caught as Error).message).to.contain(`over the ${MAX_MODEL_BYTES}-byte limit`);
      } finally {
        URL.revokeObjectURL(url);
      }
    } finally {
      context.destroy();
    }
  });

  it('an input shape the detector cannot feed is a ModelFormatError, not an engine error at detect time', async () => {
    // Batch 2 instead of 1 in the short model's input tensor: every op still builds, the outputs get batch 2.
    const pristine = await bytesOf(files[0]!.path);
    const read = readOutcome(pristine, 'tflite', 'short');
    if (read.outcome !== 'read') expect.fail(read.message);
    const input = read.model.tensors.get(read.model.inputs[0]!)!;
    expect(input.shape).to.deep.equal([1, 128, 128, 3]);
    const structure = mapStructure(pristine, 'tflite');
    const bytes = pristine.slice();
    // The input tensor's shape vector: the first int32 that equals 1 followed by 128, 128, 3.
    const view = new DataView(bytes.buffer);
    let at = -1;
    for (const pointer of structure.pointers) {
      const p = pointer.pos;
      if (pointer.label.startsWith('length of') && view.getUint32(p, true) === 4 && view.getInt32(p + 4, true) === 1 &&
        view.getInt32(p + 8, true) === 128 && view.getInt32(p + 16, true) === 3) at = p + 4;
    }
    expect(at).to.be.greaterThan(0);
    view.setInt32(at, 2, true);
    const { context } = await createContext({ engine: 'wasm' });
    try {
      const graph = await graphOutcome(bytes, modelSpecs.short, 'batch-2.tflite', context);
      expect(graph.outcome).to.equal('format-error');
      expect(graph.message).to.contain('expected one input [1,128,128,3], found [2,128,128,3]');
    } finally {
      context.destroy();
    }
  });
});
