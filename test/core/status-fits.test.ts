import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config/config.js';
import type { PlanWorker } from '../../src/core/plan/plan.js';
import type { CommandInfo } from '../../src/core/snapshot/snapshot.js';
import { parseCommandLedger } from '../../src/core/status/command-ledger.js';
import {
  findStatusBuild,
  renderStatus,
  renderStatusComment,
  STATUS_MAX_CHARS,
} from '../../src/core/status/render-status.js';
import type { StatusView, WorkerRow } from '../../src/core/status/status-view.js';
import { BUILD, makeCommand, makePlan, makeRunningView, makeTotals } from './factories.js';

const LINKS = { repoUrl: 'https://github.com/acme/shop', branch: `baton/${BUILD}/integration` };
/** A title at the schema's 120 characters, of the characters that escaping lengthens most. */
const TITLE = '<|>*_`['.repeat(18).slice(0, 120);

/** A valid 60-worker plan at its largest: 6 waves of 10, each worker depending on every earlier one. */
function bigPlanWorkers(): PlanWorker[] {
  const ids = Array.from({ length: 60 }, (_, i) => `W${Math.floor(i / 10) + 1}.${(i % 10) + 1}`);
  return ids.map((id, i) => ({
    id,
    title: TITLE,
    complexity: 'complex',
    depends_on: ids.slice(0, Math.floor(i / 10) * 10),
  }));
}

function planReady(
  plan = makePlan({ workers: bigPlanWorkers(), summary: 's'.repeat(3000), title: 't'.repeat(200) }),
): StatusView {
  return {
    phase: 'plan-ready',
    build: BUILD,
    plan,
    config: defaultConfig(),
    links: LINKS,
    estimate: { usd: 412.5, sessions: 150, validations: 0, writes: 9_000, leastMinutes: 1_200 },
    spent: { tokens: 84_000, costUsd: 0.9, sessions: 1, estimated: 0 },
  };
}

/** 250 accepted `/retry` commands with long words, half of them on pull requests. */
function retries(): CommandInfo[] {
  return Array.from({ length: 250 }, (_, i) =>
    makeCommand(
      { name: 'retry', worker: `W${(i % 6) + 1}.${(i % 10) + 1}`, instructions: 'é'.repeat(500) },
      {
        commentId: 4_000_000_000 + i,
        author: 'a-maintainer-with-a-long-login',
        createdAt: new Date(Date.UTC(2026, 10, 23, 12, 0, i)).toISOString(),
        source:
          i % 2 === 0 ? { kind: 'issue' } : { kind: 'pull', number: 10_000 + i, worker: 'W1.1' },
      },
    ),
  );
}

function runningView(commands: CommandInfo[]): StatusView {
  const workers: WorkerRow[] = bigPlanWorkers().map((worker, i) => ({
    id: worker.id,
    title: worker.title,
    dependsOn: worker.depends_on,
    state: i % 3 === 0 ? 'merged' : 'failed',
    note: 'n'.repeat(200),
    hint: `/retry ${worker.id} <instructions> · /merge ${worker.id} · /skip ${worker.id}`,
    run: { label: 'work run', url: 'https://github.com/acme/shop/actions/runs/123456789012' },
    pull: null,
    attempts: 5,
    tokens: 1_000_000,
    costUsd: 12,
    sessions: 1,
    rounds: ['changes-requested', 'fixed', 'changes-requested', 'fixed', 'approved'],
    engine: 'baton',
  }));
  return makeRunningView({
    title: 't'.repeat(200),
    workers,
    totals: makeTotals({ merged: 20, skipped: 0, total: 60, tokens: 0, costUsd: 0 }),
    history: commands.map((info) => ({
      author: info.author,
      text: `/retry ${'x'.repeat(80)}`,
      at: info.createdAt,
    })),
    links: LINKS,
  });
}

describe('the status comment always fits in one GitHub comment, ledger whole', () => {
  it('a 60-worker plan at its largest is over the limit unfolded', () => {
    // The figure the fold is for: the plan in full is far over what GitHub takes.
    expect(renderStatus(planReady(), { maxChars: 10_000_000 }).length).toBeGreaterThan(
      STATUS_MAX_CHARS,
    );
  });

  it.each([
    ['a 60-worker plan awaiting approval', planReady()],
    ['a running 60-worker build', runningView(retries())],
  ])('%s with 250 /retry commands fits, and its ledger reads back whole', (_name, view) => {
    const commands = retries();
    const body = renderStatusComment({ view, commands });
    expect(body.length).toBeLessThanOrEqual(STATUS_MAX_CHARS);
    expect(findStatusBuild(body)).toBe(BUILD);
    const back = parseCommandLedger(body);
    expect(back.map((info) => info.commentId)).toEqual(commands.map((info) => info.commentId));
    expect(back.every((info) => info.command.name === 'retry')).toBe(true);
  });

  it('folds the plan to one line per wave with a link to PLAN.md, and still asks for /approve', () => {
    const body = renderStatusComment({ view: planReady(), commands: retries() });
    expect(body).not.toContain('```mermaid');
    expect(body).toContain(`/blob/baton/${BUILD}/integration/.baton/builds/${BUILD}/PLAN.md`);
    expect(body).toContain('- Wave 6: 10 workers (W6.1,');
    expect(body).toContain('Reply `/approve` to start');
  });

  it('keeps the plan in full when it fits', () => {
    const body = renderStatusComment({ view: planReady(makePlan()), commands: [] });
    expect(body).toContain('```mermaid');
    expect(body).toContain('| Wave | Worker |');
  });
});
