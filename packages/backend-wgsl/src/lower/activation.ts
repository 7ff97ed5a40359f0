import type { OpKind, ActivationKind } from '@excite/ir';
import { activationExpression, type Lowering } from '../lowering.js';

/** A pointwise activation: one invocation per value. */
export function activationLowering<K extends OpKind>(kind: ActivationKind): Lowering<K> {
  return {
    lower(node, ctx) {
      if (kind === 'identity') return ctx.alias();
      const total = ctx.size(node.output);
      const s = ctx.shader(`${kind}_${total}`, `${kind} over ${total} values`);
      s.input('x', ctx.input(0));
      s.output('y', ctx.output());
      s.elements(total).main(`y[index] = ${activationExpression(kind, 'x[index]')};`);
      ctx.dispatch(s.build());
    },
  };
}
