// `pnpm bench interpret [--runs N] [--size S]`: speed of the reference interpreter (@excite/ir `interpret`), the
// oracle every backend is checked against. Prints GMAC/s (conv and dense MACs as costReport counts them) for
// SE-ResNet-50 at S×S (default 224) and for single convs of the shapes that dominate the zoo, each median/min/max
// over N runs (default 5), for three contenders: the interpreter with its WebAssembly SIMD GEMM (the default), the
// same with the plain JavaScript GEMM (its fallback), and the previous implementation's conv loop (kept below as
// `baselineConv`). All run in this process, interleaved run by run, so the ratios compare like with like.
import {
  OP_SPECS,
  costReport,
  interpret,
  randomValues,
  randomWeights,
  tensor,
  type Graph,
  type OpAttributes,
  type Tensor,
  type WeightValues,
} from '@excite/ir';
import { createModel } from '@excite/zoo';
// Not part of the package's API: the switch between the two GEMM kernels, for this comparison and the tests.
import { useWasmGemm } from '../../packages/ir/src/reference/kernels/gemm.js';

const arg = (flag: string, fallback: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const runs = Math.max(5, Number(arg('--runs', '5')));
const size = Number(arg('--size', '224'));

type ConvAttributes = OpAttributes['Conv'];

/** The conv reference before the blocked-GEMM kernels (one float64 plane per output channel, tap by tap). */
function baselineConv([x]: readonly Tensor[], weights: WeightValues, a: ConvAttributes, [oc, oh, ow]: readonly number[]): Tensor {
  const ACT: Record<string, (v: number) => number> = {
    relu: (v) => (v > 0 ? v : 0),
    relu6: (v) => Math.min(Math.max(v, 0), 6),
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    hard_sigmoid: (v) => Math.min(Math.max(v + 3, 0), 6) / 6,
    tanh: (v) => Math.tanh(v),
    swish: (v) => v / (1 + Math.exp(-v)),
    identity: (v) => v,
  };
  const [n, c, h = 1, w = 1] = x!.shape as [number, number, number?, number?];
  const out = tensor([n, oc!, oh!, ow!]);
  const weight = weights.weight!;
  const bias = weights.bias;
  const [kh, kw] = a.kernel;
  const [sh, sw] = a.stride;
  const [dh, dw] = a.dilation;
  const [pt, pl] = a.pads;
  const inPerGroup = c / a.groups;
  const outPerGroup = oc! / a.groups;
  const plane = oh! * ow!;
  const target = new Float64Array(plane);
  const pointwise = kh === 1 && kw === 1 && sh === 1 && sw === 1 && a.pads.every((p) => p === 0);
  const input = x!.data;
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < oc!; o++) {
      target.fill(bias ? bias[o]! : 0);
      const group = Math.floor(o / outPerGroup);
      if (pointwise) {
        for (let i = 0; i < inPerGroup; i++) {
          const value = weight[o * inPerGroup + i]!;
          const source = (b * c + group * inPerGroup + i) * plane;
          for (let p = 0; p < plane; p++) target[p]! += value * input[source + p]!;
        }
      } else for (let i = 0; i < inPerGroup; i++) {
        const source = (b * c + group * inPerGroup + i) * h * w;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const value = weight[((o * inPerGroup + i) * kh + ky) * kw + kx]!;
            if (value === 0) continue;
            const offsetX = kx * dw - pl;
            const first = Math.max(0, Math.ceil(-offsetX / sw));
            const last = Math.min(ow! - 1, Math.floor((w - 1 - offsetX) / sw));
            for (let oy = 0; oy < oh!; oy++) {
              const iy = oy * sh + ky * dh - pt;
              if (iy < 0 || iy >= h) continue;
              const row = source + iy * w + offsetX;
              const outRow = oy * ow!;
              for (let ox = first; ox <= last; ox++) target[outRow + ox]! += value * input[row + ox * sw]!;
            }
          }
        }
      }
      const f = ACT[a.activation ?? 'identity']!;
      const base = (b * oc! + o) * plane;
      for (let i = 0; i < plane; i++) out.data[base + i] = f(target[i]!);
    }
  }
  return out;
}

/** The dense reference before the 4-row kernel. */
function baselineDense([x]: readonly Tensor[], { weight, bias }: WeightValues, a: OpAttributes['Dense']): Tensor {
  const n = x!.shape[0]!;
  const inFeatures = x!.data.length / n;
  const out = tensor([n, a.outFeatures]);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < a.outFeatures; o++) {
      let acc = bias ? bias[o]! : 0;
      for (let i = 0; i < inFeatures; i++) acc += weight![o * inFeatures + i]! * x!.data[b * inFeatures + i]!;
      out.data[b * a.outFeatures + o] = acc;
    }
  }
  return out;
}

interface Times {
  wall: number[];
  cpu: number[];
}

/**
 * Runs each contender once per round, interleaved, recording wall and CPU time (ms) of each run. CPU time
 * (process.cpuUsage: the interpreter's thread and V8's helpers) is the figure to read on a shared machine: wall time there
 * includes the time other processes held the core.
 */
function timeSideBySide(contenders: (() => unknown)[]): Times[] {
  const times = contenders.map((): Times => ({ wall: [], cpu: [] }));
  for (const fn of contenders) fn(); // warm-up: JIT and scratch buffers
  for (let r = 0; r < runs; r++) {
    contenders.forEach((fn, i) => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      times[i]!.wall.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      times[i]!.cpu.push((cpu.user + cpu.system) / 1e3);
    });
  }
  return times;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const CONV_CONTENDERS = ['wasm simd', 'js gemm', 'baseline'];

