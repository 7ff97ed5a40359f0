export { compile, countOps, type CompileOptions, type CompileResult, type StageReport } from './compile.js';
export { PIPELINES, STAGES, isPipelineName, type PipelineName, type Stage, type StageName } from './pipeline.js';
export { dropInferenceNoops } from './passes/drop-inference-noops.js';
export { foldBatchNorm } from './passes/fold-batch-norm.js';
export { foldConstantScale } from './passes/fold-constant-scale.js';
export { fuseSqueezeExcite, ACTIVATION_OF } from './passes/fuse-squeeze-excite.js';
export { fuseScaleAdd } from './passes/fuse-scale-add.js';
export { fuseConvActivation } from './passes/fuse-conv-activation.js';
export { eliminateDeadCode } from './passes/eliminate-dead-code.js';
