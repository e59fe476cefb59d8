import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config/config.js';
import type { Plan, PlanWorker } from '../../src/core/plan/plan.js';
import { renderProgress } from '../../src/core/status/render-progress.js';
import {
  findStatusBuild,
  renderStatus,
  statusMarker,
} from '../../src/core/status/render-status.js';
import type {
  ProgressStatusView,
  RepoLinks,
  StatusView,
} from '../../src/core/status/status-view.js';

const BUILD = '12-add-login';
const LINKS: RepoLinks = {
  repoUrl: 'https://github.com/acme/shop',
  branch: 'baton/12-add-login/integration',
};

function makeWorker(overrides: Partial<PlanWorker> & { id: string }): PlanWorker {
  return { title: `Work of ${overrides.id}`, depends_on: [], complexity: 'normal', ...overrides };
}

function makePlan(overrides: Partial<Plan> = {}): Plan {
  return {
    version: 1,
    build: BUILD,
    issue: 12,
    title: 'Add login',
    summary: 'Adds a password login: a form, a session store and the API between them.',
    workers: [
      makeWorker({ id: 'W1.1', title: 'Session store', complexity: 'easy' }),
      makeWorker({ id: 'W1.2', title: 'Login form' }),
      makeWorker({
        id: 'W2.1',
        title: 'Login API',
        depends_on: ['W1.1', 'W1.2'],
        complexity: 'complex',
      }),
    ],
    ...overrides,
  };
}

function planReady(
  overrides: Partial<Extract<StatusView, { phase: 'plan-ready' }>> = {},
): StatusView {
  return {
    phase: 'plan-ready',
    build: BUILD,
    plan: makePlan(),
    config: defaultConfig(),
    links: LINKS,
    estimate: { usd: 12.5, sessions: 9, validations: 0, writes: 1_240, leastMinutes: 149 },
    spent: { tokens: 84_000, costUsd: 0.9, sessions: 1, estimated: 0 },
    ...overrides,
  };
}

/** The status of a build whose repository lacks Baton's workflow, with the setup pull request Baton opened (or none). */
function missingWorkflow(setupPull: { label: string; url: string } | null): StatusView {
  return {
    phase: 'missing-workflow',
    build: BUILD,
    workflowPath: '.github/workflows/baton.yml',
    setupPull,
  };
}

describe('statusMarker and findStatusBuild', () => {
  it('finds the build of a rendered status comment', () => {
    expect(statusMarker(BUILD)).toBe('<!-- baton:status build=12-add-login -->');
    expect(findStatusBuild(renderStatus(planReady()))).toBe(BUILD);
  });

  it.each([
    ['a comment without the marker', 'Looks good'],
    ['a marker that is not at the start', 'Quoting: <!-- baton:status build=12-x -->'],
    ['another Baton marker', '<!-- baton:reply -->'],
  ])('finds no build in %s', (_name, body) => {
    expect(findStatusBuild(body)).toBeNull();
  });

  it('keeps the marker one HTML comment whatever the build id holds', () => {
    expect(statusMarker('12-x --> <b>')).toBe('<!-- baton:status build=12-x--b -->');
  });
});

