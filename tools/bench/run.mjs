// `pnpm bench <name> [args]`: runs tools/bench/<name>.ts (through tsx, @excite/* resolved to their TypeScript
// sources) or tools/bench/<name>.mjs. Benchmarks are scripts, not tests: they print figures to compare by eye.
// `pnpm bench [--quick]` with no name runs them all into docs/benchmarks.md (report.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const given = process.argv.slice(2);
const [name, ...args] = given.length === 0 || given[0].startsWith('--') ? ['report', ...given] : given;
const available = readdirSync(here).filter((f) => /\.(ts|mjs)$/.test(f) && f !== 'run.mjs').map((f) => f.replace(/\.(ts|mjs)$/, ''));
if (!name || !available.includes(name)) {
  console.error(`usage: pnpm bench <name> [args]\nbenchmarks: ${available.join(', ')}`);
  process.exit(2);
}
const ts = join(here, `${name}.ts`);
const script = existsSync(ts) ? ts : join(here, `${name}.mjs`);
const flags = script.endsWith('.ts') ? ['--conditions=source', '--import', 'tsx'] : [];
const result = spawnSync(process.execPath, [...flags, script, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
