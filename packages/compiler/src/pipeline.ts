import { applyRules, type Firing, type Graph, type RuleSet } from '@excite/ir';
import { dropInferenceNoops } from './passes/drop-inference-noops.js';
import { eliminateDeadCode } from './passes/eliminate-dead-code.js';
import { foldBatchNorm } from './passes/fold-batch-norm.js';
import { foldConstantScale } from './passes/fold-constant-scale.js';
import { fuseConvActivation } from './passes/fuse-conv-activation.js';
import { fuseScaleAdd } from './passes/fuse-scale-add.js';
import { fuseSqueezeExcite } from './passes/fuse-squeeze-excite.js';

/** A named stage of a pipeline: a pure function Graph → Graph that also reports what it did. */
export interface Stage {
  name: string;
  doc: string;
  run(graph: Graph): { graph: Graph; firings: Firing[] };
}

function ruleStage(rules: RuleSet, doc: string): Stage {
  return { name: rules.name, doc, run: (graph) => applyRules(graph, rules) };
}

export const STAGES = {
  'drop-inference-noops': ruleStage(dropInferenceNoops, 'remove dropout, identities and unit scales'),
  'fold-batch-norm': ruleStage(foldBatchNorm, 'fold each conv’s batch norm into its weights and bias'),
  'fold-constant-scale': ruleStage(foldConstantScale, 'fold constant residual scales into the conv before them'),
  'fuse-squeeze-excite': ruleStage(fuseSqueezeExcite, 'fuse each SE excitation into one SqueezeExcite op'),
  'fuse-scale-add': ruleStage(fuseScaleAdd, 'fuse SE channel scale + residual sum (+ ReLU) into ScaleAdd (Axpy)'),
  'fuse-conv-activation': ruleStage(fuseConvActivation, 'fuse a conv’s activation into the conv'),
  'eliminate-dead-code': {
    name: 'eliminate-dead-code',
    doc: 'remove nodes and weights that do not reach the output',
    run: (graph) => ({ graph: eliminateDeadCode(graph), firings: [] }),
  },
} satisfies Record<string, Stage>;

export type StageName = keyof typeof STAGES;

/** Pipelines are flat lists of named stages, run in order. */
export const PIPELINES = {
  /** Everything, for deployment: what the ONNX, tfjs-inference and WGSL targets start from. */
  inference: [
    'drop-inference-noops',
    'fold-batch-norm',
    'fold-constant-scale',
    'fuse-squeeze-excite',
    'fuse-scale-add',
    'fuse-conv-activation',
    'eliminate-dead-code',
  ],
  /** Training keeps batch norm, dropout and the unfused SE (every op stays differentiable as written). */
  training: ['eliminate-dead-code'],
  /** The graph exactly as elaborated. */
  none: [],
} as const satisfies Record<string, readonly StageName[]>;

export type PipelineName = keyof typeof PIPELINES;

export function isPipelineName(name: string): name is PipelineName {
  return Object.hasOwn(PIPELINES, name);
}
