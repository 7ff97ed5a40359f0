import { compile } from '@excite/compiler';
import { createDiagnostic, DiagnosticError } from '@excite/diagnostics';
import { calibrateWeights, float32NoiseFloor, interpret, randomValues, randomWeights, relativeError, tensor, type Graph, type Tensor } from '@excite/ir';
import { VERIFY_TARGETS, type TargetRun, type VerifyTarget } from './targets.js';

export { VERIFY_TARGETS, type TargetRun, type VerifyTarget } from './targets.js';

export interface VerifyOptions {
  /** Target names (keys of VERIFY_TARGETS), in the order to run them. */
  targets: string[];
  /** Seed of the random weights and of the input. */
  seed: number;
  /** Timed runs per target after one warm-up run; the table shows the median. */
  runs: number;
  /** Where target names are looked up (tests add a deliberately wrong one). */
  registry?: Readonly<Record<string, VerifyTarget>>;
  /** Called before each step with its description, and the step's index out of `steps`. */
  progress?: (step: string, index: number, steps: number) => void;
}

export interface VerifyRow {
  target: string;
  runtime: string;
  maxAbsolute: number;
  relative: number;
  /** The target's tolerance, or NOISE_FLOOR_FACTOR × the network's float32 noise floor where that is larger. */
  tolerance: number;
  /** Set when the tolerance was raised to the noise floor's multiple. */
  noiseFloor?: number;
  latencyMs: number;
  pass: boolean;
  /** Why the target could not run (it then fails). */
  error?: string;
}

export interface VerifyReport {
  model: string;
  input: readonly number[];
  seed: number;
  referenceMs: number;
  rows: VerifyRow[];
  pass: boolean;
}

/** The logits: softmax squashes differences between runtimes, so every target is compared on what comes before it. */
export function withoutFinalSoftmax(graph: Graph): Graph {
  const last = graph.nodes[graph.nodes.length - 1]!;
  if (last.op !== 'Softmax') return graph;
  return { ...graph, nodes: graph.nodes.slice(0, -1), output: last.inputs[0]! };
}

/**
 * The weights every target runs: random from the seed (He-uniform convs, BN statistics and biases spread so that
 * folding does real work), then the BN statistics calibrated on a random batch, as a trained network's are, so the
 * activations of a deep network stay O(1) and a difference measures the runtime, not the conditioning.
 */
export function verificationWeights(graph: Graph, seed: number): Graph {
  // Eight images: at small inputs the last stages' maps are 1×1, and a batch norm calibrated on two values per
  // channel gets statistics that make the network needlessly ill-conditioned.
  const sample = tensor([CALIBRATION_BATCH, ...graph.input.shape], randomValues(CALIBRATION_BATCH * elements(graph.input.shape), seed + 1));
  return calibrateWeights(randomWeights(graph, seed), sample);
}

/**
 * A random network can be so ill-conditioned that rounding its weights to float32 by one ulp moves its output by more
 * than a target's tolerance (deep, SE-POST and tanh-gated models: @excite/ir's float32NoiseFloor). A runtime that sums
 * in float32 in its own order cannot be held closer than a few such roundings, so where the floor is the larger, a
 * target passes within this multiple of it — and the table says so.
 */
export const NOISE_FLOOR_FACTOR = 8;

const CALIBRATION_BATCH = 8;
const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function maxAbsoluteDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

/**
 * Compiles the model for inference, runs every requested target on the same weights and input, and compares each with
 * the reference interpreter run on the model as written (so the passes are checked too). A target that throws fails
 * its row; the others still run.
 */
export async function verifyModel(elaborated: Graph, options: VerifyOptions): Promise<VerifyReport> {
  const steps = 1 + options.targets.length;
  const model = withoutFinalSoftmax(verificationWeights(elaborated, options.seed));
  const input: Tensor = tensor([1, ...model.input.shape], randomValues(elements(model.input.shape), options.seed + 2));

  options.progress?.('reference interpreter', 0, steps);
  const started = performance.now();
  const reference = interpret(model, input).output;
  const expected = reference.data;
  const referenceMs = performance.now() - started;
  const bad = expected.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    // Nothing can be compared against an overflowed reference; say so rather than fail every target with NaN.
    throw new DiagnosticError(createDiagnostic('E0506',
      `${model.name}'s reference output is not finite (it overflows float32) with the random weights of seed ${options.seed} at input ${input.shape.slice(1).join('x')} ` +
      `(output ${bad} is ${expected[bad]}): there is nothing to compare the targets with`));
  }
  const { graph: inference } = compile(model, { pipeline: 'inference', seed: options.seed });

  let floor: number | undefined;
  const noiseFloor = () => (floor ??= float32NoiseFloor(model, input, reference));
  const rows: VerifyRow[] = [];
  for (const [i, name] of options.targets.entries()) {
    const target = (options.registry ?? VERIFY_TARGETS)[name];
    if (!target) throw new Error(`internal: no verify target ${name}`);
    options.progress?.(`${name}: ${target.runtime}`, i + 1, steps);
    let result: TargetRun | TargetRun[];
    try {
      result = await target.run({ trainable: model, inference, input, runs: options.runs });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      rows.push({ target: name, runtime: target.runtime, maxAbsolute: NaN, relative: NaN, tolerance: target.tolerance, latencyMs: NaN, pass: false, error: message });
      continue;
    }
    for (const run of Array.isArray(result) ? result : [result]) {
      const relative = relativeError(expected, run.output);
      let tolerance = target.tolerance;
      let raisedTo: number | undefined;
      if (!(relative <= tolerance) && Number.isFinite(relative) && NOISE_FLOOR_FACTOR * noiseFloor() > tolerance) {
        raisedTo = noiseFloor();
        tolerance = NOISE_FLOOR_FACTOR * raisedTo;
      }
      rows.push({
        target: name,
        runtime: run.runtime ?? target.runtime,
        maxAbsolute: maxAbsoluteDifference(expected, run.output),
        relative,
        tolerance,
        ...(raisedTo === undefined ? {} : { noiseFloor: raisedTo }),
        latencyMs: median(run.timesMs),
        pass: relative <= tolerance,
      });
    }
  }
  options.progress?.('done', steps, steps);
  return { model: elaborated.source?.model ?? elaborated.name, input: input.shape, seed: options.seed, referenceMs, rows, pass: rows.every((r) => r.pass) };
}
