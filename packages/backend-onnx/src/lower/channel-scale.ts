import type { NodeProto } from '../onnx.js';
import type { EmitContext } from '../lowering.js';

/**
 * The SE channel scale's right operand. `standard`: s [N, C, 1, 1] itself (Mul broadcasts). `ort-cpu`: s resized
 * (nearest) to x's [N, C, H, W] first, its shape declared: onnxruntime's NCHWc layout pass keeps a Resize and an
 * equal-shape Mul in its blocked layout (it proves the shapes equal from the value_info), where a broadcasting Mul
 * forces layout reorders around every SE block (tools/bench/onnx.ts counts them).
 */
export function scaleOperand(ctx: EmitContext, x: string, s: string, sIndex: number): string {
  const [c, h, w] = ctx.shape(x);
  const sShape = ctx.shape(s);
  const perChannel = sShape.length === 3 && sShape[1] === 1 && sShape[2] === 1 && h! * w! > 1;
  if (ctx.profile !== 'ort-cpu' || !perChannel || c === undefined) return ctx.input(sIndex);
  const scales = ctx.constant('expand_scales', 'float', [4], [1, 1, h!, w!]);
  const expanded = ctx.add('Resize', [ctx.input(sIndex), '', scales], { coordinate_transformation_mode: 'asymmetric', mode: 'nearest', nearest_mode: 'floor' }, 'expand');
  ctx.declare(expanded, [c, h!, w!]);
  return expanded;
}

/** Skips the `ort-cpu` Resize before a channel-scale Mul: the index of the Mul and the scale tensor it reads. */
export function readScaleOperand(nodes: readonly NodeProto[]): { at: number; s: (mul: NodeProto) => string } {
  const first = nodes[0];
  if (first?.opType === 'Resize' && nodes[1]?.opType === 'Mul' && nodes[1].input?.[1] === first.output?.[0]) {
    return { at: 1, s: () => first.input![0]! };
  }
  return { at: 0, s: (mul) => mul.input![1]! };
}
