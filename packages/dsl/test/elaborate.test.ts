import { describe, expect, it } from 'vitest';
import { costReport, verifyGraph, type Graph } from '@excite/ir';
import { DiagnosticError } from '@excite/diagnostics';
import { elaborateModel, loadModel, loadProgram, memoryHost } from '../src/index.js';

const BLOCK = `
block unit(width: int, stride: int = 1, project: bool = false) {
  residual(act: relu) {
    conv(1x1, width, stride: stride)
    bn
    relu
    conv(3x3, width, pad: 1)
    bn
    relu
    se(site: mid)
    conv(1x1, width * 4)
    bn
    se
  } shortcut {
    if project {
      conv(1x1, width * 4, stride: stride)
      bn
    }
  }
}
`;

function model(body: string, extra = ''): string {
  return `${BLOCK}\nmodel net {\n  input 3x16x16\n  classes 10\n${body}\n  conv(3x3, 32, pad: 1)\n  stage s1 { repeat 2 unit(8) first(project: true) }\n  stage s2 { repeat 2 unit(16) first(stride: 2, project: true) }\n  global_pool\n  dense(classes)\n}\n${extra}`;
}

function build(source: string, name = 'net', input?: [number, number]): Graph {
  const program = loadProgram('net.se', memoryHost({ 'net.se': source }));
  expect(program.diagnostics).toEqual([]);
  const graph = elaborateModel(program, name, input ? { input } : {});
  expect(verifyGraph(graph)).toEqual([]);
  return graph;
}

const node = (g: Graph, name: string) => {
  const found = g.nodes.find((n) => n.name === name);
  if (!found) throw new Error(`no node ${name}; have ${g.nodes.map((n) => n.name).join(' ')}`);
  return found;
};

