import type { Lowering } from '../lowering.js';
import { treeReduce } from './reduce.js';

/** Softmax over one sample's values: one workgroup reduces the max, then the sum of exponentials. */
export const softmaxLowering: Lowering<'Softmax'> = {
  lower(node, ctx) {
    const total = ctx.size(node.output);
    const size = 256;
    const s = ctx.shader(`softmax_${total}`, `softmax over ${total} values`);
    s.input('x', ctx.input(0));
    s.output('y', ctx.output());
    s.constant('COUNT', total);
    const partial = s.workgroupArray('partial', size);
    s.groups(1, size).main(`
      var m = -3.402823e38;
      for (var i = lid; i < COUNT; i += ${size}u) {
        m = max(m, x[i]);
      }
      ${partial}[lid] = m;
      ${treeReduce(partial, size, (a, b) => `max(${a}, ${b})`)}
      let top = ${partial}[0];
      workgroupBarrier();
      var sum = 0.0;
      for (var i = lid; i < COUNT; i += ${size}u) {
        let e = exp(x[i] - top);
        y[i] = e;
        sum += e;
      }
      ${partial}[lid] = sum;
      ${treeReduce(partial, size, (a, b) => `${a} + ${b}`)}
      let total = ${partial}[0];
      for (var i = lid; i < COUNT; i += ${size}u) {
        y[i] = y[i] / total;
      }
    `);
    ctx.dispatch(s.build());
  },
};
