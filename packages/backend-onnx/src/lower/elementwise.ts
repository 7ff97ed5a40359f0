import { tensorValues } from '../onnx.js';
import type { Lowering } from '../lowering.js';
import { readScaleOperand, scaleOperand } from './channel-scale.js';

/** The residual join: Add for two inputs, Sum for more. */
export const addLowering: Lowering<'Add'> = {
  attributes: () => ({}),
  emit(node, attrs, ctx) {
    const inputs = node.inputs.map((_, i) => ctx.input(i));
    ctx.add(inputs.length === 2 ? 'Add' : 'Sum', inputs, attrs);
  },
  import(group) {
    const [add] = group.nodes;
    if (group.nodes.length !== 1 || (add?.opType !== 'Add' && add?.opType !== 'Sum')) return undefined;
    if (add.input!.some((i) => group.initializer(i))) return undefined;
    return { op: 'Add', inputs: [...add.input!], weights: {}, attrs: {} };
  },
};

/** Channel scale x [N,C,H,W] · s [N,C,1,1], by broadcasting (or, in the `ort-cpu` profile, after a Resize). */
export const mulLowering: Lowering<'Mul'> = {
  attributes: () => ({}),
  emit(node, attrs, ctx) {
    ctx.add('Mul', [ctx.input(0), scaleOperand(ctx, node.inputs[0]!, node.inputs[1]!, 1)], attrs);
  },
  import(group) {
    const { at, s } = readScaleOperand(group.nodes);
    const mul = group.nodes[at];
    if (group.nodes.length !== at + 1 || mul?.opType !== 'Mul' || mul.input!.some((i) => group.initializer(i))) return undefined;
    return { op: 'Mul', inputs: [mul.input![0]!, s(mul)], weights: {}, attrs: {} };
  },
};

/** Multiplication by a constant: Mul by a scalar initializer `<node>/factor`. */
export const scaleLowering: Lowering<'Scale'> = {
  attributes: () => ({}),
  emit(node, attrs, ctx) {
    ctx.add('Mul', [ctx.input(0), ctx.constant('factor', 'float', [], [node.attrs.factor])], attrs);
  },
  import(group) {
    const [mul] = group.nodes;
    if (group.nodes.length !== 1 || mul?.opType !== 'Mul') return undefined;
    const factor = group.initializer(mul.input![1]!);
    if (!factor || group.initializer(mul.input![0]!)) return undefined;
    return { op: 'Scale', inputs: [mul.input![0]!], weights: {}, attrs: { factor: tensorValues(factor)[0]! } };
  },
};
