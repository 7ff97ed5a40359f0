import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_FUNCTIONS, OP_SPECS, randomValues, tensor, windowOutput, type OpAttributes } from '../src/index.js';
import { gemmModuleBytes, instantiateGemm } from '../src/reference/kernels/gemm-wasm.js';
import { useWasmGemm } from '../src/reference/kernels/gemm.js';

// The reference's fast kernels (im2col + register-tiled GEMM, in WebAssembly SIMD and in plain JavaScript; the
// depthwise and thin-group direct loops; the 4-row dense) against deliberately naive float64 loops written here, on
// random awkward shapes: odd sizes, groups with 1 to 9 output channels each (both sides of the GEMM/direct split and
// of the 4-row tile), strides, dilation, asymmetric padding, depths past one k block (256) and more pixels than one
// tile (64). Both sides sum in float64 and round once, so they must agree to within float32 rounding of the output:
// 2 ulps of the output's scale, far below the 1e-5 the reference is used to judge backends with.
const ACTIVATIONS = Object.keys(ACTIVATION_FUNCTIONS) as (keyof typeof ACTIVATION_FUNCTIONS)[];
const TOLERANCE = 2 ** -22;

type ConvAttributes = OpAttributes['Conv'];

function naiveConv(x: Float32Array, [n, c, h, w]: number[], weight: Float32Array, bias: Float32Array | undefined, a: ConvAttributes): Float32Array {
  const oh = windowOutput(h!, a.kernel[0], a.stride[0], a.pads[0], a.pads[2], a.dilation[0]);
  const ow = windowOutput(w!, a.kernel[1], a.stride[1], a.pads[1], a.pads[3], a.dilation[1]);
  const inPerGroup = c! / a.groups;
  const outPerGroup = a.outChannels / a.groups;
  const out = new Float32Array(n! * a.outChannels * oh * ow);
  const act = ACTIVATION_FUNCTIONS[a.activation ?? 'identity'];
  for (let b = 0; b < n!; b++) {
    for (let o = 0; o < a.outChannels; o++) {
      const group = Math.floor(o / outPerGroup);
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          let sum = bias ? bias[o]! : 0;
          for (let i = 0; i < inPerGroup; i++) {
            for (let ky = 0; ky < a.kernel[0]; ky++) {
              for (let kx = 0; kx < a.kernel[1]; kx++) {
                const iy = oy * a.stride[0] + ky * a.dilation[0] - a.pads[0];
                const ix = ox * a.stride[1] + kx * a.dilation[1] - a.pads[1];
                if (iy < 0 || iy >= h! || ix < 0 || ix >= w!) continue;
                const wv = weight[((o * inPerGroup + i) * a.kernel[0] + ky) * a.kernel[1] + kx]!;
                sum += wv * x[((b * c! + group * inPerGroup + i) * h! + iy) * w! + ix]!;
              }
            }
          }
          out[((b * a.outChannels + o) * oh + oy) * ow + ox] = act(sum);
        }
      }
    }
  }
  return out;
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= worst)) [worst, at] = [Number.isNaN(d) ? Infinity : d, i];
  }
  expect(worst / scale, `worst at ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(TOLERANCE);
}

const convCase = (maxInPerGroup: number, maxSize: number) =>
  fc.record({
    batch: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 4 }),
    inPerGroup: fc.integer({ min: 1, max: maxInPerGroup }),
    outPerGroup: fc.integer({ min: 1, max: 9 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padFraction: fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(4)),
    size: fc.tuple(fc.integer({ min: 1, max: maxSize }), fc.integer({ min: 1, max: maxSize })),
    bias: fc.boolean(),
    activation: fc.constantFrom(...ACTIVATIONS),
    seed: fc.nat(1000),
  });

type ConvCase = ReturnType<typeof convCase> extends fc.Arbitrary<infer T> ? T : never;

function checkConv(p: ConvCase): void {
  const c = p.groups * p.inPerGroup;
  // Pads below the kernel extent, each side on its own: asymmetric padding.
  const pads = p.padFraction.map((f, i) => f % p.kernel[i % 2]!) as [number, number, number, number];
  const attrs: ConvAttributes = {
    kernel: p.kernel, stride: p.stride, pads, dilation: p.dilation, groups: p.groups,
    outChannels: p.groups * p.outPerGroup, bias: p.bias, activation: p.activation,
  };
  const [h, w] = p.size;
  const oh = windowOutput(h, p.kernel[0], p.stride[0], pads[0], pads[2], p.dilation[0]);
  const ow = windowOutput(w, p.kernel[1], p.stride[1], pads[1], pads[3], p.dilation[1]);
  fc.pre(oh >= 1 && ow >= 1);
  const shape = [p.batch, c, h, w];
  const x = randomValues(p.batch * c * h * w, p.seed);
  const weight = randomValues(attrs.outChannels * p.inPerGroup * p.kernel[0] * p.kernel[1], p.seed + 1);
  const bias = p.bias ? randomValues(attrs.outChannels, p.seed + 2) : undefined;
  const output = OP_SPECS.Conv.inferShape([[c, h, w]], attrs);
  const actual = OP_SPECS.Conv.reference([tensor(shape, x)], { weight, ...(bias ? { bias } : {}) }, attrs, output);
  expect(actual.shape).toEqual([p.batch, ...output]);
  expectClose(actual.data, naiveConv(x, shape, weight, bias, attrs));
}

describe.each([
  ['WebAssembly SIMD', true],
  ['JavaScript', false],
])('reference conv (%s GEMM kernel) agrees with a naive float64 conv', (_kernel, wasm) => {
  beforeAll(() => useWasmGemm(wasm));
  afterAll(() => useWasmGemm(true));

  it('on small awkward shapes', () => {
    fc.assert(fc.property(convCase(5, 13), checkConv), { numRuns: 300 });
  });

  it('on deep inputs (several k blocks) and large maps (several pixel tiles)', () => {
    fc.assert(fc.property(convCase(40, 21), checkConv), { numRuns: 25 });
  });

  it('on the shapes the zoo leans on: 1×1 (GEMM without im2col), 3×3 pad 1, depthwise, 7×7/2 stem', () => {
    const cases: [number, number, Partial<ConvAttributes> & { outChannels: number }][] = [
      [37, 9, { outChannels: 70, kernel: [1, 1], pads: [0, 0, 0, 0] }],
      [20, 11, { outChannels: 12, kernel: [3, 3], pads: [1, 1, 1, 1] }],
      [16, 12, { outChannels: 16, groups: 16, kernel: [3, 3], pads: [1, 1, 1, 1], stride: [2, 2] }],
      [8, 17, { outChannels: 8, groups: 8, kernel: [3, 3], pads: [1, 1, 1, 1] }],
      [6, 15, { outChannels: 12, groups: 6, kernel: [3, 3], pads: [1, 0, 1, 2], dilation: [2, 1] }],
      [5, 14, { outChannels: 5, groups: 5, kernel: [5, 5], pads: [2, 2, 2, 2] }],
      [3, 23, { outChannels: 8, kernel: [7, 7], pads: [3, 3, 3, 3], stride: [2, 2] }],
      [300, 2, { outChannels: 5, kernel: [1, 1], pads: [0, 0, 0, 0] }],
    ];
    for (const [c, size, partial] of cases) {
      const attrs: ConvAttributes = { kernel: [3, 3], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1, bias: true, ...partial };
      const shape = [2, c, size, size];
      const x = randomValues(2 * c * size * size, c);
      const weight = randomValues(attrs.outChannels * (c / attrs.groups) * attrs.kernel[0] * attrs.kernel[1], size);
      const bias = randomValues(attrs.outChannels, 3);
      const output = OP_SPECS.Conv.inferShape([[c, size, size]], attrs);
      const actual = OP_SPECS.Conv.reference([tensor(shape, x)], { weight, bias }, attrs, output);
      expectClose(actual.data, naiveConv(x, shape, weight, bias, attrs));
    }
  });

  it('sums in float64: a 4608-term dot product whose float32 partial sums would lose every small term is exact', () => {
    // The first half of the taps add 2²⁴ · (1 + 2⁻²³) = 2²⁴ + 2 each, the second half subtract 2²⁴: the running sum
    // reaches ~2³⁵, where float32's spacing is 2¹² and every +2 vanishes; in float64 all of it is exact: 2304 · 2.
    const c = 512;
    const depth = c * 9;
    const attrs: ConvAttributes = { kernel: [3, 3], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1, bias: false, outChannels: 4 };
    const x = new Float32Array(depth).map((_, k) => (k < depth / 2 ? 2 ** 24 : -(2 ** 24)));
    const weight = new Float32Array(4 * depth).map((_, i) => (i % depth < depth / 2 ? 1 + 2 ** -23 : 1));
    const out = OP_SPECS.Conv.reference([tensor([1, c, 3, 3], x)], { weight }, attrs, [4, 1, 1]);
    expect([...out.data]).toEqual([4608, 4608, 4608, 4608]);
  });
});

it('the WebAssembly kernel is valid and runs on this engine (Node 20 has SIMD), so the fast path is the one tested', () => {
  expect(instantiateGemm()).toBeDefined();
  // Assembled from the same instructions every time: the same bytes.
  expect(gemmModuleBytes()).toEqual(gemmModuleBytes());
});

describe('reference dense agrees with a naive float64 dot product', () => {
  it('on random sizes, batches and biases', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 11 }), fc.boolean(), fc.nat(1000),
        (batch, inFeatures, outFeatures, withBias, seed) => {
          const x = randomValues(batch * inFeatures, seed);
          const weight = randomValues(outFeatures * inFeatures, seed + 1);
          const bias = withBias ? randomValues(outFeatures, seed + 2) : undefined;
          const expected = new Float32Array(batch * outFeatures);
          for (let b = 0; b < batch; b++) {
            for (let o = 0; o < outFeatures; o++) {
              let sum = bias ? bias[o]! : 0;
              for (let i = 0; i < inFeatures; i++) sum += weight[o * inFeatures + i]! * x[b * inFeatures + i]!;
              expected[b * outFeatures + o] = sum;
            }
          }
          const attrs = { outFeatures, bias: withBias };
          const actual = OP_SPECS.Dense.reference([tensor([batch, inFeatures], x)], { weight, ...(bias ? { bias } : {}) }, attrs, [outFeatures]);
          expectClose(actual.data, expected);
        }),
      { numRuns: 100 },
    );
  });
});
