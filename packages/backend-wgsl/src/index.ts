export { emitWgsl, bundleFiles, type WgslBundle, type EmitWgslOptions } from './emit.js';
export { WgslLoweringError } from './errors.js';
export { DEFAULT_LIMITS, BINDING_ALIGNMENT } from './limits.js';
export { LOWERINGS } from './lowerings.js';
export { allocateBuffers, type Allocation, type Lifetime } from './allocate.js';
export { Shader, f32, u32, type BindingSource, type KernelDispatch } from './shader.js';
export type { LowerContext, Lowering, Operand } from './lowering.js';
export {
  PLAN_FORMAT,
  type Plan,
  type PlanBinding,
  type PlanBuffer,
  type PlanDispatch,
  type PlanKernel,
  type PlanTensor,
  type PlanWeight,
  type RequiredLimits,
} from './plan.js';
