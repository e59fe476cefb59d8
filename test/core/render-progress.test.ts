import { describe, expect, it } from 'vitest';
import { PROGRESS_MAX_CHARS, renderProgress } from '../../src/core/status/render-progress.js';
import { renderSpendByRole } from '../../src/core/status/render-spend.js';
import type { BuildProgress } from '../../src/core/status/status-view.js';
import { tableRows } from '../support/table-rows.js';
import { BUILD, makeTotals, makeWorkerRow } from './factories.js';

const row = makeWorkerRow;

const run = (id: number, role = 'work') => ({
  label: `${role} run`,
  url: `https://github.com/acme/shop/actions/runs/${id}`,
});
const pr = (number: number) => ({
  label: `#${number}`,
  url: `https://github.com/acme/shop/pull/${number}`,
});

function makeProgress(overrides: Partial<BuildProgress> = {}): BuildProgress {
  return {
    build: BUILD,
    issue: 12,
    title: 'Add login',
    workers: [
      row({
        id: 'W1.1',
        title: 'Session store',
        state: 'merged',
        pull: pr(101),
        attempts: 1,
        tokens: 1200,
        costUsd: 0.5,
        rounds: ['changes-requested', 'fixed', 'approved'],
      }),
      row({
        id: 'W1.2',
        title: 'Login | form',
        state: 'failed',
        note: 'the session timed out',
        hint: '/retry W1.2',
        run: run(12),
        attempts: 2,
      }),
      row({
        id: 'W1.3',
        title: 'Password rules',
        state: 'needs-human',
        note: 'the review session ended without a review',
        hint: '/retry W1.3 <instructions> · /merge W1.3 · /skip W1.3',
        run: run(13, 'review'),
        pull: pr(103),
        attempts: 1,
        costUsd: 0.1,
      }),
      row({ id: 'W2.1', title: 'Login API', dependsOn: ['W1.1', 'W1.2'], note: 'waits for W1.2' }),
    ],
    totals: makeTotals({
      merged: 1,
      skipped: 0,
      total: 4,
      tokens: 1200,
      costUsd: 0.6,
      sessions: 5,
      estimated: 1,
      byRole: {
        plan: { tokens: 0, costUsd: 0, sessions: 0, estimated: 0 },
        work: { tokens: 1000, costUsd: 0.45, sessions: 3, estimated: 1 },
        contract: { tokens: 0, costUsd: 0, sessions: 0, estimated: 0 },
        review: { tokens: 150, costUsd: 0.1, sessions: 1, estimated: 0 },
        fix: { tokens: 50, costUsd: 0.05, sessions: 1, estimated: 0 },
        research: { tokens: 0, costUsd: 0, sessions: 0, estimated: 0 },
        summary: { tokens: 0, costUsd: 0, sessions: 0, estimated: 0 },
        synthesis: { tokens: 0, costUsd: 0, sessions: 0, estimated: 0 },
        validate: { tokens: 0, costUsd: 0, sessions: 0, estimated: 0 },
        learn: { tokens: 0, costUsd: 0, sessions: 0, estimated: 0 },
      },
    }),
    paused: null,
    budget: { maxUsd: null, reached: false },
    finalPull: null,
    history: [
      { author: 'alice', text: '/approve', at: '2026-03-01T10:00:00Z' },
      { author: 'bob', text: '/retry W1.2 use `bcrypt` | not md5', at: '2026-03-01T11:30:05Z' },
    ],
    links: { repoUrl: 'https://github.com/acme/shop', branch: `baton/${BUILD}/integration` },
    ...overrides,
  };
}

describe('renderSpendByRole', () => {
  it("shows the contract's and the validations' spend once there was some, after the work's", () => {
    const { totals } = makeProgress();
    const byRole = {
      ...totals.byRole,
      contract: { tokens: 400, costUsd: 0.2, sessions: 1, estimated: 0 },
      validate: { tokens: 90, costUsd: 0.03, sessions: 1, estimated: 0 },
    };
    expect(renderSpendByRole({ ...totals, byRole })).toBe(
      "By role: plan $0.00 (0 tokens) · work $0.45 (1,000 tokens) · contract $0.20 (400 tokens) · review $0.10 (150 tokens) · fix $0.05 (50 tokens) · validate $0.03 (90 tokens) (5 sessions; 1 without a usage record, estimated from its run's duration).",
    );
  });
});

