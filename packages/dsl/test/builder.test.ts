import { describe, expect, it } from 'vitest';
import { se, stripSpans } from '../src/builder.js';
import { format } from '../src/format.js';
import { parse } from '../src/parser.js';
import { grammarExample } from './arbitraries.js';

const { sourceFile, block, param, call, dims, ref, sym, residual, model, variant, stage, repeat, config, mul } = se;

/** The GRAMMAR.md example, written with the builder. */
function grammarExampleBuilt() {
  const bottleneck = block(
    'bottleneck',
    [param('width', 'int'), param('stride', 'int', 1), param('project', 'bool', false)],
    [
      residual(
        { act: sym('relu') },
        [
          call('conv', [dims(1, 1), 'width'], { stride: ref('stride') }),
          call('bn'),
          call('relu'),
          call('conv', [dims(3, 3), 'width'], { pad: 1 }),
          call('bn'),
          call('relu'),
          call('se', { site: 'after_3x3' }),
          call('conv', [dims(1, 1), mul('width', 4)]),
          call('bn'),
          call('se'),
        ],
        [se.if('project', [call('conv', [dims(1, 1), mul('width', 4)], { stride: 'stride' }), call('bn')])],
      ),
    ],
  );
  const seResnet50 = model('se-resnet-50', {
    input: dims(3, 224, 224),
    classes: 1000,
    params: { depth4: 6 },
    config: { r: 16 },
    items: [
      stage('conv1', [
        call('conv', [dims(7, 7), 64], { stride: 2, pad: 3 }),
        call('bn'),
        call('relu'),
        call('maxpool', [dims(3, 3)], { stride: 2, ceil: true }),
      ]),
      stage('conv2_x', [repeat(3, call('bottleneck', [64]), { project: true })]),
      stage('conv3_x', [repeat(4, call('bottleneck', [128]), { stride: 2, project: true })]),
      stage('conv4_x', [repeat('depth4', call('bottleneck', [256]), { stride: 2, project: true })]),
      stage('conv5_x', [repeat(3, call('bottleneck', [512]), { stride: 2, project: true })]),
      call('global_pool', ['avg']),
      call('dense', ['classes']),
      call('softmax'),
    ],
  });
  return sourceFile('grammar.se', [
    bottleneck,
    seResnet50,
    variant('resnet-50', 'se-resnet-50', [config({ enabled: false })]),
    variant('se-resnet-50-r8', 'se-resnet-50', [config({ r: 8 })]),
    variant('se-resnet-50-stage3', 'se-resnet-50', [config({ enabled: false }), config('conv3_x', { enabled: true })]),
  ]);
}

