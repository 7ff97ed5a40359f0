import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOG, renderDiagnostics } from '@excite/diagnostics';
import { checkFile, resolveRelative, type SourceHost } from '../src/index.js';

// One golden per diagnostic code the language reports: golden/<CODE>-<what>.se is checked, and the rendered
// diagnostics must equal golden/<CODE>-<what>.se.out (update with `vitest run -u` and review the diff).
const root = fileURLToPath(new URL('.', import.meta.url));
const host: SourceHost = {
  readFile(path) {
    try {
      return readFileSync(`${root}/${path}`, 'utf8');
    } catch {
      return undefined;
    }
  },
  resolve: resolveRelative,
};

const goldens = readdirSync(`${root}/golden`).filter((f) => /^E\d{4}-.*\.se$/.test(f)).sort();
// Codes reported only by the CLI (files and command-line values) have their goldens in the cli package.
const CLI_CODES = new Set(['E0501', 'E0502', 'E0503', 'E0504', 'E0505', 'E0506']); // tested in packages/cli/test (E0506: verify.test.ts)

describe('diagnostic goldens', () => {
  it('cover every language diagnostic code in the catalog', () => {
    const covered = new Set(goldens.map((f) => f.slice(0, 5)));
    const syntaxCovered = (code: string) => code.startsWith('E01'); // golden-tested in parser.test.ts
    const missing = Object.keys(CATALOG).filter((code) => !covered.has(code) && !CLI_CODES.has(code) && !syntaxCovered(code));
    expect(missing).toEqual([]);
  });

  for (const file of goldens) {
    const code = file.slice(0, 5);
    it(`${file} reports ${code}`, async () => {
      const { diagnostics, program } = checkFile(`golden/${file}`, host);
      expect(diagnostics.length).toBeGreaterThan(0);
      expect(diagnostics[0]!.code).toBe(code);
      const rendered = renderDiagnostics(diagnostics, program.sources);
      await expect(`${rendered}\n`).toMatchFileSnapshot(`golden/${file}.out`);
    });
  }
});
