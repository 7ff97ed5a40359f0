import { describe, expect, it } from 'vitest';
import { verifyGraph } from '@excite/ir';
import { ZOO, createModel, modelCost } from '../src/index.js';

const within = (actual: number, expected: number, tolerance = 0.005) => Math.abs(actual - expected) / expected <= tolerance;

describe('the zoo agrees with the paper (paper-tables.md) within 0.5%', () => {
  for (const entry of ZOO) {
    const { paper } = entry;
    if (paper.gmacs !== undefined) {
      it(`${entry.name}: ${paper.gmacs} GFLOPs (${paper.table}${paper.gmacsIncludeSeOps ? ', including SE operations' : ''})`, () => {
        const { totals } = modelCost(entry.name);
        const gmacs = (totals.macs + (paper.gmacsIncludeSeOps ? totals.seOps : 0)) / 1e9;
        expect(gmacs, `${entry.name} measures ${gmacs.toFixed(4)} G`).toSatisfy((g: number) => within(g, paper.gmacs!));
      });
    }
    if (paper.mparams !== undefined) {
      it(`${entry.name}: ${paper.mparams}M params (${paper.table})`, () => {
        const { totals } = modelCost(entry.name);
        expect(totals.params / 1e6).toSatisfy((p: number) => within(p, paper.mparams!));
      });
    }
  }

  it('SE-ResNet-50: 3.86 G conv+FC MACs, 16 SE blocks with Table 1 FC sizes', () => {
    const report = modelCost('se-resnet-50');
    expect(report.totals.macs / 1e9).toSatisfy((g: number) => within(g, 3.86));
    expect(report.se).toHaveLength(16);
    const sizes = [...new Set(report.se.map((b) => `${b.reduced},${b.channels}`))];
    expect(sizes).toEqual(['16,256', '32,512', '64,1024', '128,2048']);
  });

  it('SE adds (2/r)·Σ N_s·C_s² weights plus FC biases to ResNet-50 (paper §3)', () => {
    const se = modelCost('se-resnet-50').totals.params;
    const base = modelCost('resnet-50').totals.params;
    const blocks: [number, number][] = [[3, 256], [4, 512], [6, 1024], [3, 2048]];
    const weights = (2 / 16) * blocks.reduce((s, [n, c]) => s + n * c * c, 0);
    const biases = blocks.reduce((s, [n, c]) => s + n * (c + c / 16), 0);
    expect(se - base).toBe(weights + biases);
  });

  it('follows the release: stride on the first 1x1 (ResNet) or the grouped 3x3 (ResNeXt), ceil-mode pooling', () => {
    const resnet = modelCost('se-resnet-50').layers;
    expect(resnet.find((l) => l.name === 'conv3_x.1.conv1')!.stride).toEqual([2, 2]);
    expect(resnet.find((l) => l.name === 'conv3_x.1.conv2')!.stride).toEqual([1, 1]);
    expect(resnet.find((l) => l.name === 'conv1.maxpool1')!.outputShape).toEqual([64, 56, 56]);
    const resnext = modelCost('se-resnext-50').layers;
    const grouped = resnext.find((l) => l.name === 'conv3_x.1.conv2')!;
    expect([grouped.stride, grouped.groups, grouped.outChannels]).toEqual([[2, 2], 32, 256]);
  });

  it('every zoo model elaborates to a verified graph, also at a small input', () => {
    for (const entry of ZOO) {
      expect(verifyGraph(createModel(entry.name)), entry.name).toEqual([]);
      expect(createModel(entry.name, { input: [64, 64] }).input.shape).toEqual([3, 64, 64]);
    }
  });
});
