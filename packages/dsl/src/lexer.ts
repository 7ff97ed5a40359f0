import { createDiagnostic, type Diagnostic, type Span } from '@excite/diagnostics';

/**
 * The lexer of the `.se` language (see ../GRAMMAR.md, "Lexical structure"). It never throws: a lexical mistake
 * becomes a diagnostic (E0101 unexpected character, E0102 unterminated string, E0103 unterminated block comment,
 * E0105 malformed number) and scanning goes on, so the parser can still report the file's other mistakes.
 */

export type TokenKind =
  | 'ident'
  | 'keyword'
  | 'int'
  | 'float'
  | 'dims'
  | 'string'
  | 'punct'
  | 'comment'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The exact source text (for a string, with its quotes; for a comment, with its markers). */
  text: string;
  span: Span;
  /** 1-based line of the token's first character. */
  line: number;
  /** 1-based line of the token's last character (differs from `line` only for block comments). */
  endLine: number;
  /** int and float: the number; string: the contents with escapes resolved. */
  value?: number | string;
  /** dims: the sizes, `3x224x224` → [3, 224, 224]. */
  dims?: number[];
  /** The token is malformed and a diagnostic was already reported for it; `value` is a placeholder. */
  invalid?: boolean;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'import', 'block', 'model', 'extends', 'input', 'classes', 'param', 'config', 'in', 'stage', 'repeat', 'first',
  'if', 'else', 'residual', 'shortcut', 'concat', 'branch', 'let', 'as', 'true', 'false', 'and', 'or', 'not',
  'int', 'float', 'bool', 'enum',
]);

const PUNCT_TWO = new Set(['==', '!=', '<=', '>=']);
const PUNCT_ONE = new Set(['(', ')', '{', '}', ',', ':', ';', '=', '?', '+', '-', '*', '/', '%', '<', '>']);

const CH_NEWLINE = 10;
const CH_QUOTE = 34;
const CH_BACKSLASH = 92;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12 || c === CH_NEWLINE;
}

/** Hints for characters people type by habit from other languages. */
const CHARACTER_HINTS: Record<string, string> = {
  '!': 'write `not` for negation (and `!=` for "not equal")',
  '&': 'write `and`',
  '|': 'write `or`',
  "'": 'strings use double quotes: "file.se"',
  '[': 'layer arguments go in parentheses: conv(3x3, 64)',
  ']': 'layer arguments go in parentheses: conv(3x3, 64)',
  '#': 'comments start with //',
};

function describeCharacters(run: string): string {
  const first = run.codePointAt(0) ?? 0;
  const printable = first > 0x20 && first !== 0x7f && !(first >= 0x80 && first <= 0xa0) && !(first >= 0x2000 && first <= 0x200f);
  const shown = run.length > 20 ? `${run.slice(0, 20)}…` : run;
  const code = `U+${first.toString(16).toUpperCase().padStart(4, '0')}`;
  const count = [...run].length;
  const noun = count === 1 ? 'character' : 'characters';
  if (!printable) return `unexpected ${noun} ${code}`;
  return first < 0x80 ? `unexpected ${noun} \`${shown}\`` : `unexpected ${noun} \`${shown}\` (${code})`;
}

/**
 * Splits `text` into tokens (comments included, as `comment` tokens, so the formatter can keep them), ending with
 * one `eof` token. Runs in time linear in the text.
 */
