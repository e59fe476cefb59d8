import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/plan/plan.js';
import { renderBriefFile } from '../../src/core/records/brief.js';
import { appendLoopPlan } from '../../src/session/agent/plan/loop-files.js';
import type { PlanFiles } from '../../src/session/agent/plan/plan-submission.js';

const BUILD = '12-widgets';
const BODY = '## Mission\n\nDo it.\n\n## Success criteria\n\n- [ ] done\n';

function worker(id: string, depends_on: string[] = [], loop?: number) {
  return {
    id,
    title: `Work ${id}`,
    depends_on,
    complexity: 'normal' as const,
    ...(loop ? { loop } : {}),
  };
}

function plan(workers: Plan['workers']): Plan {
  return { version: 1, build: BUILD, issue: 12, title: 'Loop', summary: 'A loop.', workers };
}

/** What a loop's plan session hands in: its workers numbered from W1.1. */
function submitted(...workers: ReturnType<typeof worker>[]): PlanFiles {
  return {
    plan: plan(workers),
    briefs: new Map(workers.map((w) => [w.id, renderBriefFile(w, BODY)])),
  };
}

describe('appendLoopPlan', () => {
  it('moves a loop’s workers after the earlier loops’ waves, marks their loop and rewrites their briefs', () => {
    const previous = plan([worker('W1.1', [], 1), worker('W1.2', [], 1)]);
    const files = submitted(worker('W1.1'), worker('W2.1', ['W1.1']));
    const appended = appendLoopPlan({ previous, files, loop: 2, build: BUILD });
    if (!appended.ok) throw new Error(appended.problems.join('; '));
    expect(appended.files.plan.workers.map((w) => [w.id, w.depends_on, w.loop])).toEqual([
      ['W1.1', [], 1],
      ['W1.2', [], 1],
      ['W2.1', [], 2],
      ['W3.1', ['W2.1'], 2],
    ]);
    expect([...appended.files.briefs.keys()]).toEqual(['W2.1', 'W3.1']);
    expect(appended.files.briefs.get('W3.1')).toContain('worker_id: W3.1');
    expect(appended.files.briefs.get('W3.1')).toContain('depends_on: [W2.1]');
    expect(appended.files.briefs.get('W3.1')).toContain('## Mission\n\nDo it.');
    expect(appended.dropped).toEqual([]);
  });

  it('replaces the loop’s own earlier workers when the loop is planned again', () => {
    const previous = plan([worker('W1.1', [], 1), worker('W2.1', [], 2), worker('W2.2', [], 2)]);
    const appended = appendLoopPlan({
      previous,
      files: submitted(worker('W1.1')),
      loop: 2,
      build: BUILD,
    });
    if (!appended.ok) throw new Error(appended.problems.join('; '));
    expect(appended.files.plan.workers.map((w) => w.id)).toEqual(['W1.1', 'W2.1']);
    expect(appended.dropped).toEqual(['W2.1', 'W2.2']);
  });

  it('numbers the first loop from W1.1 when there is no plan yet', () => {
    const appended = appendLoopPlan({
      previous: null,
      files: submitted(worker('W1.1')),
      loop: 1,
      build: BUILD,
    });
    expect(appended.ok && appended.files.plan.workers).toEqual([{ ...worker('W1.1'), loop: 1 }]);
  });
});