/** The three contenders around one computation: ours with each GEMM kernel, then the previous implementation. */
function contenders(ours: () => unknown, baseline: () => unknown): (() => unknown)[] {
  return [
    () => ours(),
    () => {
      useWasmGemm(false);
      try {
        return ours();
      } finally {
        useWasmGemm(true);
      }
    },
    baseline,
  ];
}

/** One block of figures; the last contender is the baseline the others' speed-ups are measured against. */
function report(label: string, macs: number, times: Times[], names = CONV_CONTENDERS) {
  const stats = (t: number[]) =>
    `median ${median(t).toFixed(1).padStart(8)}  min ${Math.min(...t).toFixed(1).padStart(8)}  max ${Math.max(...t).toFixed(1).padStart(8)} ms` +
    `  ${(macs / (median(t) * 1e6)).toFixed(2).padStart(6)} GMAC/s`;
  console.log(`${label}  (${(macs / 1e6).toFixed(1)} MMAC)`);
  times.forEach((t, i) => {
    console.log(`    ${names[i]!.padEnd(9)}  cpu  ${stats(t.cpu)}`);
    console.log(`    ${''.padEnd(9)}  wall ${stats(t.wall)}`);
  });
  const baseline = times[times.length - 1]!;
  const speedUps = times.slice(0, -1).map((t, i) =>
    `${names[i]} ${(median(baseline.cpu) / median(t.cpu)).toFixed(2)}x cpu, ${(median(baseline.wall) / median(t.wall)).toFixed(2)}x wall`);
  console.log(`    speed-up over baseline (median/median): ${speedUps.join('; ')}`);
}

const convCase = (c: number, hw: number, attrs: Partial<ConvAttributes> & { outChannels: number }) => {
  const a: ConvAttributes = { kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], groups: 1, bias: true, activation: 'relu', ...attrs };
  const inputs = [[c, hw, hw]];
  const output = OP_SPECS.Conv.inferShape(inputs, a);
  const weights = Object.fromEntries(OP_SPECS.Conv.weights!(inputs, a).map((w, i) => [w.role, randomValues(w.shape.reduce((x, y) => x * y, 1), 40 + i)]));
  const x = tensor([1, c, hw, hw], randomValues(c * hw * hw, 3));
  const macs = OP_SPECS.Conv.macs!(inputs, output, a);
  const label = `conv ${a.kernel.join('x')}/${a.stride[0]} ${c}->${a.outChannels}${a.groups > 1 ? ` g${a.groups}` : ''} at ${hw}x${hw}`;
  report(label, macs, timeSideBySide(contenders(
    () => OP_SPECS.Conv.reference([x], weights, a, output),
    () => baselineConv([x], weights, a, output),
  )));
};

console.log(`reference interpreter, ${runs} runs each, contenders interleaved; GMAC/s from the median\n`);
convCase(64, 56, { outChannels: 64 }); // SE-ResNet-50 conv2_x 3×3
convCase(256, 56, { outChannels: 64, kernel: [1, 1], pads: [0, 0, 0, 0] }); // conv2_x 1×1 reduce
convCase(512, 14, { outChannels: 1024, kernel: [1, 1], pads: [0, 0, 0, 0], stride: [2, 2] }); // strided projection
convCase(256, 14, { outChannels: 256 }); // conv4_x 3×3
convCase(3, size, { outChannels: 64, kernel: [7, 7], stride: [2, 2], pads: [3, 3, 3, 3] }); // stem
convCase(256, 28, { outChannels: 256, groups: 32 }); // SE-ResNeXt grouped 3×3
convCase(128, 28, { outChannels: 128, groups: 128 }); // depthwise 3×3
convCase(128, 28, { outChannels: 128, groups: 128, stride: [2, 2] }); // depthwise 3×3 stride 2

const denseCase = (batch: number, inFeatures: number, outFeatures: number) => {
  const a = { outFeatures, bias: true };
  const x = tensor([batch, inFeatures], randomValues(batch * inFeatures, 5));
  const weights = { weight: randomValues(outFeatures * inFeatures, 6), bias: randomValues(outFeatures, 7) };
  report(`dense ${inFeatures}->${outFeatures}, batch ${batch}`, batch * inFeatures * outFeatures, timeSideBySide([
    () => OP_SPECS.Dense.reference([x], weights, a, [outFeatures]),
    () => baselineDense([x], weights, a),
  ]), ['new', 'baseline']);
};
denseCase(1, 2048, 1000); // the classifier
denseCase(8, 2048, 1000);

const graph: Graph = randomWeights(createModel('se-resnet-50', { input: [size, size] }), 1);
const macs = costReport(graph).totals.macs;
const input = tensor([1, ...graph.input.shape], randomValues(graph.input.shape.reduce((a, b) => a * b, 1), 7));
const baselineGraph: Graph = { ...graph, nodes: graph.nodes.map((n) => (n.op === 'Conv' ? { ...n, op: 'BaselineConv' as never } : n)) };
// The baseline network differs from ours only in its conv loop: interpret() looks ops up in OP_SPECS, so the
// baseline conv is registered there under a name no graph uses, for this process only.
(OP_SPECS as unknown as Record<string, unknown>).BaselineConv = { ...OP_SPECS.Conv, reference: baselineConv };
console.log('');
report(`se-resnet-50 at ${size}x${size}, whole network (baseline: previous conv loop, other ops current)`, macs, timeSideBySide(contenders(
  () => interpret(graph, input),
  () => interpret(baselineGraph, input),
)));
