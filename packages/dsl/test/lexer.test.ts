import { describe, expect, it } from 'vitest';
import { tokenize, type Token } from '../src/lexer.js';

const kinds = (tokens: Token[]) => tokens.map((t) => `${t.kind}:${t.text}`);

describe('tokenize', () => {
  it('splits a statement into tokens with spans', () => {
    const { tokens, diagnostics } = tokenize('conv(3x3, 64, stride: 2)', 'a.se');
    expect(diagnostics).toEqual([]);
    expect(kinds(tokens)).toEqual([
      'ident:conv', 'punct:(', 'dims:3x3', 'punct:,', 'int:64', 'punct:,', 'ident:stride', 'punct::', 'int:2', 'punct:)', 'eof:',
    ]);
    expect(tokens[2]).toMatchObject({ dims: [3, 3], span: { file: 'a.se', start: 5, end: 8 } });
    expect(tokens[4]).toMatchObject({ value: 64 });
    expect(tokens.at(-1)!.span).toEqual({ file: 'a.se', start: 24, end: 24 });
  });

  it('reads keywords, identifiers and model-name pieces', () => {
    const { tokens } = tokenize('model se-resnet-50 extends after_3x3', 'a.se');
    expect(kinds(tokens)).toEqual(['keyword:model', 'ident:se', 'punct:-', 'ident:resnet', 'punct:-', 'int:50', 'keyword:extends', 'ident:after_3x3', 'eof:']);
  });

  it('reads numbers: ints, decimals, exponents and dims', () => {
    const { tokens, diagnostics } = tokenize('0 64 0.2 1e-5 2.5e3 1E+2 3x224x224 007', 'a.se');
    expect(diagnostics).toEqual([]);
    expect(tokens.slice(0, -1).map((t) => [t.kind, t.value ?? t.dims])).toEqual([
      ['int', 0], ['int', 64], ['float', 0.2], ['float', 1e-5], ['float', 2500], ['float', 100], ['dims', [3, 224, 224]], ['int', 7],
    ]);
  });

  it('reads all punctuation, longest first', () => {
    const { tokens } = tokenize('( ) { } , : ; = ? + - * / % == != < <= > >=', 'a.se');
    expect(tokens.slice(0, -1).map((t) => t.text)).toEqual('( ) { } , : ; = ? + - * / % == != < <= > >='.split(' '));
    expect(tokens.every((t) => t.kind === 'punct' || t.kind === 'eof')).toBe(true);
    expect(kinds(tokenize('a<=b!=-c', 'a.se').tokens)).toEqual(['ident:a', 'punct:<=', 'ident:b', 'punct:!=', 'punct:-', 'ident:c', 'eof:']);
  });

  it('captures comments with lines', () => {
    const { tokens } = tokenize('bn // after\r\n/* one\ntwo */ relu', 'a.se');
    expect(kinds(tokens)).toEqual(['ident:bn', 'comment:// after', 'comment:/* one\ntwo */', 'ident:relu', 'eof:']);
    expect(tokens.map((t) => [t.line, t.endLine])).toEqual([[1, 1], [1, 1], [2, 3], [3, 3], [3, 3]]);
  });

  it('reads strings with escapes', () => {
    const { tokens, diagnostics } = tokenize('import "a \\"b\\" \\\\ c.se"', 'a.se');
    expect(diagnostics).toEqual([]);
    expect(tokens[1]).toMatchObject({ kind: 'string', value: 'a "b" \\ c.se' });
  });

  it('reports unexpected characters and keeps going (E0101)', () => {
    const { tokens, diagnostics } = tokenize('bn @@ relu ! x', 'a.se');
    expect(diagnostics.map((d) => [d.code, d.message, d.span!.start, d.span!.end])).toEqual([
      ['E0101', 'unexpected characters `@@`', 3, 5],
      ['E0101', 'unexpected character `!`', 11, 12],
    ]);
    expect(diagnostics[1]!.hint).toMatch(/not/);
    expect(kinds(tokens)).toEqual(['ident:bn', 'ident:relu', 'ident:x', 'eof:']);
  });

  it('names invisible and non-ASCII characters by code point', () => {
    expect(tokenize('a\u00a0b', 'a.se').diagnostics[0]!.message).toBe('unexpected character U+00A0');
    expect(tokenize('a é', 'a.se').diagnostics[0]!.message).toBe('unexpected character `é` (U+00E9)');
  });

  it('reports unterminated strings (E0102) and block comments (E0103)', () => {
    const string = tokenize('import "a.se\nbn', 'a.se');
    expect(string.diagnostics.map((d) => [d.code, d.span!.start, d.span!.end])).toEqual([['E0102', 7, 12]]);
    expect(kinds(string.tokens)).toEqual(['keyword:import', 'string:"a.se', 'ident:bn', 'eof:']);
    const comment = tokenize('bn /* never\nclosed', 'a.se');
    expect(comment.diagnostics.map((d) => [d.code, d.span!.start, d.span!.end])).toEqual([['E0103', 3, 5]]);
    expect(comment.tokens.map((t) => t.kind)).toEqual(['ident', 'comment', 'eof']);
  });

  it('reports malformed numbers (E0105) as one token', () => {
    for (const bad of ['32x4d', '3x', '1e', '3.', '1.2.3', '.5', '12ab', '99999999999999999999', '3x3.5']) {
      const { tokens, diagnostics } = tokenize(`${bad} bn`, 'a.se');
      expect(diagnostics.map((d) => d.code), bad).toEqual(['E0105']);
      expect(kinds(tokens), bad).toEqual([`int:${bad}`, 'ident:bn', 'eof:']);
      expect(tokens[0]!.invalid).toBe(true);
    }
    expect(tokenize('.5', 'a.se').diagnostics[0]!.hint).toBe('write a digit before the point: 0.5');
  });

  it('never throws and ends with eof on arbitrary text', () => {
    for (const text of ['', '"', '/*', '\\', '\u0000', '\ud83d\ude00 x', 'x\u0000y', '\ufeffbn']) {
      const { tokens } = tokenize(text, 'a.se');
      expect(tokens.at(-1)!.kind).toBe('eof');
    }
    expect(tokenize('\ufeffbn', 'a.se').diagnostics).toEqual([]);
  });
});
