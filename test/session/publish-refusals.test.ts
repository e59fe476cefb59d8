import { describe, expect, it } from 'vitest';
import { buildDir, integrationBranch, planPath } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import type { SessionResult } from '../../src/session/result.js';
import { BUILD, type Fixture, makeCompletion, makeResult, planSession } from './publish/fixture.js';
import { PULLS, usePublishHarness } from './publish/harness.js';
import { WORKER_BRANCH, WORKER_COMPLETION } from './publish/worker-paths.js';

const INTEGRATION = integrationBranch(BUILD);

interface Case {
  rule: string;
  /** Prepares the remote, the bundle and result.json as a misbehaving session would. */
  arrange(fixture: Fixture): void;
  env?: Record<string, string>;
  reason: string;
}

function workResult(fixture: Fixture, head: string, overrides: Partial<SessionResult> = {}) {
  return makeResult({ base: fixture.base, head, completion: makeCompletion(), ...overrides });
}

/** Commits `files` on the worker's branch and writes the result that hands it in; answers the head. */
function commitAndResult(files: Record<string, string | null>, from?: string) {
  return (fixture: Fixture): string => {
    const head = fixture.agentCommit({ branch: WORKER_BRANCH, files, ...(from ? { from } : {}) });
    fixture.writeResult(workResult(fixture, head));
    return head;
  };
}

/** A worker's change to a workflow, handed in with its completion. */
const WORKFLOW_CHANGE = {
  '.github/workflows/ci.yml': 'on: push\n',
  [WORKER_COMPLETION]: JSON.stringify(makeCompletion()),
};

const cases: Case[] = [
  {
    rule: 'refuses a bundle that does not fast-forward the branch from the dispatched base',
    arrange: (fixture) => commitAndResult({ 'src/login.ts': 'x\n' }, fixture.parent)(fixture),
    reason: 'does not fast-forward',
  },
  {
    rule: 'refuses when the remote branch has moved since the session started',
    arrange(fixture) {
      const moved = fixture.agentCommit({ branch: 'elsewhere', files: { 'other.txt': 'y\n' } });
      fixture.git(['push', '--quiet', fixture.remoteDir, `${moved}:refs/heads/${WORKER_BRANCH}`]);
      commitAndResult({ 'src/login.ts': 'x\n' })(fixture);
    },
    reason: 'has moved since the session started',
  },
  {
    rule: 'refuses a change under .github/workflows/ when the config does not allow it',
    arrange: commitAndResult({ '.github/workflows/ci.yml': 'on: push\n' }),
    reason: 'session.allowWorkflowChanges',
  },
  {
    rule: 'refuses a worker that rewrites the plan',
    arrange: commitAndResult({ [planPath(BUILD)]: '{}' }),
    reason: 'a worker may write only its own completion',
  },
  {
    rule: 'refuses a plan commit that touches files outside its build folder',
    env: { BATON_ROLE: 'plan', BATON_WORKER: '' },
    arrange(fixture) {
      planSession(fixture, {
        [`${buildDir(BUILD)}/PLAN.md`]: '# Plan\n',
        'src/app.ts': 'changed\n',
      });
    },
    reason: "src/app.ts is not one of the plan's files",
  },
  {
    rule: 'refuses a result.json that is not JSON',
    arrange: (fixture) => fixture.writeResult('{ "role": "work", '),
    reason: 'result.json is not valid JSON',
  },
  {
    rule: 'refuses a result.json that does not match the schema',
    arrange: (fixture) => fixture.writeResult(JSON.stringify({ ...makeResult(), status: 'done' })),
    reason: 'result.json status',
  },
  {
    rule: 'refuses a result for another worker than the run was dispatched for',
    arrange(fixture) {
      const head = fixture.agentCommit({ branch: WORKER_BRANCH, files: { 'src/login.ts': 'x\n' } });
      fixture.writeResult(workResult(fixture, head, { worker: 'W1.2' }));
    },
    reason: 'result.worker is "W1.2"',
  },
  {
    rule: 'refuses a result that names commits without a bundle',
    arrange(fixture) {
      fixture.writeResult(workResult(fixture, 'c'.repeat(40)));
    },
    reason: 'commits.bundle is missing',
  },
  {
    rule: 'refuses a bundle that carries refs besides the session’s head',
    arrange(fixture) {
      const head = fixture.agentCommit({ branch: WORKER_BRANCH, files: { 'src/login.ts': 'x\n' } });
      fixture.git(['branch', '-f', 'extra', fixture.base]);
      fixture.git([
        'bundle',
        'create',
        '--quiet',
        `${fixture.out}/commits.bundle`,
        'HEAD',
        'extra',
        `^${fixture.parent}`,
      ]);
      fixture.writeResult(workResult(fixture, head));
    },
    reason: 'refs other than the session',
  },
  {
    rule: 'refuses a work result without a completion',
    arrange(fixture) {
      const head = fixture.agentCommit({ branch: WORKER_BRANCH, files: { 'src/login.ts': 'x\n' } });
      fixture.writeResult(workResult(fixture, head, { completion: null }));
    },
    reason: 'needs its completion',
  },
];

