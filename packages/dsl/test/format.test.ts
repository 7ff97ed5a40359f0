import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { se, stripSpans } from '../src/builder.js';
import { format, formatSource } from '../src/format.js';
import { parse } from '../src/parser.js';
import { fileArb, grammarExample, respaced } from './arbitraries.js';

function fmt(text: string): string {
  const { output, diagnostics } = formatSource(text, 'test.se');
  expect(diagnostics).toEqual([]);
  return output!;
}

describe('format', () => {
  it('prints the canonical style', () => {
    expect(
      fmt(`block b(w:int,s:int=1,m:enum(avg,max)=avg){conv( 3x3 ,w,stride:s ) ;bn();relu as r
      residual(act:relu){bn}shortcut{conv(1x1,w*4)}
      if s>1{bn}else if s==1{relu}else{tanh}
      concat{branch{bn}branch{relu}}
      repeat 2 b(1) first(s:2)
      stage s{}
      let x=-(w+1)*2}
model m{input 3x8x8 classes 10 param d=2 config se{r:8,gate:sigmoid} config se in s{enabled:false} b(4)}
import "x.se"`),
    ).toBe(`block b(w: int, s: int = 1, m: enum(avg, max) = avg) {
  conv(3x3, w, stride: s)
  bn
  relu as r
  residual(act: relu) {
    bn
  } shortcut {
    conv(1x1, w * 4)
  }
  if s > 1 {
    bn
  } else if s == 1 {
    relu
  } else {
    tanh
  }
  concat {
    branch {
      bn
    }
    branch {
      relu
    }
  }
  repeat 2 b(1) first(s: 2)
  stage s {}
  let x = -(w + 1) * 2
}

model m {
  input 3x8x8
  classes 10
  param d = 2
  config se { r: 8, gate: sigmoid }
  config se in s { enabled: false }
  b(4)
}

import "x.se"
`);
  });

  it('prints expressions with the fewest parentheses that keep the tree', () => {
    const cases: [string, string][] = [
      ['(a + b) + c', 'a + b + c'],
      ['a + (b + c)', 'a + (b + c)'],
      ['a - (b - c)', 'a - (b - c)'],
      ['(a * b) + (c / d)', 'a * b + c / d'],
      ['(a + b) * c', '(a + b) * c'],
      ['-(a)', '-a'],
      ['- (-a)', '--a'],
      ['a - -1', 'a - -1'],
      ['not (a == b)', 'not a == b'],
      ['(not a) == b', '(not a) == b'],
      ['not (a and b)', 'not (a and b)'],
      ['(a or b) and c', '(a or b) and c'],
      ['a or (b and c)', 'a or b and c'],
      ['(a == b) == c', '(a == b) == c'],
      ['(a ? b : c) ? d : e', '(a ? b : c) ? d : e'],
      ['a ? b : (c ? d : e)', 'a ? b : c ? d : e'],
      ['(a ? b : c) + 1', '(a ? b : c) + 1'],
      ['1e-5 + 2.50', '1e-5 + 2.50'],
      ['"q\\"\\\\"', '"q\\"\\\\"'],
    ];
    for (const [input, expected] of cases) {
      expect(fmt(`block b() { let x = ${input} }`)).toBe(`block b() {\n  let x = ${expected}\n}\n`);
    }
  });

  it('keeps comments and single blank lines', () => {
    const source = `// header


// about b
block b() {   // opening


  conv  // c1
  /* two
     lines */
  bn



  // closing
}
model m extends n { config se { r: 8, // ratio
  gate: relu } } // end of m
// bye
`;
    expect(fmt(source)).toBe(`// header

// about b
block b() {
  // opening

  conv  // c1
  /* two
     lines */
  bn

  // closing
}

model m extends n {
  config se {
    r: 8,  // ratio
    gate: relu
  }
}  // end of m
// bye
`);
  });

  it('keeps a config on one line only when it fits', () => {
    const entries = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`setting${i}`, i]));
    const out = format(se.sourceFile('a.se', [se.model('m', [se.config(entries)])]));
    expect(out.split('\n')[1]).toBe('  config se {');
    expect(out).toContain('    setting0: 0,\n');
    expect(stripSpans(parse(out, 'a.se').ast)).toEqual(stripSpans(se.sourceFile('a.se', [se.model('m', [se.config(entries)])])));
  });

  it('prints empty files and bodies', () => {
    expect(fmt('')).toBe('');
    expect(fmt('  // only a comment  ')).toBe('// only a comment\n');
    expect(fmt('model m {}\nblock b() { }')).toBe('model m {}\n\nblock b() {}\n');
  });

  it('gives no output for a file with syntax errors', () => {
    const result = formatSource('block b() { conv( }', 'bad.se');
    expect(result.output).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E0104']);
  });

  it('is idempotent and keeps the tree of the GRAMMAR.md example', () => {
    const once = fmt(grammarExample());
    expect(fmt(once)).toBe(once);
    expect(stripSpans(parse(once, 'test.se').ast)).toEqual(stripSpans(parse(grammarExample(), 'test.se').ast));
    expect(once).toContain('  config se { r: 16 }\n\n  stage conv1 {\n');
    expect(once).toContain('    se(site: after_3x3)  // only active when `config se { attach: after_3x3 }`\n');
  });

  it('formats generated trees to text that parses back to the same tree (fast-check)', () => {
    fc.assert(
      fc.property(fileArb, (file) => {
        const text = format(file);
        const parsed = parse(text, 'gen.se');
        expect(parsed.diagnostics).toEqual([]);
        expect(stripSpans(parsed.ast)).toEqual(stripSpans(file));
        expect(format(parsed.ast)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it('formats re-spaced sources with comments idempotently, keeping the tree (fast-check)', () => {
    const respacedFile = fileArb.chain((file) => respaced(format(file)).map((text) => ({ file, text })));
    fc.assert(
      fc.property(respacedFile, ({ file, text }) => {
        const { output, diagnostics } = formatSource(text, 'gen.se');
        expect(diagnostics).toEqual([]);
        expect(stripSpans(parse(output!, 'gen.se').ast)).toEqual(stripSpans(file));
        expect(formatSource(output!, 'gen.se').output).toBe(output);
      }),
      { numRuns: 400 },
    );
  });
});
