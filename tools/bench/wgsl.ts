// `pnpm bench wgsl [--input N] [--runs N] [--skip-tfjs]`: on one Dawn WebGPU instance (SwiftShader where there is
// no GPU: CPU timings, meaningful only as ratios), in one process:
//  1. SE-ResNet-50 at N×N (default 64), batch 1, end to end (upload, run, read back): our runtime vs
//     @tensorflow/tfjs-backend-webgpu running the same compiled graph (backend-tfjs's inference module), timed
//     interleaved, one run of each per round; plus dispatch counts and GPU memory;
//  2. the fused SE kernels (SqueezeExcite + ScaleAdd, 2–3 dispatches) vs the same block as separate kernels (global
//     pool, 1×1 conv, ReLU, 1×1 conv, sigmoid, channel scale, add, ReLU: 8 dispatches) at SE-ResNet-50's four stage
//     shapes (C = 256…2048 at 56…7 for a 224 input), GPU time of the dispatches alone.
// Each figure is median / min / max over the runs.
import { create, globals } from 'webgpu';
import { compile } from '@excite/compiler';
import { emitWgsl } from '@excite/backend-wgsl';
import { GraphBuilder, calibrateWeights, randomValues, randomWeights, relativeError, tensor, type ConvAttributes, type Graph } from '@excite/ir';
import { loadBundle, type WgslModel } from '@excite/runtime-webgpu';
import { createModel } from '@excite/zoo';
import { quick, report, type Figure, type Ratio } from './lib/results.js';

