import { WgslLoweringError } from '../errors.js';
import { f32, shapeTag, type Lowering } from '../lowering.js';

/** The residual sum of two or more tensors of one shape. */
export const addLowering: Lowering<'Add'> = {
  lower(node, ctx) {
    const total = ctx.size(node.output);
    if (node.inputs.length + 1 > ctx.limits.maxStorageBuffersPerShaderStage) {
      throw new WgslLoweringError(node.name, `an Add of ${node.inputs.length} inputs needs more storage buffers than maxStorageBuffersPerShaderStage = ${ctx.limits.maxStorageBuffersPerShaderStage}`);
    }
    const s = ctx.shader(`add${node.inputs.length}_${total}`, `sum of ${node.inputs.length} tensors of ${total} values`);
    const names = node.inputs.map((_, i) => s.input(`x${i}`, ctx.input(i)));
    s.output('y', ctx.output());
    s.elements(total).main(`y[index] = ${names.map((n) => `${n}[index]`).join(' + ')};`);
    ctx.dispatch(s.build());
  },
};

/** x · s: by a per-channel scale ([C,1,1]) or elementwise (one shape). */
export const mulLowering: Lowering<'Mul'> = {
  lower(node, ctx) {
    const shape = ctx.shape(node.output);
    const total = ctx.size(node.output);
    const perChannel = ctx.size(node.inputs[1]!) !== total;
    const plane = perChannel ? total / shape[0]! : 1;
    const s = ctx.shader(
      perChannel ? `channel_scale_${shapeTag(shape)}` : `mul_${total}`,
      perChannel ? `x · s[c] over [${shape.join(',')}]` : `elementwise product of ${total} values`,
    );
    s.input('x', ctx.input(0));
    s.input('s', ctx.input(1));
    s.output('y', ctx.output());
    if (perChannel) s.constant('PLANE', plane);
    s.elements(total).main(`y[index] = x[index] * s[${perChannel ? 'index / PLANE' : 'index'}];`);
    ctx.dispatch(s.build());
  },
};

/** Multiplication by a constant the compiler could not fold into a conv. */
export const scaleLowering: Lowering<'Scale'> = {
  lower(node, ctx) {
    const total = ctx.size(node.output);
    const s = ctx.shader(`scale_${total}_by_${String(node.attrs.factor).replace(/[^0-9a-z]/gi, '_')}`, `x · ${node.attrs.factor}`);
    s.input('x', ctx.input(0));
    s.output('y', ctx.output());
    s.elements(total).main(`y[index] = x[index] * ${f32(node.attrs.factor)};`);
    ctx.dispatch(s.build());
  },
};
