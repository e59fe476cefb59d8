import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { adaptationRef, parseAdaptationMessage } from '../../src/core/records/adaptation.js';
import {
  briefPath,
  completionPath,
  integrationBranch,
  planPath,
  workerBranch,
} from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { BUILD, makeCompletion, makeResult, planSession } from './publish/fixture.js';
import { usePublishHarness } from './publish/harness.js';

const INTEGRATION = integrationBranch(BUILD);
const h = usePublishHarness();
const adaptEnv = { BATON_ROLE: 'plan', BATON_WORKER: '', BATON_TRIGGER: 'adapt-W1.1' };

const brief = (id: string, body: string) =>
  `---\nworker_id: ${id}\ntitle: Work of ${id}\nwave: ${id[1]}\ndepends_on: []\ncomplexity: normal\n---\n\n${body}\n`;

/**
 * The build branch after W1.1 merged: a plan of W1.1, W2.1, W2.2 and W2.3, W1.1's
 * completion naming W2.1, W2.2 and W2.3, W2.2 started (its branch exists), and W2.3's
 * first attempt running (its run is listed on the build branch; no branch yet).
 */
function mergedBuild(): string {
  h.github.routes.set('GET /repos/acme/app/actions/workflows/baton.yml/runs', (request) => ({
    status: 200,
    body: {
      workflow_runs:
        request.query.get('branch') === INTEGRATION
          ? [
              {
                id: 9,
                display_title: `baton work ${BUILD} W2.3 -`,
                created_at: '2026-01-01T00:00:00Z',
              },
            ]
          : [],
    },
  }));
  const plan = {
    version: 1,
    build: BUILD,
    issue: 12,
    title: 'Add a login page',
    summary: 'Three workers.',
    workers: ['W1.1', 'W2.1', 'W2.2', 'W2.3'].map((id) => ({
      id,
      title: `Work of ${id}`,
      depends_on: id === 'W1.1' ? [] : ['W1.1'],
      complexity: 'normal',
    })),
  };
  const completion = makeCompletion({ worker_id: 'W1.1', affects: ['W2.1', 'W2.2', 'W2.3'] });
  const setup = h.fixture.agentCommit({
    branch: INTEGRATION,
    files: {
      [planPath(BUILD)]: JSON.stringify(plan),
      [completionPath(BUILD, 'W1.1')]: JSON.stringify(completion),
      ...Object.fromEntries(
        ['W1.1', 'W2.1', 'W2.2', 'W2.3'].map((id) => [
          briefPath(BUILD, id),
          brief(id, '- [ ] old'),
        ]),
      ),
    },
  });
  for (const branch of [INTEGRATION, workerBranch(BUILD, 'W2.2')]) {
    h.fixture.git([
      'push',
      '--quiet',
      '--force',
      h.fixture.remoteDir,
      `${setup}:refs/heads/${branch}`,
    ]);
  }
  return setup;
}

function adaptCommit(files: Record<string, string>): { base: string; head: string } {
  const base = mergedBuild();
  return { base, head: planSession(h.fixture, files, { from: base }) };
}

function remoteRefMessage(ref: string): string | null {
  try {
    const sha = execFileSync('git', ['--git-dir', h.fixture.remoteDir, 'rev-parse', ref], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return execFileSync(
      'git',
      ['--git-dir', h.fixture.remoteDir, 'log', '-1', '--format=%B', sha],
      {
        encoding: 'utf8',
      },
    );
  } catch {
    return null;
  }
}

describe('publish of a plan session in adapt mode', () => {
  it('pushes a revised brief of an unstarted worker the completion named, and records which', async () => {
    const { base, head } = adaptCommit({ [briefPath(BUILD, 'W2.1')]: brief('W2.1', '- [ ] new') });

    expect(await h.publish(adaptEnv)).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(INTEGRATION)).toBe(head);
    const record = parseAdaptationMessage(remoteRefMessage(adaptationRef(BUILD, 'W1.1')) ?? '');
    expect(record).toMatchObject({ source: 'W1.1', base, head, workers: ['W2.1'] });
  });

  it.each([
    [
      'the finished worker’s own brief',
      briefPath(BUILD, 'W1.1'),
      'is not a brief this adapt session may revise',
    ],
    [
      'a started worker’s brief',
      briefPath(BUILD, 'W2.2'),
      'is not a brief this adapt session may revise',
    ],
    [
      'the brief of a worker whose first attempt runs, its branch not there yet',
      briefPath(BUILD, 'W2.3'),
      'is not a brief this adapt session may revise',
    ],
    ['the plan', planPath(BUILD), 'is not a brief this adapt session may revise'],
    ['code', 'src/app.ts', 'is not a brief this adapt session may revise'],
  ])('refuses a commit that changes %s, and pushes nothing', async (_name, path, reason) => {
    const { base } = adaptCommit({
      [briefPath(BUILD, 'W2.1')]: brief('W2.1', '- [ ] new'),
      [path]: path.endsWith('.md') ? brief('W9.9', '- [ ] forged') : '{"forged":true}\n',
    });

    expect(await h.publish(adaptEnv)).toBe(PUBLISH_EXIT.refused);

    expect(h.summary()).toContain(`${path} ${reason} (${briefPath(BUILD, 'W2.1')})`);
    expect(h.fixture.remoteSha(INTEGRATION)).toBe(base);
    expect(remoteRefMessage(adaptationRef(BUILD, 'W1.1'))).toBeNull();
  });

  it('completes without a commit when no brief needs to change', async () => {
    const base = mergedBuild();
    h.fixture.writeResult(
      makeResult({ role: 'plan', worker: null, branch: INTEGRATION, base, head: null }),
    );

    expect(await h.publish(adaptEnv)).toBe(PUBLISH_EXIT.published);
    expect(h.fixture.remoteSha(INTEGRATION)).toBe(base);
  });
});

describe('publish of a work session naming affected workers', () => {
  it('refuses a completion whose affects names a worker the plan does not have', async () => {
    const head = h.fixture.agentCommit({
      branch: workerBranch(BUILD, 'W1.1'),
      files: {
        'src/login.ts': 'export const login = 1;\n',
        [completionPath(BUILD, 'W1.1')]: '{}\n',
      },
    });
    h.fixture.writeResult(
      makeResult({
        base: h.fixture.base,
        head,
        completion: makeCompletion({ affects: ['W7.1'] }),
      }),
    );

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    expect(h.summary()).toContain(
      "the completion's affects names W7.1, which is not a worker of the plan",
    );
  });
});