export function tokenize(text: string, file: string): { tokens: Token[]; diagnostics: Diagnostic[] } {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  const span = (start: number, end: number): Span => ({ file, start, end });
  const push = (kind: TokenKind, start: number, end: number, extra?: Partial<Token>): Token => {
    const token: Token = { kind, text: text.slice(start, end), span: span(start, end), line, endLine: line };
    if (extra) Object.assign(token, extra);
    tokens.push(token);
    return token;
  };
  /** A character that can start some token (or a malformed number we report as such). */
  const startsToken = (at: number): boolean => {
    const c = text.charCodeAt(at);
    if (isIdentPart(c) || c === CH_QUOTE) return true;
    const ch = text[at]!;
    if (PUNCT_ONE.has(ch)) return true;
    if (ch === '!') return text[at + 1] === '=';
    if (ch === '.') return isDigit(text.charCodeAt(at + 1));
    return false;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === CH_NEWLINE) {
      line++;
      i++;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;

    // comments
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      let j = i + 2;
      while (j < n && text.charCodeAt(j) !== CH_NEWLINE) j++;
      let end = j;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      push('comment', start, end);
      i = j;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      const startLine = line;
      for (let k = i; k < end; k++) if (text.charCodeAt(k) === CH_NEWLINE) line++;
      const token: Token = { kind: 'comment', text: text.slice(start, end), span: span(start, end), line: startLine, endLine: line };
      if (close < 0) {
        token.invalid = true;
        diagnostics.push(createDiagnostic('E0103', 'unterminated block comment', span(start, start + 2)));
      }
      tokens.push(token);
      i = end;
      continue;
    }

    // identifiers and keywords
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      push(KEYWORDS.has(word) ? 'keyword' : 'ident', i, j);
      i = j;
      continue;
    }

    // numbers: 64, 0.2, 1e-5, 2.5e3, dims 3x224x224 (and malformed ones such as 32x4d, 3., .5)
    if (isDigit(c) || (c === 46 /* . */ && isDigit(text.charCodeAt(i + 1)))) {
      i = lexNumber(start);
      continue;
    }

    // strings
    if (c === CH_QUOTE) {
      i = lexString(start);
      continue;
    }

    // punctuation
    const two = text.slice(i, i + 2);
    if (PUNCT_TWO.has(two)) {
      push('punct', i, i + 2);
      i += 2;
      continue;
    }
    if (PUNCT_ONE.has(text[i]!)) {
      push('punct', i, i + 1);
      i += 1;
      continue;
    }

    // anything else: one diagnostic for a run of unexpected characters
    let j = i;
    while (j < n && !isSpace(text.charCodeAt(j)) && (j === i || !startsToken(j))) {
      const cp = text.codePointAt(j) ?? 0;
      j += cp > 0xffff ? 2 : 1;
    }
    const run = text.slice(i, j);
    diagnostics.push(createDiagnostic('E0101', describeCharacters(run), span(i, j), CHARACTER_HINTS[run[0]!]));
    i = j;
  }
  tokens.push({ kind: 'eof', text: '', span: span(n, n), line, endLine: line });
  return { tokens, diagnostics };

  function digitsFrom(at: number): number {
    while (at < n && isDigit(text.charCodeAt(at))) at++;
    return at;
  }

  function lexNumber(start: number): number {
    let j = start;
    let kind: 'int' | 'float' | 'dims' = 'int';
    const leadingDot = text.charCodeAt(start) === 46;
    if (leadingDot) {
      kind = 'float';
      j = digitsFrom(start + 1);
    } else {
      j = digitsFrom(start);
      if (text[j] === 'x' && isDigit(text.charCodeAt(j + 1))) {
        kind = 'dims';
        while (text[j] === 'x' && isDigit(text.charCodeAt(j + 1))) j = digitsFrom(j + 1);
      } else if (text[j] === '.' && isDigit(text.charCodeAt(j + 1))) {
        kind = 'float';
        j = digitsFrom(j + 1);
      }
    }
    if (kind !== 'dims' && (text[j] === 'e' || text[j] === 'E')) {
      const sign = text[j + 1] === '+' || text[j + 1] === '-' ? 1 : 0;
      if (isDigit(text.charCodeAt(j + 1 + sign))) {
        kind = 'float';
        j = digitsFrom(j + 1 + sign);
      }
    }
    // Letters, digits, underscores or dots glued to a number make it malformed: 32x4d, 3x, 1e, 3., 1.2.3
    let junk = false;
    while (j < n && (isIdentPart(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) {
      junk = true;
      j++;
    }
    const raw = text.slice(start, j);
    const bad = (message: string, hint?: string) => {
      diagnostics.push(createDiagnostic('E0105', message, span(start, j), hint));
      push('int', start, j, { value: 0, invalid: true });
      return j;
    };
    if (leadingDot) return bad(`malformed number \`${raw}\``, `write a digit before the point: 0${raw}`);
    if (junk) return bad(`malformed number \`${raw}\``);
    if (kind === 'dims') {
      const values = raw.split('x').map(Number);
      if (values.some((v) => !Number.isSafeInteger(v))) return bad(`size \`${raw}\` is too large`, 'sizes must be below 2^53');
      push('dims', start, j, { dims: values });
      return j;
    }
    const value = Number(raw);
    if (kind === 'int') {
      if (!Number.isSafeInteger(value)) return bad(`integer \`${raw}\` is too large`, 'integers must be below 2^53');
      push('int', start, j, { value });
      return j;
    }
    if (!Number.isFinite(value)) return bad(`number \`${raw}\` is too large`);
    push('float', start, j, { value });
    return j;
  }

  function lexString(start: number): number {
    let j = start + 1;
    let value = '';
    for (;;) {
      const c = text.charCodeAt(j);
      if (j >= n || c === CH_NEWLINE || c === 13) {
        const end = Math.max(j, start + 1);
        diagnostics.push(createDiagnostic('E0102', 'unterminated string', span(start, end)));
        push('string', start, j, { value, invalid: true });
        return j;
      }
      if (c === CH_QUOTE) {
        push('string', start, j + 1, { value });
        return j + 1;
      }
      if (c === CH_BACKSLASH) {
        const next = text.charCodeAt(j + 1);
        if (next === CH_QUOTE || next === CH_BACKSLASH) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        if (j + 1 < n && next !== CH_NEWLINE && next !== 13) {
          diagnostics.push(
            createDiagnostic('E0101', `unknown escape \`\\${text[j + 1]}\` in a string`, span(j, j + 2), 'only \\" and \\\\ can be escaped'),
          );
          value += text.slice(j, j + 2);
          j += 2;
          continue;
        }
        value += '\\';
        j += 1;
        continue;
      }
      value += text[j];
      j++;
    }
  }
}
