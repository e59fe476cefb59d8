/**
 * The session's side of a runner's report (docs/verification.md, "Fails
 * before, passes after"): where the runs write their reports, reading one
 * (bounded, never trusted to parse), and the failures the judgement names, each
 * with its brief, written by code from the report rather than by a model.
 */
import { chmod, mkdir, open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  REPORT_MAX_BYTES,
  type ReportFormat,
  type RunnerReport,
} from '../../../../core/reports/check-outcome.js';
import { readReport } from '../../../../core/reports/read-report.js';
import type { CheckProof, Seen } from '../../../../core/verification/check-proof.js';
import type { ReachedCode } from '../../../../core/verification/reach/reached-in-work.js';
import type { ValidationResult } from '../../../result.js';
import { vitestReporterSource } from './vitest-reporter.js';

/** Where a run writes its report and Baton's reporter for Vitest lies. */
export interface ReportFiles {
  report: string;
  vitestReporter: string;
}

/**
 * The files of one run (`before` or `after`), in the checkout's `.git`: the
 * same path inside the sandbox and out, writable by the sandbox's user, and
 * never a file the repository's tests find or `git status` shows.
 */
export async function reportFiles(workDir: string, run: 'before' | 'after'): Promise<ReportFiles> {
  const { report, vitestReporter } = reportPaths(workDir, run);
  const dir = path.dirname(report);
  await mkdir(dir, { recursive: true });
  // The runner runs as the tools user, who writes the report here: mkdir's mode is masked by the umask.
  await chmod(dir, 0o777);
  // Whatever an earlier run's code left at these paths (a report, a link) goes: the report read is the one this run wrote.
  await rm(report, { force: true, recursive: true });
  await rm(vitestReporter, { force: true, recursive: true });
  await writeFile(vitestReporter, vitestReporterSource(report), { mode: 0o644, flag: 'wx' });
  return { report, vitestReporter };
}

/** Where a run's report and Baton's reporter for Vitest lie, nothing written. */
export function reportPaths(workDir: string, run: 'before' | 'after'): ReportFiles {
  const dir = path.join(workDir, '.git', 'baton-reports');
  return {
    report: path.join(dir, `${run}.report`),
    vitestReporter: path.join(dir, `${run}-vitest-reporter.mjs`),
  };
}

/** The report a run wrote, read at most one byte past the bound, so a report too large is no report. */
export async function readRunReport(file: string, format: ReportFormat): Promise<RunnerReport> {
  const handle = await open(file, 'r').catch(() => null);
  if (handle === null) return readReport(format, null);
  try {
    const buffer = Buffer.alloc(REPORT_MAX_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > REPORT_MAX_BYTES)
      return {
        ok: false,
        reason: `the report is over ${REPORT_MAX_BYTES} bytes, more than Baton reads`,
      };
    return readReport(format, buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

const SAID: Record<Seen, string> = {
  passed: 'passed',
  failed: 'failed',
  'expected-failure': 'failed under its expected-failure mark (it is still marked to fail)',
  skipped: 'was skipped',
  todo: 'is still marked to do',
  missing: 'is not in the report',
};

/**
 * The failures of a run judged by its report: each due check that does not
 * pass after the work, by its criterion (its brief says what the report showed);
 * and `command` where the command failed though every due check passed (a
 * test outside the contract, or a step before the runner).
 */
export function failuresFromProofs({
  proofs,
  exitCode,
  command,
}: {
  proofs: readonly CheckProof[];
  exitCode: number | null;
  command: string;
}): ValidationResult['failures'] {
  const failures = new Map<string, ValidationResult['failures'][number]>();
  for (const proof of proofs) {
    if (proof.verdict !== 'failing' || failures.has(proof.criterion)) continue;
    failures.set(proof.criterion, {
      check: proof.criterion,
      brief: `The contract's check "${proof.name}" in ${proof.file}, of ${proof.criterion}, ${SAID[proof.after]} in the test runner's report on the build branch${proof.after === 'expected-failure' || proof.after === 'todo' || proof.after === 'skipped' ? ': a check so marked passes whether or not the criterion holds' : ''}. Make the criterion hold, and the check a plain one that passes.`,
    });
  }
  if (failures.size === 0 && exitCode !== 0) {
    failures.set('command', {
      check: 'command',
      brief: `The contract's command \`${command}\` ${exitCode === null ? 'was killed at its time limit' : `exited ${exitCode}`} though every check due passed in the test runner's report: something else it runs fails. Read its output below.`,
    });
  }
  return [...failures.values()];
}

/** The checks' record: each check's outcome before and after, its verdict, and the test-aware code it reached. */
export function recordedChecks(
  proofs: readonly CheckProof[],
): NonNullable<ValidationResult['checks']> {
  return proofs.map(({ criterion, before, after, verdict, reached }) => ({
    criterion,
    before,
    after,
    verdict,
    ...(reached ? { reached: recordedReach(reached) } : {}),
  }));
}

/** Test-aware code as a record holds it: its path and words cut to the record's bounds. */
export function recordedReach(reached: ReachedCode): ReachedCode {
  return { path: reached.path.slice(0, 500), line: reached.line, what: reached.what.slice(0, 200) };
}
