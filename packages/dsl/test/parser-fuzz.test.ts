import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripSpans } from '../src/builder.js';
import { format, formatSource } from '../src/format.js';
import { parse } from '../src/parser.js';
import { fileArb, grammarExample, mutated, respaced } from './arbitraries.js';

/** Per-input limit, loose on purpose (CI machines are slow); real inputs take well under a millisecond. */
const LIMIT_MS = 200;

/** parse and formatSource must not throw, must finish quickly, and a formatted result must be stable. */
function check(text: string): void {
  const start = performance.now();
  const parsed = parse(text, 'fuzz.se');
  const result = formatSource(text, 'fuzz.se');
  const elapsed = performance.now() - start;
  expect(elapsed, JSON.stringify(text.slice(0, 200))).toBeLessThan(LIMIT_MS);
  expect(parsed.ast.kind).toBe('file');
  for (const d of parsed.diagnostics) {
    expect(d.code).toMatch(/^E01\d\d$/);
    expect(d.span!.start).toBeGreaterThanOrEqual(0);
    expect(d.span!.end).toBeLessThanOrEqual(text.length + 1);
  }
  if (result.output !== undefined) {
    expect(parsed.diagnostics).toEqual([]);
    const again = formatSource(result.output, 'fuzz.se');
    expect(again.output).toBe(result.output);
    expect(stripSpans(parse(result.output, 'fuzz.se').ast)).toEqual(stripSpans(parsed.ast));
  } else {
    expect(result.diagnostics.length).toBeGreaterThan(0);
  }
}

describe('parser robustness (fast-check)', () => {
  it('formats generated sources idempotently, keeping the tree', () => {
    fc.assert(
      fc.property(fileArb, (file) => {
        const text = format(file);
        check(text);
        expect(stripSpans(parse(text, 'gen.se').ast)).toEqual(stripSpans(file));
      }),
      { numRuns: 500 },
    );
  });

  it('handles generated sources re-spaced with comments', () => {
    fc.assert(
      fc.property(
        fileArb.chain((file) => respaced(format(file))),
        (text) => check(text),
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on mutated generated sources', () => {
    fc.assert(
      fc.property(
        fileArb.chain((file) => mutated(format(file))),
        (text) => check(text),
      ),
      { numRuns: 1500 },
    );
  });

  it('never throws on mutations of the GRAMMAR.md example', () => {
    fc.assert(fc.property(mutated(grammarExample()), (text) => check(text)), { numRuns: 1500 });
  });

  it('never throws on arbitrary strings', () => {
    const alphabet = fc.constantFrom(...'{}()[],:;=?+-*/%<>!"\\\n x0123.e_aAz@#\t'.split(''), 'model', 'block', 'stage', 'if', 'else', 'se', '3x3', '//', '/*', '*/', 'not', 'config', 'repeat', 'first');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 80 }).map((parts) => parts.join(' ')), (text) => check(text)), { numRuns: 1500 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => check(text)), { numRuns: 500 });
  });

  it('stays fast on large hostile inputs', () => {
    const inputs = [
      '('.repeat(100_000),
      '{'.repeat(100_000),
      '}'.repeat(100_000),
      `block b() {${' conv('.repeat(20_000)}`,
      `block b() { ${'conv 3x3 , 64 ;;\n'.repeat(10_000)} }`,
      `model m { ${'config se { r: '.repeat(10_000)} }`,
      `model ${'a-'.repeat(20_000)}b {}`,
      '"'.repeat(50_001),
      '/*'.repeat(50_000),
      `block b() { let x = ${'1 - '.repeat(20_000)}1 }`,
    ];
    for (const text of inputs) {
      const start = performance.now();
      parse(text, 'big.se');
      formatSource(text, 'big.se');
      expect(performance.now() - start, text.slice(0, 20)).toBeLessThan(3_000);
    }
  });
});