describe('publish refuses output that breaks a rule', () => {
  const h = usePublishHarness();

  it.each(cases)('$rule', async ({ arrange, env, reason }) => {
    arrange(h.fixture);
    const before = h.fixture.remoteSha(WORKER_BRANCH);

    expect(await h.publish(env)).toBe(PUBLISH_EXIT.refused);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(before);
    expect(h.fixture.remoteSha(INTEGRATION)).toBe(h.fixture.base);
    expect(h.writes()).toEqual([]);
    expect(h.summary()).toContain('nothing was pushed');
    expect(h.summary()).toContain(reason);
  });
});

describe('publish where the config allows workflow changes', () => {
  const h = usePublishHarness({ config: 'session:\n  allowWorkflowChanges: true\n' });

  it('accepts a change under .github/workflows/ when .github/baton.yml at the base allows it', async () => {
    const head = commitAndResult(WORKFLOW_CHANGE)(h.fixture);

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
    expect(h.writes()).toEqual([`POST ${PULLS}`]);
  });

  it('does not let a session change the config, even where workflow changes are allowed', async () => {
    const files = { '.github/baton.yml': 'session:\n  allowWorkflowChanges: false\n' };
    h.fixture.agentCommit({ branch: 'tighten', files });
    h.fixture.git(['push', '--quiet', h.fixture.remoteDir, `tighten:refs/heads/${WORKER_BRANCH}`]);
    const base = h.fixture.git(['rev-parse', 'tighten']);
    const head = h.fixture.agentCommit({
      branch: WORKER_BRANCH,
      from: base,
      files: {
        '.github/workflows/ci.yml': 'on: push\n',
        '.github/baton.yml': 'session:\n  allowWorkflowChanges: true\n',
      },
    });
    h.fixture.writeResult(workResult(h.fixture, head, { base }));

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    expect(h.summary()).toContain('.github/baton.yml holds Baton');
  });
});

describe('publish where the default branch’s config cannot be read', () => {
  const h = usePublishHarness({ config: 'session:\n  allowWorkflowChanges: [true\n' });

  it('refuses a workflow change saying so first, where the worker’s row shows it, not that the setting is off', async () => {
    commitAndResult(WORKFLOW_CHANGE)(h.fixture);

    expect(await h.publish({ GITHUB_RUN_ID: '4242' })).toBe(PUBLISH_EXIT.refused);

    const record = h.usageMessage('4242');
    expect(record).toContain(
      'publish refused: .github/workflows/ci.yml is under .github/workflows/; .github/baton.yml on the default branch is not valid YAML',
    );
    expect(record).not.toContain('may change workflows only when');
  });
});

describe('publish with a remote given in its options', () => {
  const h = usePublishHarness();

  it('pushes to that remote instead of the one derived from GITHUB_SERVER_URL', async () => {
    const head = h.fixture.agentCommit({
      branch: WORKER_BRANCH,
      files: { [WORKER_COMPLETION]: JSON.stringify(makeCompletion()) },
    });
    h.fixture.writeResult(workResult(h.fixture, head));

    expect(await h.publish({}, { gitRemote: `file://${h.fixture.remoteDir}` })).toBe(0);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
    expect(h.github.gitAuth).toEqual([]);
  });
});
