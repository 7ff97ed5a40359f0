import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkFile, formatSource, loadProgram, modelsIn } from '@excite/dsl';
import { ZOO, zooHost, zooSources } from '../src/index.js';

const modelsDir = new URL('../models/', import.meta.url);
const files = Object.keys(zooSources()).sort();

describe('the zoo files', () => {
  it('src/models.generated.ts embeds exactly models/*.se (run `node scripts/embed-models.mjs` after editing them)', () => {
    const onDisk = readdirSync(modelsDir).filter((f) => f.endsWith('.se')).sort();
    expect(files).toEqual(onDisk);
    for (const file of onDisk) expect(zooSources()[file], file).toBe(readFileSync(new URL(file, modelsDir), 'utf8'));
  });

  for (const file of files) {
    it(`${file} passes the checker with no diagnostics`, () => {
      const { diagnostics } = checkFile(file, zooHost);
      expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    });

    it(`${file} is formatted (\`excite fmt\` leaves it unchanged)`, () => {
      const text = zooSources()[file]!;
      const { output, diagnostics } = formatSource(text, file);
      expect(diagnostics).toEqual([]);
      expect(output).toBe(text);
    });
  }

  it('every model the zoo files declare is registered under the file that declares it, and only those', () => {
    const declared = files.flatMap((file) => modelsIn(loadProgram(file, zooHost), file).map((name) => `${name} @ ${file}`));
    const registered = ZOO.map((entry) => `${entry.name} @ ${entry.file}`);
    expect([...registered].sort()).toEqual([...declared].sort());
  });

  it('every baseline is a registered model without SE blocks', () => {
    const names = new Set(ZOO.map((entry) => entry.name));
    for (const entry of ZOO.filter((e) => e.baseline)) expect(names.has(entry.baseline!), `${entry.name} → ${entry.baseline}`).toBe(true);
  });
});
