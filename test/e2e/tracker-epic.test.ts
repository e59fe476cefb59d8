// End-to-end (slow): a Linear epic of three children across two repositories
// becomes one change set and is delivered (docs/intake.md), through real
// processes: the hosted app hears Linear's signed webhook on its tracker
// endpoint and reads the children from Linear's API served on 127.0.0.1
// (BATON_LINEAR_API_URL), the sessions run in the simulated Actions, and the
// epic is moved to done in Linear once both final pull requests merged. The
// tracker doors are hosted only (docs/intake.md): with nothing hosted no
// endpoint hears a tracker.
import { describe, expect, it } from 'vitest';
import { sessionRuns } from '../../sim/actions/runner.js';
import { WHOLE_BUILD_LIMIT_MS } from '../../sim/e2e.js';
import { SET_REPOSITORIES } from '../../sim/scenario/builds/change-set-scenario.js';
import { type PlayedLinearEpic, playLinearEpic } from '../../sim/scenario/play-linear-epic.js';
import { parseAskRecord } from '../../src/core/snapshot/ask-record.js';
import { awaitBeforeAll, playBuildsAtOnce } from '../support/builds-at-once.js';

/** A set of two repositories' three workers: a guard, not a measure (the three-repository set's limit). */
const EPIC_LIMIT_MS = 3 * WHOLE_BUILD_LIMIT_MS;

const runs = playBuildsAtOnce((started) => ({
  epic: playLinearEpic({ started, timeoutMs: EPIC_LIMIT_MS }),
}));

describe('a Linear epic of three children across two repositories (hosted)', () => {
  const played: PlayedLinearEpic = awaitBeforeAll(() => runs().epic, EPIC_LIMIT_MS);

  it('is asked once, by the mapped person, though Linear delivered its label twice', () => {
    const { answers, sim, issue } = played;
    expect(answers.map((one) => [one.status, one.body.status])).toEqual([
      [202, 'started'],
      [200, 'already received'],
    ]);
    const mirrors = [sim.gh, ...sim.peers].flatMap((gh) =>
      [...gh.issues.values()].filter((one) => one.body.startsWith('<!-- baton:tracker ')),
    );
    expect(mirrors.map((one) => one.number)).toEqual([issue]);
    // The record of the ask: the door, the tracker's issue, and the person the mapping names.
    expect(parseAskRecord(sim.statusComment(issue) ?? '')).toMatchObject({
      by: 'maintainer',
      how: { way: 'linear', key: 'SVC-1' },
      mapped: { id: 'user-alice' },
    });
  });

  it('plans the children as one change set, each worker in the repository its team maps to', () => {
    const { model, sim, build } = played;
    expect(model.problems).toEqual([]);
    // One plan, the set's (each member's slice of it is a plan run of its own build).
    const plans = sessionRuns(sim.gh.runs).filter(
      (run) => run.inputs.role === 'plan' && run.inputs.build === build,
    );
    expect(plans).toHaveLength(1);
    const works = (gh: (typeof sim.peers)[number]) =>
      [
        ...new Set(
          sessionRuns(gh.runs).flatMap((run) =>
            run.inputs.role === 'work' ? [run.inputs.worker] : [],
          ),
        ),
      ].sort();
    expect(works(sim.gh)).toEqual(['W2.1', 'W2.2']);
    expect(works(sim.peers[0] ?? sim.gh)).toEqual(['W1.1']);
    expect(sim.peers[1]?.runs ?? []).toEqual([]);
  });

  it('delivers both final pull requests in order, closes the issue, and moves the epic to done', () => {
    const { merges, linear, epic, sim, issue, finals } = played;
    expect(merges).toEqual(['lib 200', 'service 200']);
    expect(sim.gh.issues.get(issue)?.state).toBe('closed');
    expect(epic.state).toBe('state-done');
    const ours = linear.comments.filter(
      (one) => one.issueId === epic.id && one.userId === linear.viewer.id,
    );
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toContain(
      `Delivered: the final pull requests ${SET_REPOSITORIES.lib}#${finals.lib.number}, ${SET_REPOSITORIES.service}#${finals.service.number} were merged.`,
    );
    expect(ours[0]?.body).toContain('Done in Linear.');
    // Baton wrote on the epic alone: its comment, edited in place, and one move.
    expect(new Set(linear.writes.map((one) => one.issueId))).toEqual(new Set([epic.id]));
    expect(linear.writes.filter((one) => one.kind === 'issueUpdate')).toHaveLength(1);
  });
});