describe('renderStatus', () => {
  it('renders planning with its run', () => {
    const view: StatusView = {
      phase: 'planning',
      build: BUILD,
      run: { label: 'run #123', url: 'https://github.com/acme/shop/actions/runs/123' },
      replan: false,
    };
    expect(renderStatus(view)).toMatchInlineSnapshot(`
      "<!-- baton:status build=12-add-login -->
      **Baton** · build \`12-add-login\`

      ⏳ Planning… — [run #123](https://github.com/acme/shop/actions/runs/123)

      The plan will appear here when the session has written it.
      "
    `);
  });

  it('renders planning before the run is known, and a replan', () => {
    expect(
      renderStatus({ phase: 'planning', build: BUILD, run: null, replan: false }),
    ).toMatchInlineSnapshot(`
      "<!-- baton:status build=12-add-login -->
      **Baton** · build \`12-add-login\`

      ⏳ Planning… — starting the session

      The plan will appear here when the session has written it.
      "
    `);
    expect(
      renderStatus({ phase: 'planning', build: BUILD, run: null, replan: true }),
    ).toMatchInlineSnapshot(`
      "<!-- baton:status build=12-add-login -->
      **Baton** · build \`12-add-login\`

      ⏳ Replanning with your feedback… — starting the session

      The plan will appear here when the session has written it.
      "
    `);
  });

  it('renders a failed planning run', () => {
    const run = { label: 'run #123', url: 'https://github.com/acme/shop/actions/runs/123' };
    expect(renderStatus({ phase: 'plan-failed', build: BUILD, run })).toMatchInlineSnapshot(`
      "<!-- baton:status build=12-add-login -->
      **Baton** · build \`12-add-login\`

      ❌ The planning session failed — [run #123](https://github.com/acme/shop/actions/runs/123).

      Read the run log to see why. Then reply \`/replan <what to change>\` to plan again, or fix the cause (for example the \`ANTHROPIC_API_KEY\` secret) and re-run the failed jobs of that run.
      "
    `);
  });

  it('renders an invalid plan with every problem, escaped', () => {
    const problems = [
      'plan.json workers[0].id: a worker id is W<wave>.<seq>, like W1.2 (got "x").',
      'W2.1 depends on W1.9, which is not in the plan;\nadd W1.9 or remove it from depends_on.',
      'a title <!-- hides --> things',
    ];
    expect(
      renderStatus({ phase: 'plan-invalid', build: BUILD, problems, links: LINKS }),
    ).toMatchInlineSnapshot(`
      "<!-- baton:status build=12-add-login -->
      **Baton** · build \`12-add-login\`

      ⚠️ The plan is not valid, so nothing has started:

      - plan.json workers[0].id: a worker id is W&lt;wave&gt;.&lt;seq&gt;, like W1.2 (got "x").
      - W2.1 depends on W1.9, which is not in the plan; add W1.9 or remove it from depends_on.
      - a title &lt;!-- hides --&gt; things

      See [plan.json](https://github.com/acme/shop/blob/baton/12-add-login/integration/.baton/builds/12-add-login/plan.json) on the build branch. Reply \`/replan <what to change>\` to plan again.
      "
    `);
  });

  it('renders a ready plan: summary, progress, table, graph and next step', () => {
    expect(renderStatus(planReady())).toMatchInlineSnapshot(`
      "<!-- baton:status build=12-add-login -->
      **Baton** · build \`12-add-login\`

      ### Plan: “Add login”

      “Adds a password login: a form, a session store and the API between them.”

      **Progress:** 0 of 3 workers merged.

      | Wave | Worker | Title | Depends on | Model | Brief |
      | --- | --- | --- | --- | --- | --- |
      | 1 | W1.1 | “Session store” | — | easy → \`claude-haiku-5-5\` | [W1.1.md](https://github.com/acme/shop/blob/baton/12-add-login/integration/.baton/builds/12-add-login/workers/W1.1.md) |
      | 1 | W1.2 | “Login form” | — | normal → \`claude-sonnet-5-5\` | [W1.2.md](https://github.com/acme/shop/blob/baton/12-add-login/integration/.baton/builds/12-add-login/workers/W1.2.md) |
      | 2 | W2.1 | “Login API” | W1.1, W1.2 | complex → \`claude-opus-5-5\` | [W2.1.md](https://github.com/acme/shop/blob/baton/12-add-login/integration/.baton/builds/12-add-login/workers/W2.1.md) |

      \`\`\`mermaid

      graph LR

        subgraph wave1["Wave 1"]

          W1_1["W1.1: Session store"]

          W1_2["W1.2: Login form"]

        end

        subgraph wave2["Wave 2"]

          W2_1["W2.1: Login API"]

        end

        W1_1 --> W2_1

        W1_2 --> W2_1

      \`\`\`

      💵 **Estimate:** about $12.50 for the workers' sessions, on top of $0.90 spent so far (planning).

      <sub>Per worker: one work session at its complexity's model, a review per round at \`claude-sonnet-5-5\` and half a fix round on average, with assumed session sizes priced at list prices. Real sessions vary by a factor of two or more either way.</sub>

      🚦 **GitHub writes:** about 1,240, Baton's and its sessions'. GitHub allows an installation 80 a minute and 500 an hour, so at a steady pace the build takes at least 2 h 29 min however fast its sessions are.

      Budget: $50.00 (\`budget.maxUsd\`); the build pauses if its sessions reach it.

      Reply \`/approve\` to start, or \`/replan <what to change>\`.
      "
    `);
  });

  it('counts the validations of a plan with a contract in its estimate', () => {
    const estimate = { usd: 14, sessions: 12, validations: 2, writes: 1_244, leastMinutes: 120 };
    expect(renderStatus(planReady({ estimate }))).toContain(
      "half a fix round on average; for the build, 2 validations of the contract's checks (one a milestone) priced as a review at `claude-sonnet-5-5`, with assumed",
    );
  });

  it('says a ready plan starts at once without approval', () => {
    const config = { ...defaultConfig(), approval: 'none' as const };
    const plan = makePlan({ workers: [makeWorker({ id: 'W1.1' })] });
    const body = renderStatus(planReady({ plan, config }));
    expect(body).toContain(
      'Approval is not required (`approval: none`), so the build starts now. Reply `/pause` to hold it or `/cancel` to stop it.',
    );
    expect(body).not.toContain('/approve');
  });

  it('quotes what the planner wrote in the table and the summary, and escapes it in the graph', () => {
    const plan = makePlan({
      title: 'Fix <script> & @alice',
      summary: 'Line one\nline two <!-- x --> @bob',
      workers: [
        makeWorker({ id: 'W1.1', title: 'Pipes | and "quotes" [brackets] #1 `tick`\nnewline' }),
      ],
    });
    const body = renderStatus(planReady({ plan }));
    for (const line of [
      '### Plan: “Fix &lt;script&gt; & @&#8203;alice”\n',
      '\n“Line one line two &lt;!-- x --&gt; @&#8203;bob”\n',
      '| 1 | W1.1 | “Pipes \\| and "quotes" \\[brackets\\] #1 \\`tick\\` newline” | — |',
      '    W1_1["W1.1: Pipes | and #34;quotes#34; #91;brackets#93; #35;1 #96;tick#96; newline"]\n',
    ])
      expect(body).toContain(line);
  });

  it('renders an invalid config with fields and lines', () => {
    const view: StatusView = {
      phase: 'config-invalid',
      build: BUILD,
      file: '.github/baton.yml',
      problems: [
        { field: 'review.maxFixRounds', message: 'Too big: expected number to be <=10', line: 7 },
        { field: 'labl', message: 'is not a Baton setting (check the spelling)' },
      ],
    };
    expect(renderStatus(view)).toMatchInlineSnapshot(`
      "<!-- baton:status build=12-add-login -->
      **Baton** · build \`12-add-login\`

      ⚠️ \`.github/baton.yml\` has problems, so nothing starts until it is fixed on the default branch:

      - \`review.maxFixRounds\` (line 7): Too big: expected number to be &lt;=10
      - \`labl\`: is not a Baton setting (check the spelling)

      Once it is fixed, remove the label from this issue and add it again to start the build.
      "
    `);
  });

  it('renders a missing workflow with the setup PR', () => {
    const setupPull = { label: 'Set up Baton (#5)', url: 'https://github.com/acme/shop/pull/5' };
    expect(renderStatus(missingWorkflow(setupPull))).toMatchInlineSnapshot(`
      "<!-- baton:status build=12-add-login -->
      **Baton** · build \`12-add-login\`

      ⚠️ This build cannot start: \`.github/workflows/baton.yml\` is missing on the default branch. Every session runs in this repository's GitHub Actions through that workflow.

      1. Merge [Set up Baton (#5)](https://github.com/acme/shop/pull/5), which adds it.
      2. Add the \`ANTHROPIC_API_KEY\` secret (Settings → Secrets and variables → Actions); sessions use it, Baton never sees it.
      3. Remove the label from this issue and add it again, or reply \`/status\`.
      "
    `);
  });

  it('renders a missing workflow without a setup PR: its first step says where the workflow comes from', () => {
    expect(renderStatus(missingWorkflow(null))).toContain(
      '\n1. Add it: merge the "Set up Baton" pull request if Baton opened one, or copy the workflow from Baton\'s templates into `.github/workflows/baton.yml`.\n',
    );
  });

  it.each<ProgressStatusView>([
    { phase: 'done', build: BUILD, progress: null },
    { phase: 'cancelled', build: BUILD, progress: null, cancelledBy: null },
  ])('hands the $phase body to renderProgress, under the marker and heading', (view) => {
    expect(renderStatus(view)).toBe(
      `${statusMarker(BUILD)}\n**Baton** · build \`${BUILD}\`\n\n${renderProgress(view)}\n`,
    );
  });

  it.each<StatusView>([
    { phase: 'planning', build: BUILD, run: null, replan: false },
    { phase: 'plan-failed', build: BUILD, run: { label: 'run', url: 'https://x' } },
    { phase: 'plan-invalid', build: BUILD, problems: ['<!-- x'], links: LINKS },
    planReady({ plan: makePlan({ title: '<!--', summary: '<!--' }) }),
    {
      phase: 'config-invalid',
      build: BUILD,
      file: 'f',
      problems: [{ field: '<!--', message: '<!--' }],
    },
    { phase: 'missing-workflow', build: BUILD, workflowPath: 'w', setupPull: null },
  ])('starts the $phase body with the marker and opens no other HTML comment', (view) => {
    const body = renderStatus(view);
    expect(body.startsWith(`${statusMarker(BUILD)}\n`)).toBe(true);
    const outsideCode = body.replace(/`[^`]*`/g, '');
    expect(outsideCode.split('<!--')).toHaveLength(2);
  });

  it('throws on a phase it has no case for, which is a bug', () => {
    const view = { phase: 'unheard-of', build: BUILD } as unknown as StatusView;
    expect(() => renderStatus(view)).toThrow('renderStatus has no case for');
  });
});
