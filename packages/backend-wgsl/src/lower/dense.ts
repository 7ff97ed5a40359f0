import type { Lowering } from '../lowering.js';
import { treeReduce } from './reduce.js';

/**
 * Fully connected, weight [O, I]. Wide inputs get one workgroup per output whose invocations stride through the row
 * (coalesced weight reads) and tree-reduce; narrow ones one invocation per output.
 */
export const denseLowering: Lowering<'Dense'> = {
  lower(node, ctx) {
    const inFeatures = ctx.size(node.inputs[0]!);
    const out = node.attrs.outFeatures;
    const s = ctx.shader(`dense_${inFeatures}_to_${out}${node.attrs.bias ? '_bias' : ''}`, `fully connected ${inFeatures} → ${out}`);
    s.input('x', ctx.input(0));
    s.input('w', ctx.weight('weight')!, `[${out}, ${inFeatures}]`);
    const bias = ctx.weight('bias');
    if (bias) s.input('b', bias);
    s.output('y', ctx.output());
    s.constant('IN', inFeatures);
    const start = bias ? 'b[o]' : '0.0';
    if (inFeatures < 128) {
      s.elements(out).main(`
        let o = index;
        var acc = ${start};
        for (var i = 0u; i < IN; i++) {
          acc += w[o * IN + i] * x[i];
        }
        y[o] = acc;
      `);
    } else {
      const size = 64;
      const partial = s.workgroupArray('partial', size);
      s.groups(out, size).main(`
        let o = group;
        var acc = 0.0;
        for (var i = lid; i < IN; i += ${size}u) {
          acc += w[o * IN + i] * x[i];
        }
        ${partial}[lid] = acc;
        ${treeReduce(partial, size, (a, b) => `${a} + ${b}`)}
        if (lid == 0u) {
          y[o] = ${partial}[0]${bias ? ' + b[o]' : ''};
        }
      `);
    }
    ctx.dispatch(s.build());
  },
};