describe('builder', () => {
  it('builds the GRAMMAR.md example as the parser reads it', () => {
    const built = grammarExampleBuilt();
    const parsed = parse(grammarExample(), 'grammar.se');
    expect(parsed.diagnostics).toEqual([]);
    expect(stripSpans(built)).toEqual(stripSpans(parsed.ast));
    // and formatting either gives the same text
    expect(format(built)).toBe(format({ ...parsed.ast, items: parsed.ast.items.map((i) => stripComments(i)) }));
  });

  it('gives every node a synthetic span in the file', () => {
    const file = grammarExampleBuilt();
    const spans: unknown[] = [];
    JSON.stringify(file, (key, value) => {
      if (key === 'span' || key === 'shortcutSpan') spans.push(value);
      return value;
    });
    expect(spans.length).toBeGreaterThan(100);
    expect(new Set(spans.map((s) => JSON.stringify(s)))).toEqual(new Set([JSON.stringify({ file: 'grammar.se', start: 0, end: 0 })]));
  });

  it('turns plain values into expressions', () => {
    expect(stripSpans(se.expr(64))).toEqual({ kind: 'int', value: 64 });
    expect(stripSpans(se.expr(0.25))).toEqual({ kind: 'float', value: 0.25, text: '0.25' });
    expect(stripSpans(se.expr(-2))).toEqual({ kind: 'unary', op: '-', operand: { kind: 'int', value: 2 } });
    expect(stripSpans(se.expr(true))).toEqual({ kind: 'bool', value: true });
    expect(stripSpans(se.expr('same'))).toEqual({ kind: 'name', name: 'same' });
    expect(stripSpans(se.float(2))).toEqual({ kind: 'float', value: 2, text: '2.0' });
    expect(stripSpans(se.float(1e-5, '1e-5'))).toEqual({ kind: 'float', value: 1e-5, text: '1e-5' });
    expect(stripSpans(se.str('a.se'))).toEqual({ kind: 'string', value: 'a.se' });
  });

  it('builds every kind of statement and declaration like the parser', () => {
    const text = `import "common.se"

block b(w: int, m: enum(avg, max) = avg, f: float = 0.5) {
  let half = w / 2
  concat {
    branch {
      conv(1x1, half) as left
    }
    branch {
      conv(3x3, half, pad: same)
    }
  }
  if w > 64 and not m == max {
    bn
  } else if w < 8 {
    relu
  } else {
    tanh
  }
  residual(scale: 0.5) {
    bn
  }
  let y = w % 3 == 0 ? -w : w - 1
}

model tiny-1 extends base-2 {
  input 3x32x32
  classes 10
  param d = 2
  config se in s1 { r: 4, gate: hard_sigmoid }
}
`;
    const built = se.sourceFile('t.se', [
      se.import('common.se'),
      se.block('b', [se.param('w', 'int'), se.param('m', ['avg', 'max'], 'avg'), se.param('f', 'float', 0.5)], [
        se.let('half', se.div('w', 2)),
        se.concat([call('conv', [dims(1, 1), 'half'], {}, { as: 'left' })], [call('conv', [dims(3, 3), 'half'], { pad: 'same' })]),
        se.if(se.and(se.gt('w', 64), se.not(se.eq('m', 'max'))), [call('bn')], se.if(se.lt('w', 8), [call('relu')], [call('tanh')])),
        se.residual({ scale: 0.5 }, [call('bn')]),
        se.let('y', se.cond(se.eq(se.mod('w', 3), 0), se.neg('w'), se.sub('w', 1))),
      ]),
      se.model('tiny-1', {
        extends: 'base-2',
        input: dims(3, 32, 32),
        classes: 10,
        params: { d: 2 },
        items: [config('s1', { r: 4, gate: 'hard_sigmoid' })],
      }),
    ]);
    const parsed = parse(text, 't.se');
    expect(parsed.diagnostics).toEqual([]);
    expect(stripSpans(built)).toEqual(stripSpans(parsed.ast));
    expect(format(built)).toBe(text);
  });

  it('rejects values no source could produce', () => {
    expect(() => se.ref('not a name')).toThrow(TypeError);
    expect(() => se.model('se--x', [])).toThrow(TypeError);
    expect(() => se.dims(3)).toThrow(TypeError);
    expect(() => se.int(1.5)).toThrow(TypeError);
    expect(() => se.expr(Number.NaN)).toThrow(TypeError);
    expect(() => se.concat()).toThrow(TypeError);
    expect(() => se.float(1, '1')).toThrow(TypeError);
  });

  it('strips spans, comments and blank-line marks', () => {
    const { ast } = parse('// c\nblock b() {\n\n  bn  // t\n  residual {} shortcut {\n    // s\n  }\n}\n', 'a.se');
    expect(stripSpans(ast)).toEqual({
      kind: 'file',
      file: 'a.se',
      items: [
        {
          kind: 'block',
          name: { name: 'b' },
          params: [],
          body: [
            { kind: 'call', callee: { name: 'bn' }, args: [] },
            { kind: 'residual', args: [], main: [], shortcut: [] },
          ],
        },
      ],
    });
  });
});

/** The tree without comments (the builder makes none), for comparing formatted text. */
function stripComments<T>(node: T): T {
  return JSON.parse(
    JSON.stringify(node, (key, value) =>
      ['leadingComments', 'trailingComment', 'trailingComments', 'blankLineBefore'].includes(key) ? undefined : value,
    ),
  ) as T;
}