describe('renderProgress', () => {
  it('renders a running build: bar, graph, table, totals and history', () => {
    expect(
      renderProgress({ phase: 'running', build: BUILD, progress: makeProgress() }),
    ).toMatchInlineSnapshot(`
      "### “Add login”

      \`█████░░░░░░░░░░░░░░░\` **1 of 4** workers done (1 merged)

      \`\`\`mermaid
      graph LR
        W1_1["✅ W1.1: Session store (merged)"]:::merged
        W1_2["❌ W1.2: Login | form (failed)"]:::failed
        W1_3["🙋 W1.3: Password rules (needs a person)"]:::needs_human
        W2_1["⏳ W2.1: Login API (waiting)"]:::waiting
        W1_1 --> W2_1
        W1_2 --> W2_1
        classDef waiting fill:#f1f3f5,stroke:#868e96,color:#495057
        classDef needs_human fill:#fff0f6,stroke:#d6336c,color:#7a1238
        classDef failed fill:#ffe3e3,stroke:#e03131,color:#7d1111
        classDef merged fill:#b2f2bb,stroke:#2f9e44,color:#0f3d17
      \`\`\`

      | | Worker | State | Run | PR | Attempts | Tokens | Cost |
      | --- | --- | --- | --- | --- | --- | --- | --- |
      | ✅ | W1.1 · “Session store” | merged<br>🔁 changes requested → fixed → approved | — | [#101](https://github.com/acme/shop/pull/101) | 1 | 1,200 | $0.50 |
      | ❌ | W1.2 · “Login \\| form” | failed: the session timed out · \`/retry W1.2\` | [work run](https://github.com/acme/shop/actions/runs/12) | — | 2 | — | — |
      | 🙋 | W1.3 · “Password rules” | needs a person: the review session ended without a review · \`/retry W1.3 <instructions>\` · \`/merge W1.3\` · \`/skip W1.3\` | [review run](https://github.com/acme/shop/actions/runs/13) | [#103](https://github.com/acme/shop/pull/103) | 1 | — | $0.10 |
      | ⏳ | W2.1 · “Login API” | waiting: waits for W1.2 | — | — | 0 | — | — |

      <sub>⏳ waiting · 🔜 ready · 🕒 queued · 🔨 working · 🔍 in review · 🔧 fixing · 🧪 checks · 👍 approved · 🙋 needs a person · ⏸️ partial · 💸 waits for budget · ❌ failed · 🚫 says it cannot be done · ✅ merged · ⏭️ skipped</sub>

      **Total:** 1,200 tokens · $0.60

      By role: plan $0.00 (0 tokens) · work $0.45 (1,000 tokens) · review $0.10 (150 tokens) · fix $0.05 (50 tokens) (5 sessions; 1 without a usage record, estimated from its run's duration).

      <details><summary>Recent commands</summary>

      | When | Who | Command |
      | --- | --- | --- |
      | 2026-03-01 10:00 UTC | alice | \`/approve\` |
      | 2026-03-01 11:30 UTC | bob | \`\`/retry W1.2 use \`bcrypt\` \\| not md5\`\` |

      </details>"
    `);
  });

  it('adds an Engine column once any worker runs on another engine than Baton’s loop', () => {
    const progress = makeProgress();
    const workers = progress.workers.map((worker, i) =>
      i === 1 ? { ...worker, engine: 'codex' as const } : worker,
    );
    const text = renderProgress({
      phase: 'running',
      build: BUILD,
      progress: { ...progress, workers },
    });
    const table = tableRows(text);
    expect(table[0]).toBe('| | Worker | State | Run | PR | Attempts | Tokens | Cost | Engine |');
    expect(table.find((line) => line.includes('W1.2 ·'))).toMatch(/\| codex \|$/);
    expect(table.find((line) => line.includes('W2.1 ·'))).toMatch(/\| baton \|$/);
    expect(renderProgress({ phase: 'running', build: BUILD, progress })).not.toContain('Engine');
  });

  it('says when the build is paused, over budget, or waiting on its final PR', () => {
    const progress = makeProgress({
      workers: [row({ id: 'W1.1', state: 'skipped' })],
      totals: makeTotals({ merged: 0, skipped: 1, total: 1, tokens: 0, costUsd: 12.5 }),
      paused: { by: 'carol', at: '2026-03-01T11:00:00Z' },
      budget: { maxUsd: 10, reached: true },
      finalPull: { number: 200, url: 'https://github.com/acme/shop/pull/200', state: 'open' },
      history: [],
    });
    expect(renderProgress({ phase: 'running', build: BUILD, progress })).toMatchInlineSnapshot(`
      "### “Add login”

      \`████████████████████\` **1 of 1** workers done (0 merged, 1 skipped)

      ⏸️ **Paused** by carol (2026-03-01 11:00 UTC): no new workers start; running ones go on and merges continue. Reply \`/resume\` to go on.

      💸 **Paused, budget reached:** $12.50 spent of $10.00. No new sessions start; merges go on. Raise \`budget.maxUsd\` in \`.github/baton.yml\` (or set it to \`null\` for no cap) to go on.

      📦 **Final pull request:** [#200](https://github.com/acme/shop/pull/200). Merge it to deliver the build.

      \`\`\`mermaid
      graph LR
        W1_1["⏭️ W1.1: Work of W1.1 (skipped)"]:::skipped
        classDef skipped fill:#e9ecef,stroke:#adb5bd,color:#495057,stroke-dasharray:4 3
      \`\`\`

      | | Worker | State | Run | PR | Attempts | Tokens | Cost |
      | --- | --- | --- | --- | --- | --- | --- | --- |
      | ⏭️ | W1.1 · “Work of W1.1” | skipped | — | — | 0 | — | — |

      <sub>⏳ waiting · 🔜 ready · 🕒 queued · 🔨 working · 🔍 in review · 🔧 fixing · 🧪 checks · 👍 approved · 🙋 needs a person · ⏸️ partial · 💸 waits for budget · ❌ failed · 🚫 says it cannot be done · ✅ merged · ⏭️ skipped</sub>

      **Total:** 0 tokens · $12.50 of $10.00 budget

      By role: plan $0.00 (0 tokens) · work $0.00 (0 tokens) · review $0.00 (0 tokens) · fix $0.00 (0 tokens) (0 sessions)."
    `);
  });

  it('renders a delivered build', () => {
    const progress = makeProgress({
      workers: [
        row({ id: 'W1.1', state: 'merged', pull: pr(101), attempts: 1, tokens: 10, costUsd: 0.01 }),
      ],
      totals: makeTotals({ merged: 1, skipped: 0, total: 1, tokens: 10, costUsd: 0.01 }),
      finalPull: { number: 200, url: 'https://github.com/acme/shop/pull/200', state: 'merged' },
      history: [],
    });
    expect(renderProgress({ phase: 'done', build: BUILD, progress })).toMatchInlineSnapshot(`
      "### “Add login”

      \`████████████████████\` **1 of 1** workers done (1 merged)

      🎉 **Delivered.** The final pull request [#200](https://github.com/acme/shop/pull/200) was merged.

      \`\`\`mermaid
      graph LR
        W1_1["✅ W1.1: Work of W1.1 (merged)"]:::merged
        classDef merged fill:#b2f2bb,stroke:#2f9e44,color:#0f3d17
      \`\`\`

      | | Worker | State | Run | PR | Attempts | Tokens | Cost |
      | --- | --- | --- | --- | --- | --- | --- | --- |
      | ✅ | W1.1 · “Work of W1.1” | merged | — | [#101](https://github.com/acme/shop/pull/101) | 1 | 10 | $0.01 |

      <sub>⏳ waiting · 🔜 ready · 🕒 queued · 🔨 working · 🔍 in review · 🔧 fixing · 🧪 checks · 👍 approved · 🙋 needs a person · ⏸️ partial · 💸 waits for budget · ❌ failed · 🚫 says it cannot be done · ✅ merged · ⏭️ skipped</sub>

      **Total:** 10 tokens · $0.01

      By role: plan $0.00 (0 tokens) · work $0.00 (0 tokens) · review $0.00 (0 tokens) · fix $0.00 (0 tokens) (0 sessions)."
    `);
  });

  it('renders a build cancelled by /cancel, with what was done', () => {
    const progress = makeProgress({
      workers: [row({ id: 'W1.1', state: 'merged', pull: pr(101), attempts: 1 })],
      totals: makeTotals({ merged: 1, skipped: 0, total: 1, tokens: 0, costUsd: 0 }),
      history: [],
    });
    const cancelledBy = { by: 'carol', at: '2026-03-01T11:00:00Z' };
    const body = renderProgress({ phase: 'cancelled', build: BUILD, progress, cancelledBy });
    for (const part of [
      '\n🛑 **Cancelled** by carol (2026-03-01 11:00 UTC).\n\nOpen worker pull requests are closed, worker branches deleted and unfinished sessions cancelled. The build branch and the record under `.baton/builds/12-add-login/` are kept.\n',
      '\n| ✅ | W1.1 · “Work of W1.1” | merged | — | [#101](https://github.com/acme/shop/pull/101) | 1 | — | — |\n',
      '\n**Total:** 0 tokens · $0.00\n',
    ])
      expect(body).toContain(part);
  });

  it('renders a build cancelled by closing its issue before it had a plan', () => {
    expect(
      renderProgress({ phase: 'cancelled', build: BUILD, progress: null, cancelledBy: null }),
    ).toMatchInlineSnapshot(`
      "🛑 **Cancelled** because the issue was closed.

      Open worker pull requests are closed, worker branches deleted and unfinished sessions cancelled. The build branch and the record under \`.baton/builds/12-add-login/\` are kept."
    `);
  });

  it('fits a plan of 500 workers into one comment, dropping the graph first', () => {
    const workers = Array.from({ length: 500 }, (_, i) =>
      row({
        id: `W${Math.floor(i / 50) + 1}.${(i % 50) + 1}`,
        title: 'x'.repeat(120),
        state: i < 250 ? 'merged' : 'working',
        note: 'y'.repeat(80),
      }),
    );
    const totals = makeTotals({ merged: 250, skipped: 0, total: 500, tokens: 0, costUsd: 0 });
    const body = renderProgress({
      phase: 'running',
      build: BUILD,
      progress: makeProgress({ workers, totals }),
    });
    expect(body.length).toBeLessThanOrEqual(PROGRESS_MAX_CHARS);
    expect(body).not.toContain('```mermaid');
    expect(body).toContain('**250 of 500** workers done');
    expect(body).toContain('| W10.50 · ');
    expect(body).toContain('250 finished workers not listed');
  });
});
