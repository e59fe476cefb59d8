import { startFakeAnthropic } from '../sim/fake-anthropic.js';
import { DEFAULT_CONTEXT_WINDOW } from '../sim/fake-api-rules.js';
import { longSessionModel, runLongSession } from '../sim/scenario/builds/long-session.js';

/**
 * Input tokens per turn of one long session (80 turns, each tool result about
 * 7,000 tokens) through Baton's session loop against the fake Messages API,
 * which plays the API's context editing and its 200k window: once with the
 * context management sessions send, once without. `npx tsx bench/context.ts`
 * prints the table; `--json` the report.
 */
export interface ContextReport {
  turns: number;
  window: number;
  with: Arm;
  without: Arm;
}

interface Arm {
  /** Input tokens the model read, per request. */
  inputTokens: number[];
  /** Tokens of the history the client sent, per request. */
  sentTokens: number[];
  outcome: string;
  clearedTokens: number;
  costUsd: number;
}

const TURNS = 80;

export async function measureContext(): Promise<ContextReport> {
  return {
    turns: TURNS,
    window: DEFAULT_CONTEXT_WINDOW,
    with: await arm({}),
    without: await arm({ clearAtInputTokens: null }),
  };
}

async function arm(features: { clearAtInputTokens?: null }): Promise<Arm> {
  const model = await startFakeAnthropic({ respond: longSessionModel(TURNS) });
  try {
    const { outcome, meter } = await runLongSession({ url: model.url, features });
    return {
      inputTokens: model.requests.map((r) => r.inputTokens),
      sentTokens: model.requests.map((r) =>
        Math.ceil(JSON.stringify([r.body.system, r.body.tools, r.body.messages]).length / 4),
      ),
      outcome: outcome.kind === 'submitted' ? 'completed' : `failed: ${outcome.reason}`,
      clearedTokens: meter.cleared_input_tokens,
      costUsd: Math.round(meter.cost_usd * 100) / 100,
    };
  } finally {
    await model.close();
  }
}

/** The report as markdown: every tenth turn, and how each arm ended. */
export function renderContextReport(report: ContextReport): string {
  const rows: string[] = [];
  for (let turn = 0; turn <= report.turns; turn += 10) {
    const cell = (values: number[]) =>
      values[turn] === undefined ? '—' : (values[turn] ?? 0).toLocaleString('en');
    rows.push(
      `| ${turn + 1} | ${cell(report.with.sentTokens)} | ${cell(report.with.inputTokens)} | ${cell(report.without.inputTokens)} |`,
    );
  }
  const total = (a: Arm) => a.inputTokens.reduce((sum, n) => sum + n, 0).toLocaleString('en');
  return [
    `Input tokens per turn, one session of ${report.turns} tool calls of ~7,000 tokens each (context window ${report.window.toLocaleString('en')}):`,
    '',
    '| request | history sent | read with context management | read without |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    `With: ${report.with.outcome}; ${total(report.with)} input tokens in all, ${report.with.clearedTokens.toLocaleString('en')} cleared, $${report.with.costUsd} uncached at list price.`,
    `Without: ${report.without.outcome} (${report.without.inputTokens.length} requests).`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await measureContext();
  if (process.argv.includes('--json')) console.log(JSON.stringify(report));
  else console.log(renderContextReport(report));
}
