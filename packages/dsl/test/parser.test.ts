import { renderDiagnostic, type Diagnostic } from '@excite/diagnostics';
import { describe, expect, it } from 'vitest';
import type { BlockDecl, CallStatement, Expr, IfStatement, ModelDecl, ResidualStatement, StageStatement } from '../src/ast.js';
import { stripSpans } from '../src/builder.js';
import { format } from '../src/format.js';
import { parse } from '../src/parser.js';
import { grammarExample } from './arbitraries.js';

function ok(text: string) {
  const { ast, diagnostics } = parse(text, 'test.se');
  expect(diagnostics).toEqual([]);
  return ast;
}

function expression(text: string): Expr {
  const model = ok(`model m { let x = ${text} }`).items[0] as ModelDecl;
  return (model.items[0] as { value: Expr }).value;
}

/** An expression tree as a compact string with every parenthesis written. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'unary':
      return `(${e.op === 'not' ? 'not ' : '-'}${show(e.operand)})`;
    case 'conditional':
      return `(${show(e.test)} ? ${show(e.then)} : ${show(e.else)})`;
    case 'int':
      return String(e.value);
    case 'float':
      return e.text;
    case 'dims':
      return e.values.join('x');
    case 'bool':
      return String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'name':
      return e.name;
  }
}

function render(text: string): string {
  const { diagnostics } = parse(text, 'bad.se');
  const files = new Map([['bad.se', { name: 'bad.se', text }]]);
  return diagnostics.map((d) => renderDiagnostic(d, files)).join('\n\n');
}

describe('parse', () => {
  it('parses the GRAMMAR.md example without diagnostics', () => {
    const ast = ok(grammarExample());
    expect(ast.items.map((item) => item.kind)).toEqual(['block', 'model', 'model', 'model', 'model']);
    const model = ast.items[1] as ModelDecl;
    expect(model.name.name).toBe('se-resnet-50');
    expect(model.items.map((i) => i.kind)).toEqual([
      'input', 'classes', 'param', 'config', 'stage', 'stage', 'stage', 'stage', 'stage', 'call', 'call', 'call',
    ]);
    const variant = ast.items[4] as ModelDecl;
    expect(variant.extends?.name).toBe('se-resnet-50');
    expect(stripSpans(variant.items[1])).toEqual({
      kind: 'config',
      stage: { name: 'conv3_x' },
      entries: [{ name: { name: 'enabled' }, value: { kind: 'bool', value: true } }],
    });
    const dense = model.items[10] as CallStatement;
    expect(stripSpans(dense.args)).toEqual([{ value: { kind: 'name', name: 'classes' } }]);
  });

  it('gives nodes spans that cover their text', () => {
    const text = 'block b(w: int) {\n  conv(3x3, w * 4, stride: 2) as c1\n}\n';
    const block = ok(text).items[0] as BlockDecl;
    const call = block.body[0] as CallStatement;
    const slice = (s: { start: number; end: number }) => text.slice(s.start, s.end);
    expect(slice(block.span)).toBe(text.trim());
    expect(slice(call.span)).toBe('conv(3x3, w * 4, stride: 2) as c1');
    expect(slice(call.args[1]!.span)).toBe('w * 4');
    expect(slice(call.args[2]!.span)).toBe('stride: 2');
    expect(slice(call.alias!.span)).toBe('c1');
    expect(slice(block.params[0]!.span)).toBe('w: int');
    expect(call.span.file).toBe('test.se');
  });

  it('follows precedence and associativity', () => {
    expect(show(expression('1 + 2 * 3 - 4'))).toBe('((1 + (2 * 3)) - 4)');
    expect(show(expression('a - b - c'))).toBe('((a - b) - c)');
    expect(show(expression('-a * -(b + 1)'))).toBe('((-a) * (-(b + 1)))');
    expect(show(expression('not a == b and c or d'))).toBe('(((not (a == b)) and c) or d)');
    expect(show(expression('a ? b : c ? d : e'))).toBe('(a ? b : (c ? d : e))');
    expect(show(expression('w % 2 == 0 ? w / 2 : 1.5e3'))).toBe('(((w % 2) == 0) ? (w / 2) : 1.5e3)');
    expect(show(expression('not not true'))).toBe('(not (not true))');
    expect(show(expression('(classes)'))).toBe('classes');
    expect(show(expression('input == concat'))).toBe('(input == concat)');
  });

  it('parses statements: repeat/first, if/else if, residual/shortcut, concat, let', () => {
    const block = ok(`block b(p: bool, m: enum(avg, max,) = avg,) {
      let w = 4; repeat w * 2 bottleneck(64) as unit first(stride: 2, project: true)
      if p { bn } else if not p { relu } else { tanh }
      residual { conv(1x1, 8) } shortcut {}
      residual(act: relu) { bn }
      concat { branch { conv(1x1, 8) } branch { maxpool(3x3) } }
      stage s { stage t { identity } }
    }`).items[0] as BlockDecl;
    expect(block.params[1]!.type).toMatchObject({ kind: 'enum', members: [{ name: 'avg' }, { name: 'max' }] });
    expect(block.body.map((s) => s.kind)).toEqual(['let', 'repeat', 'if', 'residual', 'residual', 'concat', 'stage']);
    expect(stripSpans(block.body[1])).toMatchObject({
      kind: 'repeat',
      call: { callee: { name: 'bottleneck' }, alias: { name: 'unit' } },
      first: [{ name: { name: 'stride' } }, { name: { name: 'project' } }],
    });
    const ifs = block.body[2] as IfStatement;
    expect((ifs.else![0] as IfStatement).else).toHaveLength(1);
    const residual = block.body[3] as ResidualStatement;
    expect(residual.shortcut).toEqual([]);
    expect(residual.shortcutSpan).toBeDefined();
    expect((block.body[4] as ResidualStatement).shortcut).toBeUndefined();
    expect(((block.body[6] as StageStatement).body[0] as StageStatement).name.name).toBe('t');
  });

  it('attaches comments and blank lines to nodes', () => {
    const ast = ok(`// file header

// about b
block b() {
  conv // the conv
  /* lead */

  bn; // after semicolon

  // closing
}
// the end
`);
    expect(ast.trailingComments).toEqual(['// the end']);
    const block = ast.items[0] as BlockDecl;
    expect(block.leadingComments).toEqual(['// file header', '', '// about b']);
    expect(block.body[0]).toMatchObject({ trailingComment: '// the conv' });
    expect(block.body[1]).toMatchObject({ leadingComments: ['/* lead */', ''], trailingComment: '// after semicolon' });
    expect(block.body[1]!.blankLineBefore).toBeUndefined();
    expect(block.trailingComments).toEqual(['', '// closing']);
    const second = ok('block b() {\n  conv\n\n  // x\n  bn\n}').items[0] as BlockDecl;
    expect(second.body[1]).toMatchObject({ blankLineBefore: true, leadingComments: ['// x'] });
  });

  it('keeps comments of else and shortcut bodies', () => {
    const block = ok('block b() {\n  if x {\n    // t\n  } else {\n    // e\n  }\n  residual {\n    // m\n  } shortcut {\n    // s\n  }\n}')
      .items[0] as BlockDecl;
    expect(block.body[0]).toMatchObject({ trailingComments: ['// t'], elseTrailingComments: ['// e'] });
    expect(block.body[1]).toMatchObject({ trailingComments: ['// m'], shortcutTrailingComments: ['// s'] });
  });

  it('recovers to report several errors in one file', () => {
    const { ast, diagnostics } = parse(
      'block a() {\n  conv(3x3 64)\n  bn\n  let = 3\n  relu\n}\nmodel m {\n  input 3x8x8\n  classes )\n  softmax\n}\n',
      'bad.se',
    );
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['E0104', 'expected `,` or `)`, found `64`'],
      ['E0104', 'expected a name, found `=`'],
      ['E0104', 'expected an expression, found `)`'],
    ]);
    expect(ast.items.map((i) => i.kind)).toEqual(['block', 'model']);
    expect((ast.items[0] as BlockDecl).body.map((s) => (s as CallStatement).callee.name)).toEqual(['bn', 'relu']);
    expect((ast.items[1] as ModelDecl).items.map((s) => s.kind)).toEqual(['input', 'call']);
  });

  it('ends an unclosed body at the next top-level keyword', () => {
    const { ast, diagnostics } = parse('block a() {\n  stage s {\n    conv\nmodel m {\n  softmax\n}\n', 'bad.se');
    expect(diagnostics.map((d) => d.message)).toEqual(['expected `}`, found `model`']);
    expect(diagnostics[0]!.related?.[0]?.message).toBe('this `{` is not closed');
    expect(ast.items.map((i) => i.kind)).toEqual(['block', 'model']);
  });

  it('gives hints for common mistakes', () => {
    const hint = (text: string) => parse(text, 'bad.se').diagnostics.map((d: Diagnostic) => d.hint);
    expect(hint('block b() { conv 3x3, 64 }')).toEqual(['layer arguments go in parentheses: conv(3x3, 64)']);
    expect(hint('block b { bn }')).toEqual(['a block lists its parameters in parentheses, even when it has none: block b() { … }']);
    expect(hint('block b(w) { bn }')).toEqual(['parameters need a type: w: int']);
    expect(hint('block b() { conv(3x3, 8, pad = 1) }')).toEqual(['named arguments use a colon: pad: …']);
    expect(hint('model m { config se { r = 8 } }')).toEqual(['settings use a colon: r: …']);
    expect(hint('model m { config se { r: 8 gate: relu } }')).toEqual(['separate settings with commas: r: 16, gate: sigmoid']);
    expect(hint('block b() { input 3x3 }')).toEqual(['`input` goes directly in a model body']);
    expect(hint('block b() { let x = 1 < 2 < 3 }')).toEqual(['comparisons do not chain: write a < b and b < c']);
    expect(hint('conv')).toEqual(['layers and settings go inside a `block` or `model` body']);
  });

  it('checks model names (E0106) and keeps parsing', () => {
    const messages = (text: string) => parse(text, 'bad.se').diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(messages('model se-resnet -50 { bn }')).toEqual(['E0106 model name `se-resnet - 50` contains spaces']);
    expect(messages('model a--b {}')).toEqual(['E0106 model names use single dashes between parts']);
    expect(messages('model c- {}')).toEqual(['E0106 model name `c-` ends with a dash']);
    expect(messages('model 50x {}')).toEqual(['E0106 model name `50x` must start with a letter']);
    expect(messages('model a extends b-1.5 {}')).toEqual(['E0106 `1.5` is not a valid part of a model name']);
    expect(messages('model m-in-first-2 extends x {}')).toEqual([]);
    const { ast } = parse('model se-resnet -50 { bn }', 'bad.se');
    expect((ast.items[0] as ModelDecl).name.name).toBe('se-resnet-50');
  });

  it('stops deeply nested input with E0107 instead of overflowing the stack', () => {
    const cases = [
      `model m { classes ${'('.repeat(50_000)}1${')'.repeat(50_000)} }`,
      `block b() { ${'stage s { '.repeat(20_000)} }`,
      `block b() { let x = ${'-'.repeat(50_000)}1 }`,
      `block b() { let x = ${'not '.repeat(50_000)}true }`,
      `block b() { let x = ${'1 + '.repeat(50_000)}1 }`,
      `block b() { let x = ${'a ? b : '.repeat(50_000)}c }`,
      `block b() { ${'if a {} else '.repeat(20_000)}{} }`,
    ];
    for (const text of cases) {
      const { diagnostics } = parse(text, 'deep.se');
      expect(diagnostics.map((d) => d.code), text.slice(0, 30)).toContain('E0107');
    }
    expect(parse(`model m { classes ${'('.repeat(90)}1${')'.repeat(90)} }`, 'ok.se').diagnostics).toEqual([]);
  });

  it('round-trips the example through format', () => {
    const ast = ok(grammarExample());
    expect(stripSpans(parse(format(ast), 'test.se').ast)).toEqual(stripSpans(ast));
  });
});

describe('syntax diagnostics, rendered', () => {
  it('E0101 unexpected character', () => {
    expect(render('block b() {\n  conv(3x3, 64) # stem\n}\n')).toBe(
      [
        'bad.se:2:17: error[E0101]: unexpected character `#`',
        '  |',
        '2 |   conv(3x3, 64) # stem',
        '  |                 ^',
        'hint: comments start with //',
      ].join('\n'),
    );
  });

  it('E0102 unterminated string', () => {
    expect(render('import "blocks.se\nmodel m {}\n')).toBe(
      [
        'bad.se:1:8: error[E0102]: unterminated string',
        '  |',
        '1 | import "blocks.se',
        '  |        ^^^^^^^^^^',
        'hint: close the string with " on the same line',
      ].join('\n'),
    );
  });

  it('E0103 unterminated block comment', () => {
    expect(render('model m {}\n/* unfinished\n')).toBe(
      [
        'bad.se:2:1: error[E0103]: unterminated block comment',
        '  |',
        '2 | /* unfinished',
        '  | ^^',
        'hint: close the comment with */',
      ].join('\n'),
    );
  });

  it('E0104 unexpected token', () => {
    expect(render('block b() {\n  conv(3x3, 64, stride = 2)\n}\n')).toBe(
      [
        'bad.se:2:24: error[E0104]: expected `,` or `)`, found `=`',
        '  |',
        '2 |   conv(3x3, 64, stride = 2)',
        '  |                        ^',
        'hint: named arguments use a colon: stride: …',
      ].join('\n'),
    );
    expect(render('block b() {\n  conv 3x3, 64\n}\n')).toBe(
      [
        'bad.se:2:8: error[E0104]: expected a statement, found `3x3`',
        '  |',
        '2 |   conv 3x3, 64',
        '  |        ^^^',
        'hint: layer arguments go in parentheses: conv(3x3, 64)',
      ].join('\n'),
    );
    expect(render('model m {\n  input 3x8x8\n')).toBe(
      [
        'bad.se:2:14: error[E0104]: expected `}`, found end of file',
        '  |',
        '2 |   input 3x8x8',
        '  |              ^',
        'note: bad.se:1:9: this `{` is not closed',
        '  |',
        '1 | model m {',
        '  |         ^',
      ].join('\n'),
    );
  });

  it('E0105 malformed number', () => {
    expect(render('model m {\n  input 3x224x\n}\n')).toBe(
      [
        'bad.se:2:9: error[E0105]: malformed number `3x224x`',
        '  |',
        '2 |   input 3x224x',
        '  |         ^^^^^^',
        'hint: write integers like 64, decimals like 0.2 or 1e-5, sizes like 3x3',
      ].join('\n'),
    );
  });

  it('E0106 malformed model name', () => {
    expect(render('model resnext-101-32x4d {}\n')).toBe(
      [
        'bad.se:1:19: error[E0106]: `32x4d` is not a valid part of a model name',
        '  |',
        '1 | model resnext-101-32x4d {}',
        '  |                   ^^^^^',
        'hint: a part after a dash is an identifier or an integer; start it with a letter (g32x4d) or split it with dashes',
      ].join('\n'),
    );
  });

  it('E0107 source nested too deeply', () => {
    const line = `  let x = ${'('.repeat(101)}1${')'.repeat(101)}`;
    expect(render(`block b() {\n${line}\n}\n`)).toBe(
      [
        'bad.se:2:110: error[E0107]: source is nested more than 100 levels deep',
        '  |',
        // a 215-character line is shown as a 120-character window around the caret
        `2 | …${line.slice(49, 169)}…`,
        `  | ${' '.repeat(61)}^`,
        'hint: split the model into named blocks',
      ].join('\n'),
    );
  });
});