describe('elaboration', () => {
  it('names layers by stage, block instance and kind, and records stages', () => {
    const g = build(model('  config se { r: 4 }'));
    expect(node(g, 's2.1.conv1').attrs).toMatchObject({ stride: [2, 2], outChannels: 16 });
    expect(node(g, 's2.1.shortcut.conv1').stage).toBe('s2');
    expect(node(g, 's1.2.se.scale').se).toBe('s1.2.se');
    expect(g.nodes.filter((n) => n.name.includes('shortcut')).length).toBe(4);
  });

  it('standard integration: SE scales the branch before the sum', () => {
    const g = build(model('  config se { r: 4 }'));
    expect(node(g, 's1.1.se.squeeze').inputs).toEqual(['s1.1.bn3']);
    expect(node(g, 's1.1.residual1.add').inputs).toEqual(['s1.1.se.scale', 's1.1.shortcut.bn1']);
  });

  it('SE-PRE: SE on the block input, before the first conv', () => {
    const g = build(model('  config se { r: 4, integration: pre }'));
    expect(node(g, 's1.1.se.squeeze').inputs).toEqual(['conv1']);
    expect(node(g, 's1.2.se.squeeze').inputs).toEqual(['s1.1.residual1.relu']);
    expect(node(g, 's1.2.conv1').inputs).toEqual(['s1.2.se.scale']);
    // The shortcut still reads the block's input, not the recalibrated one.
    expect(node(g, 's1.1.shortcut.conv1').inputs).toEqual(['conv1']);
  });

  it('SE-POST: SE after the sum and its ReLU', () => {
    const g = build(model('  config se { r: 4, integration: post }'));
    expect(node(g, 's1.1.se.squeeze').inputs).toEqual(['s1.1.residual1.relu']);
    expect(node(g, 's1.2.conv1').inputs).toEqual(['s1.1.se.scale']);
  });

  it('SE-Identity: SE on the shortcut, in parallel with the branch', () => {
    const g = build(model('  config se { r: 4, integration: identity }'));
    expect(node(g, 's1.1.shortcut.se.squeeze').inputs).toEqual(['s1.1.shortcut.bn1']);
    expect(node(g, 's1.2.shortcut.se.squeeze').inputs).toEqual(['s1.1.residual1.relu']);
    expect(node(g, 's1.2.residual1.add').inputs).toEqual(['s1.2.bn3', 's1.2.shortcut.se.scale']);
  });

  it('attach: the SE moves to the site the configuration names', () => {
    const g = build(model('  config se { r: 4, attach: mid }'));
    const report = costReport(g);
    expect(report.se.map((b) => b.channels)).toEqual([8, 8, 16, 16]);
    expect(node(g, 's1.1.conv3').inputs).toEqual(['s1.1.se.scale']);
  });

  it('SE off everywhere, or on in one stage only', () => {
    expect(costReport(build(model('  config se { enabled: false }'))).se).toEqual([]);
    const g = build(model('  config se { enabled: false, r: 4 }\n  config se in s2 { enabled: true }'));
    expect(costReport(g).se.map((b) => b.stage)).toEqual(['s2', 's2']);
  });

  it('squeeze max and none, gate and bias settings', () => {
    const g = build(model('  config se { r: 4, squeeze: max, gate: hard_sigmoid, bias: false, act: swish }'));
    expect(node(g, 's1.1.se.squeeze').attrs).toEqual({ mode: 'max' });
    expect(node(g, 's1.1.se.gate').op).toBe('HardSigmoid');
    expect(node(g, 's1.1.se.act').op).toBe('Swish');
    expect(node(g, 's1.1.se.fc1').weights).toEqual({ weight: 's1.1.se.fc1.weight' });
    const none = build(model('  config se { r: 4, squeeze: none }'));
    expect(none.nodes.some((n) => n.name === 's1.1.se.squeeze')).toBe(false);
    const fc1 = none.tensors.get('s1.1.se.fc1')!.shape;
    expect(fc1).toEqual([8, 16, 16]);
    // No squeeze: the FCs become 1x1 convs over the whole map, so their MACs scale with H·W (Table 16's 4.27 G).
    const r = costReport(none).layers.find((l) => l.name === 's1.1.se.fc1')!;
    expect(r.macs).toBe(32 * 8 * 16 * 16);
  });

  it('rounds the reduced width as asked, and refuses to round silently', () => {
    const source = (round: string) => `model m {\n  input 3x8x8\n  classes 10\n  conv(3x3, 120, pad: 1)\n  se(r: 16${round})\n  global_pool\n  dense(classes)\n}\n`;
    const reduced = (round: string) => costReport(build(source(round), 'm')).se[0]!.reduced;
    expect(reduced(', round: floor')).toBe(7);
    expect(reduced(', round: ceil')).toBe(8);
    expect(reduced(', round: nearest')).toBe(8);
    expect(reduced(', round: floor, min_width: 10')).toBe(10);
    const { diagnostics } = loadModel('m.se', memoryHost({ 'm.se': source('') }));
    expect(diagnostics.map((d) => [d.code, d.hint])).toEqual([['E0401', 'use r = 15 or round the reduced width (round: floor | ceil | nearest)']]);
  });

  it('variants override params, input and classes; --input overrides the spatial size', () => {
    const source = model('  param extra = 0', `
model wide extends net {
  input 3x32x32
  classes 5
}
`).replace('dense(classes)', 'dense(classes + extra)');
    const g = build(source, 'wide');
    expect(g.input.shape).toEqual([3, 32, 32]);
    expect(g.tensors.get(g.output)!.shape).toEqual([5]);
    expect(build(source, 'net', [24, 40]).input.shape).toEqual([3, 24, 40]);
  });

  it('imports blocks from other files, relative to the importer', () => {
    const files = {
      'lib/blocks.se': 'block stem(width: int) {\n  conv(3x3, width, pad: same, stride: 2)\n  bn\n  relu\n}\n',
      'models/net.se': 'import "../lib/blocks.se"\n\nmodel net {\n  input 3x7x8\n  classes 10\n  stem(8)\n  global_pool\n  dense(classes)\n}\n',
    };
    const { graph, diagnostics } = loadModel('models/net.se', memoryHost(files));
    expect(diagnostics).toEqual([]);
    // SAME padding at stride 2: 7 → 4 (pads 1/1), 8 → 4 (pads 0/1)
    expect(graph!.nodes[0]!.attrs).toMatchObject({ pads: [1, 0, 1, 1] });
    expect(graph!.tensors.get(graph!.nodes[0]!.output)!.shape).toEqual([8, 4, 4]);
  });

  it('lets, conditionals, enum parameters and arithmetic', () => {
    const source = `
block head(kind: enum(pool, flat) = pool, hidden: int = 0) {
  let width = hidden > 0 ? hidden * 2 : 16
  if kind == pool {
    global_pool(max)
  } else {
    flatten
  }
  dense(width)
}

model m {
  input 3x4x4
  classes 16
  conv(3x3, 8, pad: 1)
  head(flat, hidden: 8 / 2 - 4 % 3 - 3)
}
`;
    const g = build(source, 'm');
    expect(g.nodes.map((n) => n.op)).toEqual(['Conv', 'Flatten', 'Dense']);
    expect(node(g, 'head1.dense1').attrs).toEqual({ outFeatures: 16, bias: true });
  });

  it('residual join by concat with a pooled shortcut, and scaled residuals', () => {
    const source = `
model m {
  input 8x8x8
  classes 10
  residual(act: relu, join: concat) {
    conv(3x3, 8, stride: 2, pad: 1)
  } shortcut {
    avgpool(3x3, stride: 2, pad: 1)
  }
  residual(scale: 0.2) {
    conv(1x1, 16)
  }
  global_pool
  dense(classes)
}
`;
    const g = build(source, 'm');
    expect(g.tensors.get('residual1.concat')!.shape).toEqual([16, 4, 4]);
    expect(node(g, 'residual1.concat').inputs).toEqual(['shortcut.avgpool1', 'conv1']);
    expect(node(g, 'residual2.scale').attrs).toEqual({ factor: 0.2 });
  });

  it('stops runaway expansion with a diagnostic instead of hanging', () => {
    const source = 'block b(w: int) {\n  repeat 5000 conv(1x1, w)\n}\nmodel m {\n  input 3x8x8\n  classes 8\n  repeat 5000 b(8)\n  global_pool\n  dense(classes)\n}\n';
    const program = loadProgram('m.se', memoryHost({ 'm.se': source }));
    expect(() => elaborateModel(program, 'm')).toThrow(DiagnosticError);
  });

  it('reproduces Table 10: SE-ResNet-50 params for r = 8 (30.7M) through a variant', () => {
    // A quick check of the variant mechanism on a paper figure; the zoo package holds the full ablation suite.
    const program = loadProgram('x.se', memoryHost({ 'x.se': 'model x {\n  input 3x8x8\n  classes 2\n  conv(1x1, 64)\n  se(r: 8, bias: false)\n  global_pool\n  dense(classes)\n}\n' }));
    const report = costReport(elaborateModel(program, 'x'));
    expect(report.se[0]!.params).toBe(2 * 64 * 8);
  });
});
