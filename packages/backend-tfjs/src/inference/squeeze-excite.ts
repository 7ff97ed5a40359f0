import { convKernel } from '../layout.js';
import { applyActivation, fusedActivation } from './activation.js';
import { tensorType, type Expr, type InferenceContext, type InferenceLowering } from './context.js';

/** A fused op's output with the activation applied, by tfjs when it fuses it, else after. */
function activated(ctx: InferenceContext, part: string, call: (activation: string) => Expr, kind: Parameters<typeof fusedActivation>[0], type: string): Expr {
  const fused = fusedActivation(kind);
  if (fused !== undefined) return ctx.assign(part, call(fused === 'linear' ? '' : `, activation: '${fused}'`), type);
  return ctx.assign(part, applyActivation(ctx, kind!, ctx.assign(`${part}_linear`, call(''), type)), type);
}

/**
 * The excitation with the fewest ops: the squeeze (tf.mean / tf.max over H and W, to [N, C]), two tf.fused.matMul
 * with bias and activation, and a reshape (a view) to [N, 1, 1, C] for the scaling that follows. Without a squeeze,
 * the FCs are 1×1 fused convolutions over the whole map.
 */
export const inferSqueezeExcite: InferenceLowering<'SqueezeExcite'> = (node, ctx) => {
  const a = node.attrs;
  const c = ctx.inputShape(0)[0]!;
  const r = a.reduced;
  // The 1×1-conv FC weights [R, C, 1, 1] and [C, R, 1, 1] as matMul kernels [C, R] and [R, C] (the same values), or
  // as 1×1 conv filters [1, 1, C, R] and [1, 1, R, C] without a squeeze.
  const map = a.squeeze === 'none' ? [1, 1] : [];
  const k1 = ctx.constant('w1', convKernel(ctx.requireWeight('w1'), [r, c, 1, 1]), [...map, c, r]);
  const b1 = a.bias ? `, bias: ${ctx.constant('b1', ctx.requireWeight('b1'), [r])}` : '';
  const k2 = ctx.constant('w2', convKernel(ctx.requireWeight('w2'), [c, r, 1, 1]), [...map, r, c]);
  const b2 = a.bias ? `, bias: ${ctx.constant('b2', ctx.requireWeight('b2'), [c])}` : '';
  if (a.squeeze === 'none') {
    const conv = (x: Expr, k: Expr, b: string) => (act: string) => `tf.fused.conv2d({ x: ${x}, filter: ${k}${b}, strides: 1, pad: 'valid'${act} })`;
    const hidden = activated(ctx, 'hidden', conv(ctx.input(0), k1, b1), a.act, 'tf.Tensor4D');
    return activated(ctx, 'gate', conv(hidden, k2, b2), a.gate, tensorType(ctx.outputShape()));
  }
  const squeezed = ctx.assign('squeeze', `tf.${a.squeeze === 'max' ? 'max' : 'mean'}(${ctx.input(0)}, [1, 2])`, 'tf.Tensor2D');
  const matMul = (x: Expr, k: Expr, b: string) => (act: string) => `tf.fused.matMul({ a: ${x}, b: ${k}${b}${act} }) as tf.Tensor2D`;
  const hidden = activated(ctx, 'hidden', matMul(squeezed, k1, b1), a.act, 'tf.Tensor2D');
  const gate = activated(ctx, 'gate', matMul(hidden, k2, b2), a.gate, 'tf.Tensor2D');
  return `tf.reshape(${gate}, [-1, 1, 1, ${c}])`;
};
