import type { ConvAttributes, IrNode } from '@excite/ir';
import { activationExpression, activationTag, shapeTag, type LowerContext, type Lowering } from '../lowering.js';

interface ConvGeometry {
  c: number;
  h: number;
  w: number;
  oc: number;
  oh: number;
  ow: number;
  a: ConvAttributes;
}

/**
 * Convolution (bias and activation fused). Two kernels, chosen at compile time from the shapes:
 * - implicit GEMM: per group, out = W [OCg × K] · im2col(x) [K × OH·OW] with K = Cg·kh·kw, never materialising
 *   im2col; each invocation keeps a 4×4 block of outputs in registers (a 1×1 stride-1 conv reads its input as the
 *   GEMM operand directly);
 * - direct, one invocation per output, for depthwise and narrow grouped convs (too few rows per group for a tile).
 */
export const convLowering: Lowering<'Conv'> = {
  lower(node, ctx) {
    const [c, h, w] = ctx.shape(node.inputs[0]!) as [number, number, number];
    const [oc, oh, ow] = ctx.shape(node.output) as [number, number, number];
    const g: ConvGeometry = { c, h, w, oc, oh, ow, a: node.attrs };
    if (oc / node.attrs.groups >= 8) gemmConv(node, ctx, g);
    else directConv(node, ctx, g);
  },
};

function convName(kind: string, g: ConvGeometry): string {
  const { a } = g;
  return `conv${a.kernel.join('x')}_${kind}_s${a.stride.join('x')}_p${a.pads.join('')}` +
    `${a.dilation[0] !== 1 || a.dilation[1] !== 1 ? `_d${a.dilation.join('x')}` : ''}${a.groups !== 1 ? `_g${a.groups}` : ''}` +
    `_${shapeTag([g.c, g.h, g.w])}_to_${g.oc}${a.bias ? '_bias' : ''}${activationTag(a.activation)}`;
}

function describe(g: ConvGeometry): string {
  const { a } = g;
  return `${a.kernel.join('x')} conv, stride ${a.stride.join('x')}, pads ${a.pads.join(',')}, groups ${a.groups}: ` +
    `[${g.c},${g.h},${g.w}] → [${g.oc},${g.oh},${g.ow}]${a.activation ? `, ${a.activation}` : ''}`;
}

function declare(node: IrNode<'Conv'>, ctx: LowerContext, s: ReturnType<LowerContext['shader']>, g: ConvGeometry, options: { vec4Weights?: boolean; vec4Input?: boolean } = {}): boolean {
  const { a } = g;
  if (options.vec4Input) s.inputVec4('x4', ctx.input(0));
  else s.input('x', ctx.input(0));
  const shape = `[${g.oc}, ${g.c / a.groups}, ${a.kernel.join(', ')}]`;
  if (options.vec4Weights) s.inputVec4('w4', ctx.weight('weight')!, `${shape}, four input taps per vec4`);
  else s.input('w', ctx.weight('weight')!, shape);
  const bias = ctx.weight('bias');
  if (bias) s.input('b', bias);
  s.output('y', ctx.output());
  s.constant('H', g.h).constant('W', g.w).constant('OH', g.oh).constant('OW', g.ow);
  s.constant('CG', g.c / a.groups).constant('OCG', g.oc / a.groups).constant('KH', a.kernel[0]).constant('KW', a.kernel[1]);
  return bias !== undefined;
}

function directConv(node: IrNode<'Conv'>, ctx: LowerContext, g: ConvGeometry): void {
  const { a } = g;
  const s = ctx.shader(convName('direct', g), describe(g));
  const bias = declare(node, ctx, s, g);
  s.elements(g.oc * g.oh * g.ow).main(`
    let o = index / (OH * OW);
    let oy = (index / OW) % OH;
    let ox = index % OW;
    let first = (o / OCG) * CG;
    var acc = ${bias ? 'b[o]' : '0.0'};
    for (var i = 0u; i < CG; i++) {
      for (var ky = 0u; ky < KH; ky++) {
        let iy = i32(oy * ${a.stride[0]}u + ky * ${a.dilation[0]}u) - ${a.pads[0]};
        if (iy < 0 || iy >= i32(H)) { continue; }
        for (var kx = 0u; kx < KW; kx++) {
          let ix = i32(ox * ${a.stride[1]}u + kx * ${a.dilation[1]}u) - ${a.pads[1]};
          if (ix < 0 || ix >= i32(W)) { continue; }
          acc += x[((first + i) * H + u32(iy)) * W + u32(ix)] * w[((o * CG + i) * KH + ky) * KW + kx];
        }
      }
    }
    y[index] = ${activationExpression(a.activation, 'acc')};
  `);
  ctx.dispatch(s.build());
}

/**
 * Implicit GEMM with register blocking: each invocation computes a 4×4 block (4 output channels × 4 output pixels),
 * reusing every weight it loads 4 times and every input value 4 times. No workgroup memory and no barriers: on
 * SwiftShader (Dawn's CPU Vulkan) barriers turn each invocation into a coroutine and a shared-memory tiled kernel ran
 * 30× slower and compiled 100× slower than this one (measured on the 67→65 3×3 case of wgsl-ops.test.ts).
 */
