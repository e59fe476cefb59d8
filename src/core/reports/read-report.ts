/**
 * A runner's report read into each check's outcome (check-outcome.ts), by its
 * format, bounded: a report past `REPORT_MAX_BYTES` or `REPORT_MAX_CHECKS`, or
 * one that does not parse, is no report, with the reason, and never a pass.
 * Pure.
 */
import {
  REPORT_MAX_BYTES,
  REPORT_MAX_CHECKS,
  type ReportedCheck,
  type ReportFormat,
  type RunnerReport,
} from './check-outcome.js';
import { readGoReport } from './go-report.js';
import { readJsonReport } from './json-report.js';
import { readJunitReport } from './junit-report.js';
import { readTapReport } from './tap-report.js';

const READERS: Record<ReportFormat, (text: string) => ReportedCheck[] | string> = {
  json: readJsonReport,
  tap: readTapReport,
  junit: readJunitReport,
  'go-json': readGoReport,
};

const TITLES: Record<ReportFormat, string> = {
  json: 'JSON report',
  tap: 'TAP report',
  junit: 'JUnit XML report',
  'go-json': '`go test -json` output',
};

/** The report's checks, or why there is none. `text` null: the runner wrote no report. */
export function readReport(format: ReportFormat, text: string | null): RunnerReport {
  const title = TITLES[format];
  if (text === null) return { ok: false, reason: `the runner wrote no ${title}` };
  // A character is at least one byte: a text this long is over the bound whatever it holds.
  if (text.length > REPORT_MAX_BYTES)
    return {
      ok: false,
      reason: `the ${title} is over ${REPORT_MAX_BYTES} bytes, more than Baton reads`,
    };
  if (text.trim() === '') return { ok: false, reason: `the ${title} is empty` };
  const read = READERS[format](text);
  if (typeof read === 'string')
    return { ok: false, reason: `the ${title} does not parse: ${read}` };
  if (read.length > REPORT_MAX_CHECKS)
    return {
      ok: false,
      reason: `the ${title} holds ${read.length} checks, over the ${REPORT_MAX_CHECKS} Baton reads`,
    };
  return { ok: true, format, checks: read };
}
