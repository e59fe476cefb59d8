import { LIMIT_NAMES } from '../../core/records/usage.js';
import { code } from '../../core/vocabulary/markdown.js';
import type { SessionResult } from '../result.js';
import type { UsageMeter } from './model/usage-meter.js';

/**
 * The agent job's summary page (`$GITHUB_STEP_SUMMARY`): what a person opening
 * the run sees first. Role, turns, tokens (thinking and cleared context
 * included), cost, the tools the model called, the files the session
 * committed, the tests, and the outcome with its reason. The reason may quote
 * the model, so it is shown verbatim inside a code span, as is every path.
 */
export function renderJobSummary({
  result,
  meter,
  files,
  refused = [],
}: {
  result: SessionResult;
  meter: UsageMeter;
  /** Files the session's commits changed; null when it committed nothing. */
  files: readonly string[] | null;
  /** Requests the model proxy did not pass on (a path it does not serve, a limit reached). */
  refused?: readonly { method: string; path: string; status: number; reason: string }[];
}): string {
  const { usage } = result;
  const subject = [result.role, result.build, result.worker].filter(Boolean).join(' ');
  const outcome =
    result.status === 'complete'
      ? '✅ complete'
      : result.status === 'partial'
        ? '⏸️ partial: its work so far and a hand-off note go to a draft pull request'
        : `❌ ${result.status}`;
  const tools = [...meter.tools].map(([name, n]) => `${name} × ${n}`).join(', ') || 'none';
  const web =
    usage.web_search_requests || usage.web_fetch_requests
      ? `${usage.web_search_requests ?? 0} web searches, ${usage.web_fetch_requests ?? 0} web fetches`
      : 'none';
  const tests = result.completion?.tests;
  const lines = [
    `### Baton agent: ${subject}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Outcome | ${outcome} |`,
    ...(result.reason ? [`| Reason | ${cell(result.reason)} |`] : []),
    ...(result.limit ? [`| Limit | ${LIMIT_NAMES[result.limit]} |`] : []),
    ...(result.messages.length > 0
      ? [
          `| Messages taken in | ${result.messages.map((m) => `comment ${m.comment} at turn ${m.turn}`).join(', ')} |`,
        ]
      : []),
    `| Engine | ${result.engine === 'baton' ? "baton (Baton's own loop)" : result.engine} |`,
    `| Turns | ${usage.turns} |`,
    `| Tokens | ${usage.input_tokens} input, ${usage.cache_read_input_tokens} read from cache, ${usage.cache_creation_input_tokens} written to cache, ${usage.output_tokens} output (${usage.thinking_tokens ?? 0} thinking) |`,
    `| Context | ${meter.context_edits} clearings of old tool results, ${usage.cleared_input_tokens ?? 0} tokens cleared |`,
    `| Cost | $${usage.cost_usd.toFixed(4)} at list price |`,
    `| Tools used | ${tools} |`,
    `| Server tools | ${web} |`,
    `| Files changed | ${files === null ? 'none committed' : files.length === 0 ? 'none' : files.slice(0, 30).map(cell).join(', ') + (files.length > 30 ? ` and ${files.length - 30} more` : '')} |`,
    `| Tests | ${tests ? testsCell(tests) : 'not run by this session'} |`,
    ...(refused.length > 0
      ? [
          `| Refused by the model proxy | ${refused
            .slice(0, 10)
            .map((r) => cell(`${r.method} ${r.path} → ${r.status}: ${r.reason}`))
            .join('<br>')}${refused.length > 10 ? ` and ${refused.length - 10} more` : ''} |`,
        ]
      : []),
  ];
  return lines.join('\n');
}

function testsCell(tests: NonNullable<NonNullable<SessionResult['completion']>['tests']>): string {
  const command = tests.command ? ` ${cell(tests.command)}` : '';
  const detail = tests.detail ? `: ${cell(tests.detail.split('\n').slice(-3).join(' '))}` : '';
  return `${tests.status}${command}${detail}`;
}

/** Verbatim text in a table cell: a code span, its pipes escaped for the table. */
function cell(text: string): string {
  return code(text.slice(0, 500)).replace(/\|/g, '\\|');
}
