import { describe, expect, it } from 'vitest';
import { CATALOG, createDiagnostic, editDistance, lineColumnOf, nearestName, renderDiagnostic } from '../src/index.js';

const text = 'model m {\n  input 3x32x32\n  conv(3x3, 16, strid: 2)\n}\n';
const files = new Map([['m.se', { name: 'm.se', text }]]);

describe('renderDiagnostic', () => {
  it('prints file:line:col, the source line, a caret under the span and the hint', () => {
    const start = text.indexOf('strid');
    const d = createDiagnostic('E0202', 'conv has no argument `strid`', { file: 'm.se', start, end: start + 5 }, 'did you mean `stride`?');
    expect(renderDiagnostic(d, files)).toBe(
      [
        'm.se:3:17: error[E0202]: conv has no argument `strid`',
        '  |',
        '3 |   conv(3x3, 16, strid: 2)',
        '  |                 ^^^^^',
        'hint: did you mean `stride`?',
      ].join('\n'),
    );
  });

  it('uses the catalog hint when the site gives none, and prints no location for span-less diagnostics', () => {
    const d = createDiagnostic('E0209', 'argument `stride` is given twice');
    expect(renderDiagnostic(d, files)).toBe(`error[E0209]: argument \`stride\` is given twice\nhint: ${CATALOG.E0209.hint}`);
  });

  it('locates offsets past line ends and at the end of the text', () => {
    expect(lineColumnOf(text, 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnOf(text, text.indexOf('input'))).toEqual({ line: 2, column: 3 });
    expect(lineColumnOf(text, 10_000)).toEqual({ line: 5, column: 1 });
  });
});

describe('nearestName', () => {
  it('suggests close names and nothing for distant ones', () => {
    expect(nearestName('bottlenek', ['bottleneck', 'basic'])).toBe('bottleneck');
    expect(nearestName('maxpol', ['maxpool', 'avgpool'])).toBe('maxpool');
    expect(nearestName('zzz', ['conv', 'bn'])).toBeUndefined();
  });
  it('computes edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('widht', 'width')).toBe(1);
    expect(nearestName('widht', ['width', 'stride'])).toBe('width');
  });
});
