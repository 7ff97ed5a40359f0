import type { Lowering } from '../lowering.js';
import { emitActivation, trailingActivation } from './activation.js';
import { readScaleOperand, scaleOperand } from './channel-scale.js';

/** act(x · s + y): Mul (broadcast over H, W) → Add → activation. */
export const scaleAddLowering: Lowering<'ScaleAdd'> = {
  attributes: () => ({}),
  emit(node, _attrs, ctx) {
    const scaled = ctx.add('Mul', [ctx.input(0), scaleOperand(ctx, node.inputs[0]!, node.inputs[1]!, 1)], {}, 'scale');
    const act = node.attrs.activation;
    if (!act || act === 'identity') {
      ctx.add('Add', [scaled, ctx.input(2)], {});
      return;
    }
    emitActivation(act, ctx.add('Add', [scaled, ctx.input(2)], {}, 'add'), ctx);
  },
  import(group) {
    const { at, s } = readScaleOperand(group.nodes);
    const [mul, add] = group.nodes.slice(at);
    if (mul?.opType !== 'Mul' || add?.opType !== 'Add' || add.input![0] !== mul.output![0]) return undefined;
    const act = trailingActivation(group.nodes, at + 2);
    if (!act) return undefined;
    return {
      op: 'ScaleAdd',
      inputs: [mul.input![0]!, s(mul), add.input![1]!],
      weights: {},
      attrs: act === 'none' ? {} : { activation: act },
    };
  },
};
