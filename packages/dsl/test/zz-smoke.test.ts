import { readFileSync } from 'node:fs';
import { test } from 'vitest';
import { parse } from '../src/parser.js';
import { format } from '../src/format.js';
test('smoke', () => {
  const md = readFileSync('/work/main/packages/dsl/GRAMMAR.md', 'utf8');
  const src = md.split('```se\n')[1]!.split('```')[0]!;
  const out = format(parse(src, 'g.se').ast);
  console.log(out);
  const weird = `// header

// about a
block a(x: int, /* inline */ y: enum(p, q,) = p,) {
  conv(3x3, -x * (2 + 3), pad: - -1) ; bn // trailing bn
  /* before relu */

  relu as r1 // r1


  // closing comment
}
model m-1 { input 3x8x8; classes 2
  config se { r: 8, // ratio
    gate: sigmoid }
  concat { // c
    branch { a(1) } // b1

    branch { if x > 1 and not y { bn } else if z { relu } else { /* nothing */ } }
  }
  residual { } shortcut { }
  repeat n - 1 a(1, y: q) first(x: 2)
  // end of m
}
// eof comment
`;
  const r = parse(weird, 'w.se');
  console.log(JSON.stringify(r.diagnostics));
  const o = format(r.ast);
  console.log(o);
  console.log(format(parse(o, 'w.se').ast) === o);
});
