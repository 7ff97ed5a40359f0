import { WgslLoweringError } from '../errors.js';
import { shapeTag, type Lowering } from '../lowering.js';

/**
 * Channel concatenation. In NCHW each input is one contiguous run of the output sample, so each output value finds its
 * input by comparing its flat index with the runs' offsets (compile-time constants).
 */
export const concatLowering: Lowering<'Concat'> = {
  lower(node, ctx) {
    if (node.inputs.length + 1 > ctx.limits.maxStorageBuffersPerShaderStage) {
      throw new WgslLoweringError(node.name, `a Concat of ${node.inputs.length} inputs needs more storage buffers than maxStorageBuffersPerShaderStage = ${ctx.limits.maxStorageBuffersPerShaderStage}`);
    }
    const sizes = node.inputs.map((t) => ctx.size(t));
    const total = ctx.size(node.output);
    const s = ctx.shader(`concat_${sizes.join('_')}`, `concatenation of runs of ${sizes.join(', ')} values`);
    node.inputs.forEach((_, i) => s.input(`x${i}`, ctx.input(i)));
    s.output('y', ctx.output());
    const branches: string[] = [];
    let offset = 0;
    sizes.forEach((size, i) => {
      const read = `y[index] = x${i}[index - ${offset}u];`;
      if (i === sizes.length - 1) branches.push(i === 0 ? read : `} else {\n  ${read}\n}`);
      else branches.push(`${i === 0 ? '' : '} else '}if (index < ${offset + size}u) {\n  ${read}`);
      offset += size;
    });
    s.elements(total).main(branches.join('\n'));
    ctx.dispatch(s.build());
  },
};

/** ShuffleNet's shuffle: output channel j·g + i takes input channel i·(C/g) + j. */
export const channelShuffleLowering: Lowering<'ChannelShuffle'> = {
  lower(node, ctx) {
    const [c, h, w] = ctx.shape(node.output) as [number, number, number];
    const groups = node.attrs.groups;
    const s = ctx.shader(`channel_shuffle_${shapeTag([c, h, w])}_g${groups}`, `channel shuffle of [${c},${h},${w}] in ${groups} groups`);
    s.input('x', ctx.input(0));
    s.output('y', ctx.output());
    s.constant('PLANE', h * w).constant('GROUPS', groups).constant('PER_GROUP', c / groups);
    s.elements(c * h * w).main(`
      let oc = index / PLANE;
      let ic = (oc % GROUPS) * PER_GROUP + oc / GROUPS;
      y[index] = x[ic * PLANE + index % PLANE];
    `);
    ctx.dispatch(s.build());
  },
};

/** Flatten and dropout change nothing in memory at inference: the output is the input's buffer. */
export const aliasLowering: Lowering<'Flatten' | 'Dropout'> = {
  lower: (_node, ctx) => ctx.alias(),
};