const arg = (flag: string, fallback: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const size = Number(arg('--input', quick ? '16' : '64'));
const figures: Figure[] = [];
const ratios: Ratio[] = [];
const notes: string[] = [];
const runs = Math.max(5, Number(arg('--runs', '5')));
const skipTfjs = process.argv.includes('--skip-tfjs');

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
process.env.XDG_RUNTIME_DIR ??= '/tmp';
Object.assign(globalThis, globals);
const gpu = create([]);
// tfjs-backend-webgpu finds WebGPU through navigator.gpu: the same Dawn instance as ours.
Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true });
const adapter = (await gpu.requestAdapter())!;
const device = await adapter.requestDevice({
  requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize },
});
const info = (adapter as unknown as { info?: GPUAdapterInfo }).info;
console.log(`device: ${info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : 'unknown'}`);

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
};
const fmt = (s: { median: number; min: number; max: number }) => `${s.median.toFixed(1)} ms (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

// 1. SE-ResNet-50 end to end.
{
  const elaborated = createModel('se-resnet-50', { input: [size, size] });
  const sample = tensor([2, ...elaborated.input.shape], randomValues(2 * 3 * size * size, 1));
  const graph = compile(calibrateWeights(randomWeights(elaborated, 11), sample), { pipeline: 'inference', seed: 0 }).graph;
  const input = randomValues(3 * size * size, 5);
  const ours = await loadBundle(device, emitWgsl(graph));
  const oursOut = await ours.run(input);
  const timed: Record<string, number[]> = { ours: [], tfjs: [] };
  let tfjsRun: (() => Promise<Float32Array>) | undefined;
  let tfjsRelease = () => {};
  let tfjsInfo = '';
  if (!skipTfjs) {
    const { tf, buildInferenceFunction } = await import('@excite/backend-tfjs');
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs-backend-webgpu did not initialise');
    const fn = buildInferenceFunction(graph);
    const x = tf.tidy(() => tf.transpose(tf.tensor(input, [1, 3, size, size]), [0, 2, 3, 1])) as import('@tensorflow/tfjs-core').Tensor4D;
    tfjsRun = async () => {
      const y = fn.predict(x);
      const data = (await y.data()) as Float32Array;
      y.dispose();
      return data;
    };
    // tfjs' device and buffers go before the SE measurements (Dawn has crashed with both alive on SwiftShader).
    tfjsRelease = () => {
      x.dispose();
      fn.dispose();
      tf.removeBackend('webgpu');
    };
    const tfjsOut = await tfjsRun();
    const profile = await tf.profile(async () => void (await tfjsRun!()));
    const memory = tf.memory() as { numBytes: number; numBytesInGPUAllocated?: number };
    tfjsInfo = `tfjs-webgpu: ${profile.kernels.length} kernels per run, peak ${mib(profile.peakBytes)} of tensors, ` +
      `${mib(memory.numBytesInGPUAllocated ?? memory.numBytes)} GPU buffers allocated; ` +
      `agreement with ours: ${relativeError(tfjsOut, oursOut).toExponential(1)} relative`;
  }
  for (let round = 0; round < runs; round++) {
    const order: Array<[string, () => Promise<unknown>]> = [['ours', () => ours.run(input)], ...(tfjsRun ? [['tfjs', tfjsRun] as [string, () => Promise<unknown>]] : [])];
    if (round % 2 === 1) order.reverse();
    for (const [name, run] of order) {
      const start = performance.now();
      await run();
      timed[name]!.push(performance.now() - start);
    }
  }
  console.log(`\nSE-ResNet-50 at ${size}×${size}, batch 1, end to end, ${runs} runs`);
  console.log(`  ours:        ${fmt(stats(timed.ours!))}`);
  if (tfjsRun) {
    console.log(`  tfjs-webgpu: ${fmt(stats(timed.tfjs!))}`);
    console.log(`  ratio ours / tfjs-webgpu (medians): ${(stats(timed.ours!).median / stats(timed.tfjs!).median).toFixed(2)} (goal ≤ 0.50)`);
  }
  figures.push({ label: 'SE-ResNet-50: ours', unit: 'ms', samples: timed.ours!, group: 'end to end' });
  if (tfjsRun) {
    figures.push({ label: 'SE-ResNet-50: tfjs-backend-webgpu', unit: 'ms', samples: timed.tfjs!, group: 'end to end' });
    ratios.push({ label: 'SE-ResNet-50 latency, ours / tfjs-webgpu', value: stats(timed.ours!).median / stats(timed.tfjs!).median, goal: 0.5 });
  }
  const s = ours.stats;
  notes.push(`ours: ${s.dispatchesPerSample} dispatches per run, ${s.pipelines} pipelines, peak GPU memory ${mib(s.peakGpuBytes)} (activations ${mib(s.activationBytes)} after liveness reuse, weights ${mib(s.weightBytes)})`);
  if (tfjsInfo) notes.push(tfjsInfo);
  console.log(`  ours: ${s.dispatchesPerSample} dispatches per run, ${s.pipelines} pipelines, peak GPU ${mib(s.peakGpuBytes)} ` +
    `(activations ${mib(s.activationBytes)} after liveness reuse, weights ${mib(s.weightBytes)})`);
  if (tfjsInfo) console.log(`  ${tfjsInfo}`);
  ours.destroy();
  tfjsRelease();
}

// 2. The SE block, fused vs separate kernels.
const fc = (out: number, extra: Partial<ConvAttributes> = {}): ConvAttributes => ({
  kernel: [1, 1], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1, outChannels: out, bias: true, ...extra,
});
function seBlock(c: number, hw: number, fused: boolean): Graph {
  const b = new GraphBuilder(`se-${c}`, [c, hw, hw]);
  const x = b.input;
  const r = c / 16;
  let out: string;
  if (fused) {
    const s = b.add('SqueezeExcite', { squeeze: 'avg', reduced: r, act: 'relu', gate: 'sigmoid', bias: true }, [x], 'se');
    out = b.add('ScaleAdd', { activation: 'relu' }, [x, s, x], 'scale_add');
  } else {
    const pooled = b.add('GlobalPool', { mode: 'avg' }, [x], 'squeeze');
    const hidden = b.add('Relu', {}, [b.add('Conv', fc(r), [pooled], 'fc1')], 'act');
    const gate = b.add('Sigmoid', {}, [b.add('Conv', fc(c), [hidden], 'fc2')], 'gate');
    const scaled = b.add('Mul', {}, [x, gate], 'scale');
    out = b.add('Relu', {}, [b.add('Add', {}, [scaled, x], 'add')], 'relu');
  }
  return randomWeights(b.finish(out), 3);
}
console.log(`\nSE block (squeeze, FC C→C/16, ReLU, FC, sigmoid, scale, residual add, ReLU), GPU time of its dispatches, ${runs} runs`);
for (const [c, hw] of [[256, 56], [512, 28], [1024, 14], [2048, 7]] as const) {
  const models: Record<string, WgslModel> = {};
  for (const fused of [true, false]) {
    const graph = seBlock(c, hw, fused);
    const model = await loadBundle(device, emitWgsl(graph));
    await model.run(randomValues(c * hw * hw, 2));
    models[fused ? 'fused' : 'separate'] = model;
  }
  const timed: Record<string, number[]> = { fused: [], separate: [] };
  for (let round = 0; round < runs; round++) {
    for (const name of round % 2 ? ['separate', 'fused'] : ['fused', 'separate']) timed[name]!.push(await models[name]!.time(3));
  }
  const fused = stats(timed.fused!);
  const separate = stats(timed.separate!);
  console.log(`  C=${String(c).padEnd(4)} ${hw}×${hw}: fused ${fmt(fused)}, ${models.fused!.stats.dispatchesPerSample} dispatches; ` +
    `separate ${fmt(separate)}, ${models.separate!.stats.dispatchesPerSample} dispatches; ratio ${(fused.median / separate.median).toFixed(2)} (goal ≤ 0.50)`);
  figures.push({ label: `SE block C=${c} ${hw}×${hw}: fused (${models.fused!.stats.dispatchesPerSample} dispatches)`, unit: 'ms (GPU)', samples: timed.fused!, group: 'SE block' });
  figures.push({ label: `SE block C=${c} ${hw}×${hw}: separate (${models.separate!.stats.dispatchesPerSample} dispatches)`, unit: 'ms (GPU)', samples: timed.separate!, group: 'SE block' });
  ratios.push({ label: `SE block C=${c}: fused / separate`, value: fused.median / separate.median, goal: 0.5 });
  for (const model of Object.values(models)) model.destroy();
}
device.destroy();
report({
  name: 'wgsl',
  title: 'WebGPU (Dawn): our runtime vs tfjs-backend-webgpu, and the fused SE kernels vs separate kernels',
  setup: [
    `one Dawn device (${info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : 'unknown adapter'}); SwiftShader where there is no GPU, so only the ratios mean anything`,
    `SE-ResNet-50 at ${size}×${size}, batch 1, end to end (upload, run, read back), ${runs} interleaved runs; tfjs runs the same compiled graph (backend-tfjs's inference form)`,
    'SE block at SE-ResNet-50\'s four stage shapes: GPU time of the dispatches alone (3 iterations per sample)',
  ],
  figures,
  ratios,
  notes,
});
process.exit(0);
