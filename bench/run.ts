import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { measureApiCalls } from './api-calls.js';
import { measureMemory } from './memory.js';
import { measureScheduling } from './scheduling.js';

/**
 * `npm run bench`: every figure measured in one run, with its target beside
 * it, printed as one table and written to bench/results.md. A missed target is
 * reported as missed.
 */
interface Row {
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const started = Date.now();

  const api = await measureApiCalls({ width: 3, depth: 1 });
  rows.push({
    figure: `GitHub requests per worker, /approve to final PR (${api.workers} workers)`,
    measured: api.perWorker.toFixed(1),
    target: '≤ 12',
    met: api.perWorker <= 12,
  });

  const scheduling = measureScheduling({ plans: 40 });
  rows.push(
    {
      figure: `Makespan ÷ critical path, Baton (mean / worst of ${scheduling.plans} random plans)`,
      measured: `${scheduling.baton.mean.toFixed(3)} / ${scheduling.baton.worst.toFixed(3)}`,
      target: '≤ 1.05',
      met: scheduling.baton.mean <= 1.05,
    },
    {
      figure: 'Makespan ÷ critical path, wave barrier (same plans)',
      measured: `${scheduling.waveBarrier.mean.toFixed(3)} / ${scheduling.waveBarrier.worst.toFixed(3)}`,
      target: 'comparison',
      met: null,
    },
    {
      figure: 'Makespan ÷ critical path, sequential (same plans)',
      measured: `${scheduling.sequential.mean.toFixed(3)} / ${scheduling.sequential.worst.toFixed(3)}`,
      target: 'comparison',
      met: null,
    },
  );

  const memory = await measureMemory();
  const [base, ...after] = memory.readings;
  const last = after.at(-1);
  const growth = base && last ? last.heapMiB - base.heapMiB : Number.NaN;
  rows.push({
    figure: `App heap after ${memory.readings.map((r) => r.events.toLocaleString('en')).join(' / ')} events (MiB)`,
    measured: memory.readings.map((r) => r.heapMiB.toFixed(1)).join(' / '),
    target: 'flat (< 5 MiB growth)',
    met: growth < 5,
  });

  const table = renderTable(rows);
  console.log(table);
  writeFileSync(
    new URL('./results.md', import.meta.url),
    renderResults(table, Date.now() - started, api.byRoute),
  );
}

function renderTable(rows: Row[]): string {
  const lines = ['| Figure | Measured | Target | Met |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    const met = row.met === null ? '—' : row.met ? 'yes' : '**no**';
    lines.push(`| ${row.figure} | ${row.measured} | ${row.target} | ${met} |`);
  }
  return lines.join('\n');
}

function renderResults(
  table: string,
  ms: number,
  byRoute: { route: string; calls: number }[],
): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    '# Benchmark results',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpu},`,
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}. The run took ${Math.round(ms / 1000)} s.`,
    '',
    table,
    '',
    '## GitHub requests by route (the build above)',
    '',
    '| Requests | Route |',
    '| ---: | --- |',
    ...byRoute.map(({ route, calls }) => `| ${calls} | \`${route}\` |`),
    '',
    'How each figure is measured: see the comment at the top of each file in `bench/`.',
    '',
  ].join('\n');
}

await main();
