import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeTrailers } from '../src/core/verification/write-trailers.js';
import { trailerLines } from '../src/core/vocabulary/trailers.js';
import { BuildBoard } from '../src/page/build-board.js';
import { createAuditStream } from '../src/telemetry/audit-stream.js';
import { createTelemetry, joinTelemetry } from '../src/telemetry/telemetry.js';
import { measureApiCalls } from './api-calls.js';
import type { Row } from './parts.js';

/**
 * What the governance features cost a build (docs/governance.md): the
 * trailers on every merge, the audit stream (`BATON_AUDIT_STREAM`, to a file)
 * and the traces over OTLP (to a collector in this process), in GitHub
 * requests per worker and in this process's CPU time, on the same simulated
 * build with the stream and traces on and off (bench/api-calls.ts drives it,
 * paced as in production), `runs` times each, alternating, the medians
 * compared. The trailers have no switch: they ride in the merge's own request,
 * so they add none; their time is `mergeTrailers` and the message they make,
 * timed on each merged pull request of the builds read, against the build's time.
 */
export interface AuditCostReport {
  workers: number;
  /** GitHub requests per worker, /approve to the final pull request, each run. */
  requests: { off: number[]; on: number[] };
  /** CPU seconds per worker of this process (the app and the simulated GitHub), each run. */
  cpuSeconds: { off: number[]; on: number[] };
  /** Lines the audit stream wrote in the last run with it on (none would measure nothing). */
  streamed: number;
  /** Trace exports the collector took in the last run with them on. */
  exported: number;
  /** CPU seconds per worker the trailers of its merges take. */
  trailerSeconds: number;
}

/** The plan measured: 20 workers, 17 at once and a chain of 3, as bench/api-calls.ts's second build. */
const PLAN = { width: 17, depth: 3 };

/** Measures the build `runs` times with the stream and traces off and on, alternating. */
export async function measureAuditCost({
  runs = 3,
}: {
  runs?: number;
} = {}): Promise<AuditCostReport> {
  const report: AuditCostReport = {
    workers: 0,
    requests: { off: [], on: [] },
    cpuSeconds: { off: [], on: [] },
    streamed: 0,
    exported: 0,
    trailerSeconds: 0,
  };
  for (let run = 0; run < runs; run++) {
    for (const mode of run % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const measured = mode === 'on' ? await measureOn() : await measureOff();
      report.workers = measured.workers;
      report.requests[mode].push(measured.perWorker);
      report.cpuSeconds[mode].push(measured.cpuSecondsPerWorker);
      if (mode === 'on') Object.assign(report, measured.heard);
      if (measured.trailerSeconds !== null) report.trailerSeconds = measured.trailerSeconds;
    }
  }
  if (report.streamed === 0)
    throw new Error('the audit stream wrote no line: nothing was measured');
  if (report.exported === 0) throw new Error('no trace was exported: nothing was measured');
  return report;
}

interface Measured {
  workers: number;
  perWorker: number;
  cpuSecondsPerWorker: number;
  heard?: { streamed: number; exported: number };
  trailerSeconds: number | null;
}

/** The build with nothing heard but the page's board, and the trailers of its merges timed. */
async function measureOff(): Promise<Measured> {
  const board = new BuildBoard();
  const cpu = process.cpuUsage();
  const report = await measureApiCalls({ ...PLAN, extra: { board } });
  const used = process.cpuUsage(cpu);
  return {
    workers: report.workers,
    perWorker: report.perWorker,
    cpuSecondsPerWorker: (used.user + used.system) / 1e6 / report.workers,
    trailerSeconds: timeTrailers(board) / report.workers,
  };
}

/** The build with the audit stream to a file and the traces to a collector on 127.0.0.1, flushed. */
async function measureOn(): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-audit-'));
  let exported = 0;
  const collector = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exported++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  const before = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  // The SDK's exporter reads its endpoint from the process's environment, as in production.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
  try {
    const log = { warn: (message: string) => process.stderr.write(`${message}\n`) };
    const file = join(dir, 'audit.jsonl');
    const board = new BuildBoard();
    const cpu = process.cpuUsage();
    const telemetry = joinTelemetry([
      await createTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, { log }),
      createAuditStream({ sink: { kind: 'file', path: file }, log }),
    ]);
    const report = await measureApiCalls({ ...PLAN, extra: { telemetry, board } });
    await telemetry.shutdown();
    const used = process.cpuUsage(cpu);
    const streamed = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
    return {
      workers: report.workers,
      perWorker: report.perWorker,
      cpuSecondsPerWorker: (used.user + used.system) / 1e6 / report.workers,
      heard: { streamed, exported },
      trailerSeconds: null,
    };
  } finally {
    if (before === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = before;
    await new Promise<void>((resolve) => collector.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CPU seconds the trailers of every merged pull request of the builds read take, as the merge makes them. */
function timeTrailers(board: BuildBoard): number {
  const REPEATS = 50;
  const cpu = process.cpuUsage();
  for (let i = 0; i < REPEATS; i++) {
    for (const { snapshot, config } of board.reads()) {
      for (const pull of snapshot.pulls.filter((one) => one.state === 'merged')) {
        // As the merge makes its `commit_message` (src/github/act/merge.ts).
        trailerLines(mergeTrailers({ snapshot, pull, ...(config ? { config } : {}) })).join('\n');
      }
    }
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1e6 / REPEATS;
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The figures of bench/results.md: requests added per worker (target ≤ 0), time added (target ≤ 5%). */
export function auditCostRows(report: AuditCostReport): Row[] {
  const requestsAdded = median(report.requests.on) - median(report.requests.off);
  const off = median(report.cpuSeconds.off);
  const streamAdded = (median(report.cpuSeconds.on) - off) / off;
  const trailersAdded = report.trailerSeconds / off;
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  const of = `${report.workers} workers, median of ${report.requests.off.length} runs each`;
  return [
    {
      figure: `GitHub requests per worker the audit stream and traces add (${of})`,
      measured: requestsAdded.toFixed(2),
      target: '≤ 0',
      met: requestsAdded <= 0,
    },
    {
      figure: 'GitHub requests per worker the trailers add (they ride in the merge request)',
      measured: '0',
      target: '≤ 0',
      met: true,
    },
    {
      figure: `CPU time per worker the audit stream and traces add (${report.streamed} lines streamed, ${report.exported} trace exports)`,
      measured: percent(streamAdded),
      target: '≤ 5%',
      met: streamAdded <= 0.05,
    },
    {
      figure: "CPU time per worker the trailers of its merges take, of the build's",
      measured: percent(trailersAdded),
      target: '≤ 5%',
      met: trailersAdded <= 0.05,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `npx tsx bench/audit.ts [runs]`: this part alone.
  const report = await measureAuditCost({ runs: Number(process.argv[2] ?? 3) });
  for (const row of auditCostRows(report))
    console.log(`${row.figure}: ${row.measured} (${row.target})`);
}
