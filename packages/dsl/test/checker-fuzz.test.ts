import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosticError } from '@excite/diagnostics';
import { checkFile, memoryHost } from '../src/index.js';

// Hostile input for the whole front end (parser, checks, elaboration, shape rules): whatever the text, checkFile
// returns diagnostics or graphs — it never throws — and it answers quickly.
const here = fileURLToPath(new URL('.', import.meta.url));
const zooDir = `${here}/../../zoo/models`;
const seeds = [
  ...readdirSync(zooDir).filter((f) => f.endsWith('.se')).map((f) => readFileSync(`${zooDir}/${f}`, 'utf8')),
  ...readdirSync(`${here}/golden`).filter((f) => f.endsWith('.se')).map((f) => readFileSync(`${here}/golden/${f}`, 'utf8')),
];

const TIME_LIMIT_MS = 2000;
let slowest = 0;

function checkQuickly(text: string): void {
  const started = performance.now();
  let result;
  try {
    result = checkFile('fuzz.se', memoryHost({ 'fuzz.se': text }));
  } catch (error) {
    // A DiagnosticError escaping would mean a missing catch; anything else is a crash. Both fail.
    throw new Error(`checkFile threw ${error instanceof DiagnosticError ? 'a DiagnosticError' : String(error)} for:\n${text}`);
  }
  const elapsed = performance.now() - started;
  slowest = Math.max(slowest, elapsed);
  expect(elapsed, `took ${elapsed.toFixed(0)} ms on:\n${text.slice(0, 400)}`).toBeLessThan(TIME_LIMIT_MS);
  for (const d of result.diagnostics) {
    expect(d.code).toMatch(/^E\d{4}$/);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'digits'; at: number; value: string };

// Edits that keep most of the text but break it in the ways people (and attackers) do.
const pieces = ['{', '}', '(', ')', ',', ':', '=', '"', '/*', '//', '\n', 'x', '0', '99999999999', '-', '3x3', 'se', 'repeat 9999', 'model', 'extends', 'residual', 'concat', 'block', 'import "fuzz.se"', 'stage', 'config se', 'r: 0', 'groups: 7', 'let', 'if', 'param depth4 = 10000'];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.constantFrom(...pieces) }),
  fc.record({ kind: fc.constant('digits' as const), at: fc.nat(), value: fc.constantFrom('0', '1', '7', '1000', '65537', '2147483648') }),
);

function mutate(text: string, edits: Mutation[]): string {
  let out = text;
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % out.length;
    switch (edit.kind) {
      case 'insert':
        out = out.slice(0, at) + edit.text + out.slice(at);
        break;
      case 'delete':
        out = out.slice(0, at) + out.slice(at + edit.length);
        break;
      case 'replace':
        out = out.slice(0, at) + edit.text + out.slice(at + edit.text.length);
        break;
      case 'digits': {
        // Replace the next number with a hostile one (0 widths, huge repeats, overflow).
        const match = /\d+/.exec(out.slice(at));
        if (match) out = out.slice(0, at + match.index) + edit.value + out.slice(at + match.index + match[0].length);
        break;
      }
    }
  }
  return out;
}

describe('the checker on hostile input', () => {
  it('never throws and finishes quickly on mutated zoo and golden sources', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, edits) => {
        checkQuickly(mutate(seed, edits));
      }),
      { numRuns: 1500, seed: 20261201 },
    );
    console.log(`slowest check: ${slowest.toFixed(0)} ms`);
  });

  it('never throws on random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => checkQuickly(text)), { numRuns: 1000, seed: 7 });
  });
});
