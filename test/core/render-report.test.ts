import { describe, expect, it } from 'vitest';
import type { Completion } from '../../src/core/records/completion.js';
import { REPORT_MAX_CHARS, renderReport } from '../../src/core/status/render-report.js';
import type { BuildProgress, WorkerRow } from '../../src/core/status/status-view.js';
import { closedBy } from '../support/closing-references.js';
import { tableRows } from '../support/table-rows.js';
import { BUILD, makeCompletion, makePlan, makeTotals, makeWorkerRow } from './factories.js';

/** A merged worker's row: one attempt, its pull request, tokens and spend, unless told. */
function row(overrides: Partial<WorkerRow> & { id: string }): WorkerRow {
  return makeWorkerRow({
    state: 'merged',
    pull: { label: '#101', url: 'https://github.com/acme/shop/pull/101' },
    attempts: 1,
    tokens: 1200,
    costUsd: 0.5,
    sessions: 1,
    ...overrides,
  });
}

function makeProgress(workers: WorkerRow[]): BuildProgress {
  const merged = workers.filter((worker) => worker.state === 'merged').length;
  return {
    build: BUILD,
    issue: 12,
    title: 'Add login',
    workers,
    totals: makeTotals({
      merged,
      skipped: workers.length - merged,
      total: workers.length,
      tokens: workers.reduce((sum, worker) => sum + (worker.tokens ?? 0), 0),
      costUsd: workers.reduce((sum, worker) => sum + (worker.costUsd ?? 0), 0),
    }),
    paused: null,
    budget: { maxUsd: null, reached: false },
    finalPull: null,
    history: [],
    links: { repoUrl: 'https://github.com/acme/shop', branch: `baton/${BUILD}/integration` },
  };
}

describe('renderReport', () => {
  it('reports every worker: summary, decisions, concerns, follow-ups, tokens and cost', () => {
    const completions: Record<string, Completion> = {
      'W1.1': makeCompletion({
        summary: 'Added the session store.\n\nIt keeps sessions in Redis.',
        decisions: ['Used Redis, already deployed'],
        concerns: ['No eviction policy yet'],
        follow_up: ['Add eviction'],
      }),
    };
    const progress = makeProgress([
      row({ id: 'W1.1', title: 'Session store' }),
      row({
        id: 'W1.2',
        title: 'Login form',
        state: 'skipped',
        pull: null,
        tokens: null,
        costUsd: null,
      }),
    ]);
    expect(renderReport({ plan: makePlan(), progress, completions })).toMatchInlineSnapshot(`
      "Closes #12

      **“Add login”**: 1 merged, 1 skipped, 1,200 tokens, $0.50 (build \`12-add-login\`).

      “Adds a password login: a form, a session store and the API between them.”

      | Worker | Title | Result | PR | Tokens | Cost |
      | --- | --- | --- | --- | --- | --- |
      | W1.1 | “Session store” | ✅ merged | [#101](https://github.com/acme/shop/pull/101) | 1,200 | $0.50 |
      | W1.2 | “Login form” | ⏭️ skipped | — | — | — |
      | **Total** | | 1 merged, 1 skipped | | 1,200 | $0.50 |

      By role: plan $0.00 (0 tokens) · work $0.00 (0 tokens) · review $0.00 (0 tokens) · fix $0.00 (0 tokens) (0 sessions).

      ### W1.1: “Session store”

      “Added the session store. It keeps sessions in Redis.”

      **Decisions**

      - “Used Redis, already deployed”

      **Concerns**

      - “No eviction policy yet”

      **Follow-ups**

      - “Add eviction”

      ### W1.2: “Login form”

      Skipped: not merged.

      ---
      The build record — plan, briefs and every completion report — is in [.baton/builds/12-add-login/](https://github.com/acme/shop/tree/baton/12-add-login/integration/.baton/builds/12-add-login)."
    `);
  });

  it('says which engine did each worker once any worker ran on another than Baton’s loop', () => {
    const progress = makeProgress([
      row({ id: 'W1.1', title: 'Session store', engine: 'claude-code' }),
      row({ id: 'W1.2', title: 'Login form', engine: 'codex' }),
      row({ id: 'W2.1', title: 'Login API' }),
    ]);
    const table = tableRows(renderReport({ plan: makePlan(), progress, completions: {} }));
    expect(table).toEqual([
      '| Worker | Title | Result | PR | Engine | Tokens | Cost |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| W1.1 | “Session store” | ✅ merged | [#101](https://github.com/acme/shop/pull/101) | claude-code | 1,200 | $0.50 |',
      '| W1.2 | “Login form” | ✅ merged | [#101](https://github.com/acme/shop/pull/101) | codex | 1,200 | $0.50 |',
      '| W2.1 | “Login API” | ✅ merged | [#101](https://github.com/acme/shop/pull/101) | baton | 1,200 | $0.50 |',
      '| **Total** | | 3 merged, 0 skipped | | | 3,600 | $1.50 |',
    ]);
  });

  it('makes closing keywords, mentions and HTML in completions inert', () => {
    const completions = {
      'W1.1': makeCompletion({
        summary: 'Fixes #3 and closes acme/other#4; thanks @bob <!-- x -->',
        decisions: [
          'Resolves https://github.com/acme/other/issues/42',
          'fixed: <https://github.com/acme/shop/pull/7>',
        ],
      }),
    };
    const body = renderReport({
      plan: makePlan({ title: 'Closes https://github.com/acme/shop/issues/5' }),
      progress: makeProgress([row({ id: 'W1.1' })]),
      completions,
    });
    expect(body).toContain(
      'Fixes&#8203; #3 and closes&#8203; acme/other#4; thanks @&#8203;bob &lt;!-- x --&gt;',
    );
    expect(body.match(/\bcloses #\d/gi)).toEqual(['Closes #1']);
    expect(body).toContain('- “Resolves&#8203; https://github.com/acme/other/issues/42”');
    expect(body).toContain('- “fixed&#8203;: &lt;https://github.com/acme/shop/pull/7&gt;”');
    expect(body).toContain('**“Closes&#8203; https://github.com/acme/shop/issues/5”**');
    // Baton's own `Closes #<issue>` is the only reference a keyword still closes.
    expect(closedBy(body)).toEqual(['#12']);
  });

  it('keeps a very long report under the limit, with Closes, totals and a note', () => {
    const long = 'z'.repeat(1900);
    const completions: Record<string, Completion> = {};
    const rows = Array.from({ length: 60 }, (_, i) => {
      const id = `W${Math.floor(i / 10) + 1}.${(i % 10) + 1}`;
      completions[id] = makeCompletion({
        worker_id: id,
        summary: long,
        decisions: [long, long],
        concerns: [long],
        follow_up: [long],
      });
      return row({ id });
    });
    const body = renderReport({ plan: makePlan(), progress: makeProgress(rows), completions });
    expect(body.length).toBeLessThanOrEqual(REPORT_MAX_CHARS);
    expect(body.startsWith('Closes #12\n')).toBe(true);
    expect(body).toContain('| **Total** | | 60 merged, 0 skipped | | 72,000 | $30.00 |');
    expect(body).toMatch(
      /This report was shortened to fit GitHub's limit\. Every worker's full report is in \[.+\]\(https:\/\/github\.com\/acme\/shop\/tree\/baton\/12-add-login\/integration\/\.baton\/builds\/12-add-login\/completions\)\.$/,
    );
  });
});
