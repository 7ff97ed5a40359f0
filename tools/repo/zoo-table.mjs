#!/usr/bin/env node
// Prints the zoo's closing table for issue 3 as markdown: every zoo model's measured params and MACs beside the
// paper's figures, the difference, and whether it agrees within 0.5% (the rule of packages/zoo/test/paper.test.ts).
// The figures come from `excite list --json`, so build first (`pnpm --filter @excite/cli... build`).
// Usage: node tools/repo/zoo-table.mjs [list.json]   (a saved `excite list --json`; default: run the CLI)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './layers.mjs';

/**
 * @typedef {{ table: string, gmacs?: number, gmacsIncludeSeOps?: boolean, mparams?: number, mparamsCut?: number,
 *   unreproduced?: string, note?: string }} PaperFigures
 * @typedef {{ name: string, family: string, file: string, input: number[], params: number, macs: number,
 *   seOps: number, seBlocks: number, paper: PaperFigures }} ListedModel
 */

const TOLERANCE = 0.005;

/** @returns {ListedModel[]} */
function readZoo() {
  const saved = process.argv[2];
  if (saved) return JSON.parse(readFileSync(saved, 'utf8'));
  const cli = join(repoRoot, 'packages/cli/dist/bin.js');
  if (!existsSync(cli)) {
    console.error('zoo-table: packages/cli/dist/bin.js is missing; build it with `pnpm --filter @excite/cli... build`');
    process.exit(2);
  }
  const run = spawnSync(process.execPath, [cli, 'list', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) {
    console.error(`zoo-table: \`excite list --json\` failed (exit ${run.status}):\n${run.stderr}`);
    process.exit(2);
  }
  return JSON.parse(run.stdout);
}

/** @param {number} actual @param {number} expected */
const relative = (actual, expected) => (actual - expected) / expected;

/** @param {number} fraction */
const percent = (fraction) => {
  const magnitude = Math.abs(fraction * 100).toFixed(2);
  return magnitude === '0.00' ? '0.00%' : `${fraction > 0 ? '+' : '−'}${magnitude}%`;
};

/**
 * One row; `agrees` is null where the paper gives no figure to compare.
 * @param {ListedModel} model
 */
function row(model) {
  const { paper } = model;
  const mparams = model.params / 1e6;
  const gmacs = model.macs / 1e9;
  /** @type {string[]} */
  const verdicts = [];
  let paramsCell = '—';
  let paramsDiff = '—';
  if (paper.mparams !== undefined) {
    const diff = relative(mparams, paper.mparams);
    // Table 3 cuts its params to 0.1M rather than rounding (see PaperFigures.mparamsCut).
    const cut = paper.mparamsCut;
    const withinCut = cut !== undefined && mparams >= paper.mparams && mparams < paper.mparams + cut;
    paramsCell = `${paper.mparams}${cut ? ` (cut to ${cut})` : ''}`;
    paramsDiff = percent(diff);
    verdicts.push(Math.abs(diff) <= TOLERANCE ? 'params agree' : withinCut ? 'params agree (as cut)' : 'params differ');
  }
  let macsCell = '—';
  let compared = gmacs;
  let macsDiff = '—';
  if (paper.gmacs !== undefined) {
    compared = gmacs + (paper.gmacsIncludeSeOps ? model.seOps / 1e9 : 0);
    const diff = relative(compared, paper.gmacs);
    macsCell = `${paper.gmacs}${paper.gmacsIncludeSeOps ? ' (with SE ops)' : ''}`;
    macsDiff = percent(diff);
    if (Math.abs(diff) <= TOLERANCE) verdicts.push('MACs agree');
    else verdicts.push(paper.unreproduced ? 'MACs **unreproduced**' : 'MACs differ');
  }
  return {
    cells: [
      `\`${model.name}\``,
      paper.table,
      mparams.toFixed(3),
      paramsCell,
      paramsDiff,
      gmacs.toFixed(4),
      paper.gmacsIncludeSeOps ? compared.toFixed(4) : '',
      macsCell,
      macsDiff,
      verdicts.length > 0 ? verdicts.join(', ') : 'no figure in the paper',
    ],
    unreproduced: paper.unreproduced ? `\`${model.name}\`: ${paper.unreproduced}` : null,
  };
}

const zoo = readZoo();
const rows = zoo.map(row);
const header = ['model', 'paper table', 'params (M)', 'paper (M)', 'Δ params', 'MACs (G, conv+FC)', 'with SE ops (G)',
  'paper (GFLOPs)', 'Δ MACs', 'within 0.5%'];
const lines = [
  `| ${header.join(' | ')} |`,
  `|${header.map((_, i) => (i >= 2 && i <= 8 ? '---:' : '---')).join('|')}|`,
  ...rows.map((r) => `| ${r.cells.join(' | ')} |`),
];
const notes = rows.flatMap((r) => (r.unreproduced ? [`- ${r.unreproduced}`] : []));
console.log(lines.join('\n'));
if (notes.length > 0) console.log(`\nUnreproduced (registry \`unreproduced\`):\n${notes.join('\n')}`);
console.log(`\n${zoo.length} models; input sizes are each model's own (224x224, 299x299 for Inception-ResNet-v2).`);
