import type { SourceFile } from '@excite/diagnostics';
import type { Graph } from '@excite/ir';
import { DEFAULT_OPSET, emitOnnx, type OnnxProfileName } from '@excite/backend-onnx';

/** What every target gets: the compiled graph, its sources and the target-specific flags, parsed. */
export interface TargetInput {
  graph: Graph;
  /** File name stem for the artifacts (the model's name). */
  model: string;
  sources: Map<string, SourceFile>;
  pipeline: string;
  version: string;
  onnx: { opset: number; functions: boolean; profile: OnnxProfileName };
}

/** One artifact a target writes, relative to --out. */
export interface Artifact {
  path: string;
  contents: Uint8Array | string;
}

export interface Target {
  /** One line for `--help`. */
  doc: string;
  emit(input: TargetInput): Artifact[];
}

/**
 * The compile targets, by `--target` name. Adding a backend is one entry here (plus its flags in compile.ts):
 * `--target onnx,tfjs` runs each listed target over the same compiled graph.
 */
export const TARGETS: Record<string, Target> = {
  onnx: {
    doc: `ONNX model (opset ${DEFAULT_OPSET} by default), weights as initializers: <model>.onnx`,
    emit: ({ graph, model, sources, pipeline, version, onnx }) => [{
      path: `${model}.onnx`,
      contents: emitOnnx(graph, { ...onnx, sources, pipeline, version }).bytes,
    }],
  },
};
