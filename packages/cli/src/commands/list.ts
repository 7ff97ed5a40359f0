import { ZOO, modelCost } from '@excite/zoo';
import { humanCount, table, withCommas } from '../format-number.js';

export function listCommand(options: { json?: boolean }): string {
  const rows = ZOO.map((entry) => {
    const report = modelCost(entry.name);
    return {
      name: entry.name,
      family: entry.family,
      file: entry.file,
      input: report.input,
      params: report.totals.params,
      macs: report.totals.macs,
      seOps: report.totals.seOps,
      seBlocks: report.se.length,
      paper: entry.paper,
    };
  });
  if (options.json) return JSON.stringify(rows, null, 2);
  return table(
    [
      ['Model', 'Family', 'Input', 'Params', 'MACs', 'SE blocks', 'Paper'],
      ...rows.map((r) => [
        r.name,
        r.family,
        r.input.join('x'),
        withCommas(r.params),
        humanCount(r.macs),
        String(r.seBlocks),
        r.paper.table,
      ]),
    ],
    new Set([3, 4, 5]),
  ).join('\n');
}
