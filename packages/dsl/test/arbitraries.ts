import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Argument, Expr, IfStatement, ModelItem, SourceFileNode, Statement, TopLevel } from '../src/ast.js';
import { se } from '../src/builder.js';
import { tokenize } from '../src/lexer.js';

/** The example at the top of GRAMMAR.md. */
export function grammarExample(): string {
  const markdown = readFileSync(new URL('../GRAMMAR.md', import.meta.url), 'utf8');
  const start = markdown.indexOf('```se\n') + '```se\n'.length;
  return markdown.slice(start, markdown.indexOf('```', start));
}

const names = fc.constantFrom('a', 'b', 'width', 'x1', '_t', 'conv2_x', 'relu', 'se', 'stride');
const floats = fc.constantFrom('0.5', '1e-5', '2.5e3', '1.0', '3.25', '1E+2', '0.0');

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.nat(5000).map((n) => se.int(n)),
  floats.map((text) => se.float(Number(text), text)),
  fc.boolean().map((b) => se.bool(b)),
  fc.array(fc.nat(512), { minLength: 2, maxLength: 4 }).map((values) => se.dims(...values)),
  fc.oneof(names, fc.constantFrom('classes', 'input', 'concat')).map((n) => se.ref(n)),
  fc.constantFrom('x.se', 'say "hi"', 'back\\slash', '').map((s) => se.str(s)),
);

const binaryOps = fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', 'and', 'or' as const);

/** Expressions of every kind, nested a few levels. */
export const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    leaf,
    fc.tuple(fc.constantFrom('-', 'not' as const), tie('expr')).map(([op, e]) => (op === '-' ? se.neg(e) : se.not(e))),
    fc.tuple(binaryOps, tie('expr'), tie('expr')).map(([op, l, r]) => se.binary(op, l, r)),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([t, a, b]) => se.cond(t, a, b)),
  ),
})).expr;

const argArb: fc.Arbitrary<Argument> = fc
  .tuple(fc.option(names, { nil: undefined }), exprArb)
  .map(([name, value]) => (name === undefined ? se.arg(value) : se.arg(name, value)));
export const argsArb = fc.array(argArb, { maxLength: 3 });
export const namedArgsArb = fc.dictionary(names, exprArb, { maxKeys: 3 });

const callArb = fc
  .tuple(names, argsArb, fc.option(names, { nil: undefined }))
  .map(([callee, args, alias]) => se.call(callee, args, {}, alias === undefined ? {} : { as: alias }));

export const statementArb: fc.Arbitrary<Statement> = fc.letrec<{ statement: Statement; body: Statement[] }>((tie) => ({
  body: fc.array(tie('statement'), { maxLength: 3 }),
  statement: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    callArb,
    fc.tuple(names, exprArb).map(([n, v]) => se.let(n, v)),
    fc.tuple(exprArb, callArb, argsArb).map(([count, call, first]) => se.repeat(count, call, first)),
    fc.tuple(names, tie('body')).map(([n, body]) => se.stage(n, body)),
    fc
      .tuple(
        exprArb,
        tie('body'),
        fc.option(
          fc.oneof(
            tie('body'),
            // else if
            fc.tuple(exprArb, tie('body'), fc.option(tie('body'), { nil: undefined })).map(([t, then, e]) => se.if(t, then, e)),
          ),
          { nil: undefined },
        ),
      )
      .map(([test, then, otherwise]) => se.if(test, then, otherwise as Statement[] | IfStatement | undefined)),
    fc
      .tuple(argsArb, tie('body'), fc.option(tie('body'), { nil: undefined }))
      .map(([args, main, shortcut]) => se.residual(args, main, shortcut)),
    fc.array(tie('body'), { minLength: 1, maxLength: 3 }).map((branches) => se.concat(...branches)),
  ),
})).statement;

export const modelItemArb: fc.Arbitrary<ModelItem> = fc.oneof(
  { weight: 3, arbitrary: statementArb },
  { weight: 1, arbitrary: exprArb.map((e) => se.input(e)) },
  { weight: 1, arbitrary: exprArb.map((e) => se.classes(e)) },
  { weight: 1, arbitrary: fc.tuple(names, exprArb).map(([n, v]) => se.modelParam(n, v)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(namedArgsArb, fc.option(names, { nil: undefined }))
      .map(([entries, stage]) => (stage === undefined ? se.config(entries) : se.config(stage, entries))),
  },
);

const modelNames = fc.constantFrom('se-resnet-50', 'a', 'resnet-50', 'mobile-v2-x1', 'b_c-1-d', 'm-in-first');
export const typeArb = fc.oneof(
  fc.constantFrom('int' as const, 'float' as const, 'bool' as const),
  fc.array(names, { minLength: 1, maxLength: 3 }),
);

export const topLevelArb: fc.Arbitrary<TopLevel> = fc.oneof(
  fc.constantFrom('a.se', 'dir/b.se', 'q"uote.se').map((p) => se.import(p)),
  fc
    .tuple(names, fc.array(fc.tuple(names, typeArb, fc.option(exprArb, { nil: undefined })), { maxLength: 3 }), fc.array(statementArb, { maxLength: 4 }))
    .map(([name, params, body]) => se.block(name, params.map(([n, t, d]) => se.param(n, t, d)), body)),
  fc
    .tuple(modelNames, fc.option(modelNames, { nil: undefined }), fc.array(modelItemArb, { maxLength: 5 }))
    .map(([name, base, items]) => se.model(name, { ...(base === undefined ? {} : { extends: base }), items })),
);

/** Whole files built with the builder (so every tree is one the parser can produce). */
export const fileArb: fc.Arbitrary<SourceFileNode> = fc
  .array(topLevelArb, { maxLength: 4 })
  .map((items) => se.sourceFile('gen.se', items));

const trivia = fc.constantFrom(' ', '\n', '\n\n', '  // note\n', ' /* c */ ', '\n// above\n', '\n\n// para\n\n', '\t');

/**
 * Re-spaces a formatted source: every whitespace gap between two tokens becomes random whitespace and comments.
 * The result means the same program.
 */
export function respaced(text: string): fc.Arbitrary<string> {
  const tokens = tokenize(text, 'gen.se').tokens;
  const gaps: [number, number][] = [];
  for (let k = 1; k < tokens.length; k++) {
    const start = tokens[k - 1]!.span.end;
    const end = tokens[k]!.span.start;
    if (end > start) gaps.push([start, end]);
  }
  return fc.array(trivia, { minLength: gaps.length, maxLength: gaps.length }).map((choices) => {
    let out = '';
    let at = 0;
    gaps.forEach(([start, end], index) => {
      out += text.slice(at, start) + choices[index]!;
      at = end;
    });
    return out + text.slice(at);
  });
}

/** Random edits (insert, delete, replace a character) applied to a text. */
export function mutated(text: string): fc.Arbitrary<string> {
  const alphabet = fc.constantFrom(...'{}()[],:;=?+-*/%<>!"\\\n x0123.e_aAzé@#\t/*'.split(''), '//', '/*', '*/', 'model ', 'block ', 'if ', '3x3');
  const edit = fc.tuple(fc.constantFrom('insert', 'delete', 'replace'), fc.nat(), alphabet);
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let out = text;
    for (const [kind, where, what] of edits) {
      const at = out.length === 0 ? 0 : where % (out.length + 1);
      if (kind === 'insert') out = out.slice(0, at) + what + out.slice(at);
      else if (kind === 'delete') out = out.slice(0, at) + out.slice(at + 1);
      else out = out.slice(0, at) + what + out.slice(at + 1);
    }
    return out;
  });
}
