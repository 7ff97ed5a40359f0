import type { IrNode } from '@excite/ir';
import { activationExpression, activationTag, shapeTag, type LowerContext, type Lowering, type Operand } from '../lowering.js';
import { globalPoolBody } from './reduce.js';

/** Small maps are squeezed inside the excitation kernel itself: one dispatch for the whole block. */
const ONE_DISPATCH_VALUES = 16_384;
const EXCITE_THREADS = 256;

/**
 * The fused SE excitation: squeeze → FC C→R → act → FC R→C → gate, yielding the per-channel scale.
 * - Small maps (C·H·W ≤ 16384): one dispatch, one workgroup: it pools every channel into workgroup memory, runs both
 *   FCs with the hidden vector kept in workgroup memory, and writes the gate.
 * - Larger maps: two dispatches: the squeeze with a workgroup per channel (a parallel reduction over the map), then
 *   the same excitation kernel reading the pooled vector.
 * - No squeeze (the paper's ablation): the FCs are 1×1 convs over the whole map, one dispatch each.
 */
export const squeezeExciteLowering: Lowering<'SqueezeExcite'> = {
  lower(node, ctx) {
    const [c, h, w] = ctx.shape(node.inputs[0]!) as [number, number, number];
    const a = node.attrs;
    if (a.squeeze === 'none') return perPixelExcite(node, ctx, c, h * w);
    const plane = h * w;
    const oneDispatch = c * plane <= ONE_DISPATCH_VALUES && (c + a.reduced) * 4 <= ctx.limits.maxComputeWorkgroupStorageSize;
    let pooled: Operand = ctx.input(0);
    if (!oneDispatch) {
      pooled = ctx.scratch('squeezed', c);
      const s = ctx.shader(`se_squeeze_${a.squeeze}_${shapeTag([c, h, w])}`, `SE squeeze (global ${a.squeeze} pool) of [${c},${h},${w}]`);
      s.input('x', ctx.input(0));
      s.output('pooled', pooled);
      globalPoolBody(s, a.squeeze, c, plane, 'x', 'pooled');
      ctx.dispatch(s.build());
    }
    const tags = `${a.reduced}_${a.act}_${a.gate}${a.bias ? '_bias' : ''}`;
    const s = ctx.shader(
      oneDispatch ? `se_block_${a.squeeze}_${shapeTag([c, h, w])}_r${tags}` : `se_excite_${c}_r${tags}`,
      oneDispatch
        ? `SE excitation of [${c},${h},${w}]: global ${a.squeeze} pool, FC ${c}→${a.reduced}, ${a.act}, FC ${a.reduced}→${c}, ${a.gate}`
        : `SE excitation: FC ${c}→${a.reduced}, ${a.act}, FC ${a.reduced}→${c}, ${a.gate}`,
    );
    s.input(oneDispatch ? 'x' : 'pooled', pooled);
    // FC rows read four weights per load where their lengths allow (they do across the zoo: C and C/r multiples of 4).
    const wide1 = c % 4 === 0;
    const wide2 = a.reduced % 4 === 0;
    const weights = declareWeights(ctx, s, c, a.reduced, wide1, wide2);
    s.output('scale', ctx.output());
    s.constant('C', c).constant('R', a.reduced);
    const hidden = s.workgroupArray('hidden', a.reduced);
    let squeeze = '';
    let source = 'pooled';
    if (oneDispatch) {
      const squeezed = s.workgroupArray('squeezed', c);
      s.constant('PLANE', plane);
      const init = a.squeeze === 'max' ? '-3.402823e38' : '0.0';
      const combine = a.squeeze === 'max' ? 'max(acc, x[ch * PLANE + i])' : 'acc + x[ch * PLANE + i]';
      squeeze = `
        for (var ch = lid; ch < C; ch += ${EXCITE_THREADS}u) {
          var acc = ${init};
          for (var i = 0u; i < PLANE; i++) {
            acc = ${combine};
          }
          ${squeezed}[ch] = acc${a.squeeze === 'avg' ? ` / ${plane}.0` : ''};
        }
        workgroupBarrier();`;
      source = squeezed;
    }
    const quad = (array: string, i: string) => `vec4f(${array}[${i}], ${array}[${i} + 1u], ${array}[${i} + 2u], ${array}[${i} + 3u])`;
    const fc1 = wide1
      ? `for (var c4 = 0u; c4 < C / 4u; c4++) {
          acc += dot(w1[r * (C / 4u) + c4], ${quad(source, 'c4 * 4u')});
        }`
      : `for (var ch = 0u; ch < C; ch++) {
          acc += w1[r * C + ch] * ${source}[ch];
        }`;
    const fc2 = wide2
      ? `for (var r4 = 0u; r4 < R / 4u; r4++) {
          acc += dot(w2[ch * (R / 4u) + r4], ${quad(hidden, 'r4 * 4u')});
        }`
      : `for (var r = 0u; r < R; r++) {
          acc += w2[ch * R + r] * ${hidden}[r];
        }`;
    s.groups(1, EXCITE_THREADS).main(`
      ${squeeze}
      for (var r = lid; r < R; r += ${EXCITE_THREADS}u) {
        var acc = ${weights.b1 ? 'b1[r]' : '0.0'};
        ${fc1}
        ${hidden}[r] = ${activationExpression(a.act, 'acc')};
      }
      workgroupBarrier();
      for (var ch = lid; ch < C; ch += ${EXCITE_THREADS}u) {
        var acc = ${weights.b2 ? 'b2[ch]' : '0.0'};
        ${fc2}
        scale[ch] = ${activationExpression(a.gate, 'acc')};
      }
    `);
    ctx.dispatch(s.build());
  },
};