function gemmConv(node: IrNode<'Conv'>, ctx: LowerContext, g: ConvGeometry): void {
  const { a } = g;
  const rows = g.oc / a.groups;
  const cols = g.oh * g.ow;
  const depth = (g.c / a.groups) * a.kernel[0] * a.kernel[1];
  const pointwise = a.kernel[0] === 1 && a.kernel[1] === 1 && a.stride.every((v) => v === 1) && a.pads.every((v) => v === 0);
  // Weights four taps at a time when rows stay vec4-aligned; a pointwise input four pixels at a time likewise.
  const vec4Weights = depth % 4 === 0;
  const vec4Input = pointwise && vec4Weights && cols % 4 === 0 && g.c % 4 === 0;
  // Narrow maps (the last stages, where a conv is a matrix-vector product) put every invocation on rows.
  const bx = cols <= 4 ? 1 : cols <= 16 ? 4 : 8;
  const by = 64 / bx;
  const s = ctx.shader(convName('gemm', g), `${describe(g)}; implicit GEMM ${rows}×${cols}×${depth} per group, 4×4 per invocation`);
  const bias = declare(node, ctx, s, g, { vec4Weights, vec4Input });
  s.constant('ROWS', rows).constant('COLS', cols).constant('DEPTH', depth);
  s.tiles([Math.ceil(cols / (4 * bx)), Math.ceil(rows / (4 * by)), a.groups], [bx, by, 1]);
  const [sh, sw] = a.stride;
  const [dh, dw] = a.dilation;
  const [pt, pl] = a.pads;
  // The input column (4 pixels) of GEMM depth index k, as a vec4f.
  const column = (k: string): string => {
    if (vec4Input) return `x4[((group * CG + ${k}) * COLS + col0) / 4u]`;
    if (pointwise) return `vec4f(x[(group * CG + ${k}) * COLS + n[0]], x[(group * CG + ${k}) * COLS + n[1]], x[(group * CG + ${k}) * COLS + n[2]], x[(group * CG + ${k}) * COLS + n[3]])`;
    return `gather(${k}, n, y0, x0, group)`;
  };
  if (!pointwise) {
    s.helper(`
fn gather(k: u32, n: array<u32, 4>, y0: array<i32, 4>, x0: array<i32, 4>, group: u32) -> vec4f {
  let base = (group * CG + k / (KH * KW)) * H * W;
  let ky = (k / KW) % KH;
  let kx = k % KW;
  var v = vec4f(0.0);
  for (var j = 0u; j < 4u; j++) {
    let iy = y0[j] + i32(ky * ${dh}u);
    let ix = x0[j] + i32(kx * ${dw}u);
    if (iy >= 0 && iy < i32(H) && ix >= 0 && ix < i32(W)) { v[j] = x[base + u32(iy) * W + u32(ix)]; }
  }
  return v;
}`);
  }
  const step = vec4Weights
    ? `
      for (var k4 = 0u; k4 < DEPTH / 4u; k4++) {
        let c0 = ${column('k4 * 4u')};
        let c1 = ${column('k4 * 4u + 1u')};
        let c2 = ${column('k4 * 4u + 2u')};
        let c3 = ${column('k4 * 4u + 3u')};
        for (var i = 0u; i < 4u; i++) {
          let wv = w4[wrow[i] / 4u + k4];
          acc[i] += wv.x * c0 + wv.y * c1 + wv.z * c2 + wv.w * c3;
        }
      }`
    : `
      for (var k = 0u; k < DEPTH; k++) {
        let c = ${column('k')};
        for (var i = 0u; i < 4u; i++) {
          acc[i] += w[wrow[i] + k] * c;
        }
      }`;
  s.main(`
    let group = wid.z;
    let row0 = (wid.y * ${by}u + lid.y) * 4u;
    let col0 = (wid.x * ${bx}u + lid.x) * 4u;
    if (row0 >= ROWS || col0 >= COLS) { return; }
    // Rows and pixels past the edge read a valid neighbour and are never stored.
    var n: array<u32, 4>;
    var y0: array<i32, 4>;
    var x0: array<i32, 4>;
    var wrow: array<u32, 4>;
    for (var j = 0u; j < 4u; j++) {
      n[j] = min(col0 + j, COLS - 1u);
      y0[j] = i32((n[j] / OW) * ${sh}u) - ${pt};
      x0[j] = i32((n[j] % OW) * ${sw}u) - ${pl};
      wrow[j] = (group * ROWS + min(row0 + j, ROWS - 1u)) * DEPTH;
    }
    var acc: array<vec4f, 4>;
    ${step}
    for (var i = 0u; i < 4u; i++) {
      let row = row0 + i;
      if (row >= ROWS) { break; }
      let o = group * ROWS + row;
      for (var j = 0u; j < 4u; j++) {
        let col = col0 + j;
        if (col < COLS) {
          let v = acc[i][j]${bias ? ' + b[o]' : ''};
          y[o * COLS + col] = ${activationExpression(a.activation, 'v')};
        }
      }
    }
  `);
  ctx.dispatch(s.build());
}
