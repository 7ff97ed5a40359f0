import { activationExpression, activationTag, shapeTag, type Lowering } from '../lowering.js';

/** The fused SE scale + residual sum (+ ReLU): act(x · s + y) in one pass over memory. */
export const scaleAddLowering: Lowering<'ScaleAdd'> = {
  lower(node, ctx) {
    const shape = ctx.shape(node.output);
    const total = ctx.size(node.output);
    const perChannel = ctx.size(node.inputs[1]!) !== total;
    const act = node.attrs.activation;
    const s = ctx.shader(`scale_add_${shapeTag(shape)}${perChannel ? '' : '_elementwise'}${activationTag(act)}`, `act(x · s + r) over [${shape.join(',')}]`);
    s.input('x', ctx.input(0));
    s.input('s', ctx.input(1));
    s.input('r', ctx.input(2), 'the residual');
    s.output('y', ctx.output());
    if (perChannel) s.constant('PLANE', total / shape[0]!);
    s.elements(total).main(`y[index] = ${activationExpression(act, `(x[index] * s[${perChannel ? 'index / PLANE' : 'index'}] + r[index])`)};`);
    ctx.dispatch(s.build());
  },
};