function declareWeights(ctx: LowerContext, s: ReturnType<LowerContext['shader']>, c: number, r: number, wide1: boolean, wide2: boolean): { b1: boolean; b2: boolean } {
  if (wide1) s.inputVec4('w1', ctx.weight('w1')!, `[${r}, ${c}], four per vec4`);
  else s.input('w1', ctx.weight('w1')!, `[${r}, ${c}]`);
  const b1 = ctx.weight('b1');
  if (b1) s.input('b1', b1);
  if (wide2) s.inputVec4('w2', ctx.weight('w2')!, `[${c}, ${r}], four per vec4`);
  else s.input('w2', ctx.weight('w2')!, `[${c}, ${r}]`);
  const b2 = ctx.weight('b2');
  if (b2) s.input('b2', b2);
  return { b1: b1 !== undefined, b2: b2 !== undefined };
}

/** Without a squeeze the excitation is two 1×1 convs over the map: hidden [R, P], then the gate [C, P]. */
function perPixelExcite(node: IrNode<'SqueezeExcite'>, ctx: LowerContext, c: number, plane: number): void {
  const a = node.attrs;
  const hidden = ctx.scratch('hidden', a.reduced * plane);
  const first = ctx.shader(`se_pixel_fc1_${c}x${plane}_to_${a.reduced}${a.bias ? '_bias' : ''}${activationTag(a.act)}`, `SE without squeeze: FC ${c}→${a.reduced} at each of ${plane} pixels, ${a.act}`);
  first.input('x', ctx.input(0));
  first.input('w1', ctx.weight('w1')!, `[${a.reduced}, ${c}]`);
  const b1 = ctx.weight('b1');
  if (b1) first.input('b1', b1);
  first.output('hidden', hidden);
  first.constant('C', c).constant('PLANE', plane);
  first.elements(a.reduced * plane).main(`
    let r = index / PLANE;
    let p = index % PLANE;
    var acc = ${b1 ? 'b1[r]' : '0.0'};
    for (var ch = 0u; ch < C; ch++) {
      acc += w1[r * C + ch] * x[ch * PLANE + p];
    }
    hidden[index] = ${activationExpression(a.act, 'acc')};
  `);
  ctx.dispatch(first.build());
  const second = ctx.shader(`se_pixel_fc2_${a.reduced}x${plane}_to_${c}${a.bias ? '_bias' : ''}${activationTag(a.gate)}`, `SE without squeeze: FC ${a.reduced}→${c} at each of ${plane} pixels, ${a.gate}`);
  second.input('hidden', hidden);
  second.input('w2', ctx.weight('w2')!, `[${c}, ${a.reduced}]`);
  const b2 = ctx.weight('b2');
  if (b2) second.input('b2', b2);
  second.output('scale', ctx.output());
  second.constant('R', a.reduced).constant('PLANE', plane);
  second.elements(c * plane).main(`
    let ch = index / PLANE;
    let p = index % PLANE;
    var acc = ${b2 ? 'b2[ch]' : '0.0'};
    for (var r = 0u; r < R; r++) {
      acc += w2[ch * R + r] * hidden[r * PLANE + p];
    }
    scale[index] = ${activationExpression(a.gate, 'acc')};
  `);
  ctx.dispatch(second.build());
}
