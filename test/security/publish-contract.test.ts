import { describe, expect, it } from 'vitest';
import { parseEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import {
  ALLOW_WORKFLOWS,
  CONTRACT_TEST,
  CONTRACT_TEST_TEXT,
  contractOptions,
  MARKED_TEST_TEXT,
  PACKAGE_JSON_TEXT,
  WORKFLOW,
  WORKFLOW_TEXT,
} from '../session/publish/contract-fixture.js';
import {
  type FileContent,
  makeCompletion,
  symlink,
  workSession,
} from '../session/publish/fixture.js';
import { type Harness, PULLS, usePublishHarness } from '../session/publish/harness.js';
import { WORKER_BRANCH, WORKER_COMPLETION } from '../session/publish/worker-paths.js';

/**
 * A worker that makes the build's contract pass by weakening it rather than by
 * changing the code under test: each way is refused, nothing reaches the
 * remote, and the refusal names the file, the rule and what to do instead.
 * The default branch lets sessions change workflows, so for a workflow only
 * the contract's guard stands.
 */
const completion = JSON.stringify(makeCompletion());
const INSTEAD = 'change the code under test; a contract change goes through `/replan`';

function scripts(change: Record<string, string>): string {
  const json = JSON.parse(PACKAGE_JSON_TEXT) as { scripts: Record<string, string> };
  return `${JSON.stringify({ ...json, scripts: { ...json.scripts, ...change } }, null, 2)}\n`;
}

type Attack = { attack: string; files: Record<string, FileContent>; reason: string };

/** The check of a criterion given `it.<marker>`, which the runner then skips or inverts. */
function markedCheck(attack: string, marker: 'skip' | 'fails'): Attack {
  return {
    attack,
    files: {
      [CONTRACT_TEST]: CONTRACT_TEST_TEXT.replace(
        "it('refuses a wrong password'",
        `it.${marker}('refuses a wrong password'`,
      ),
    },
    reason: `${CONTRACT_TEST} weakens the build's contract: it gains a skip, only, todo or expected-failure marker`,
  };
}

const ATTACKS: Attack[] = [
  {
    attack: 'the check renamed where the command finds no test',
    files: { [CONTRACT_TEST]: null, 'test/login.test.ts.off': CONTRACT_TEST_TEXT },
    reason: `${CONTRACT_TEST} weakens the build's contract: it is renamed to test/login.test.ts.off`,
  },
  {
    attack: 'the check replaced by a link to a test that asserts nothing',
    files: {
      'test/trivial.ts': "import { it } from 'vitest';\n\nit('passes', () => {});\n",
      [CONTRACT_TEST]: symlink('trivial.ts'),
    },
    reason: `${CONTRACT_TEST} weakens the build's contract: it is replaced with a symbolic link`,
  },
  markedCheck('a skip marker on the check of a criterion', 'skip'),
  markedCheck('a check marked to fail, so that it passes while the code is wrong', 'fails'),
  {
    attack: 'a focused test in another file, which a runner like mocha runs alone',
    files: {
      'test/other.test.ts': "import { it } from 'vitest';\n\nit.only('passes', () => {});\n",
    },
    reason: "test/other.test.ts weakens the build's contract: it gains a focus marker (`.only`)",
  },
  {
    attack: 'the script the contract’s command runs through `npm run unit`, changed',
    files: { 'package.json': scripts({ unit: 'vitest run --passWithNoTests test/none' }) },
    reason:
      'package.json weakens the build\'s contract: the script "unit" changes, and the contract\'s command ("npm test") runs it',
  },
  {
    attack: 'a workflow’s test step made to pass whatever it finds',
    files: { [WORKFLOW]: WORKFLOW_TEXT.replace('- run: npm test', '- run: npm test || true') },
    reason: `${WORKFLOW} weakens the build's contract: a step gains "|| true"`,
  },
  {
    attack: 'a workflow that no longer runs the contract’s command',
    files: { [WORKFLOW]: WORKFLOW_TEXT.replace('- run: npm test', '- run: npm run lint') },
    reason: `${WORKFLOW} weakens the build's contract: the line "- run: npm test", which runs the contract's command, is changed or removed`,
  },
];

function openedBody(h: Harness): string {
  const opened = h.github.api.find((call) => call.method === 'POST' && call.path === PULLS);
  return (opened?.body as { body?: string } | undefined)?.body ?? '';
}

describe('publish refuses a worker that weakens the contract', () => {
  const h = usePublishHarness(contractOptions({ config: ALLOW_WORKFLOWS }));

  it('publishes a change to the code under test, the contract kept (the baseline the attacks vary)', async () => {
    const head = workSession(h.fixture, {
      'src/login.ts':
        'export const login = (user: string, password: string) => password === "secret";\n',
      [WORKER_COMPLETION]: completion,
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    expect(parseEvidenceMarker(openedBody(h))).toMatchObject({ head, contract: 'kept' });
  });

  it.each(ATTACKS)('refuses $attack', async ({ files, reason }) => {
    const before = h.fixture.remoteSha(WORKER_BRANCH);
    workSession(h.fixture, { ...files, [WORKER_COMPLETION]: completion });

    expect(await h.publish({ GITHUB_RUN_ID: '4242' })).toBe(PUBLISH_EXIT.refused);

    expect(h.summary()).toContain(reason);
    expect(h.summary()).toContain(INSTEAD);
    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(before);
    expect(h.writes()).toEqual([]);
    // The refusal is the run's reason, which the worker's next session is handed.
    expect(h.usageMessage('4242')).toContain(`publish refused: ${reason.split(':')[0]}`);
  });
});

describe('a worker the plan gives the contract', () => {
  const h = usePublishHarness(contractOptions({ contract: true }));

  it('may change it, and its pull request says the contract changed', async () => {
    const head = workSession(h.fixture, {
      [CONTRACT_TEST]: CONTRACT_TEST_TEXT.replace("it('refuses", "it.skip('refuses"),
      [WORKER_COMPLETION]: completion,
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    // Publish takes the changed contract's seal in a commit of its own on top of the session's
    // head: the evidence speaks for that head, the pull request's.
    const evidence = parseEvidenceMarker(openedBody(h));
    expect(evidence).toMatchObject({ contract: 'changed' });
    expect(evidence?.head).toMatch(/^[0-9a-f]{40}$/);
    expect(evidence?.head).not.toBe(head);
  });
});

describe('a worker whose own checks the contract marks to fail', () => {
  const h = usePublishHarness(contractOptions({ checkText: MARKED_TEST_TEXT }));
  const code = {
    'src/login.ts':
      'export const login = (user: string, password: string) => password === "secret";\n',
  };

  it('is refused when it hands in complete with its checks still marked, which pass whatever the code does', async () => {
    workSession(h.fixture, { ...code, [WORKER_COMPLETION]: completion });

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);

    expect(h.summary()).toContain(
      `${CONTRACT_TEST}: the check "login › accepts the right password" of W1.1:1 is still marked to fail`,
    );
    expect(h.summary()).toContain('W1.1:2 is still marked to fail');
    expect(h.writes()).toEqual([]);
  });

  it('publishes once its change makes them plain checks', async () => {
    workSession(h.fixture, {
      ...code,
      [CONTRACT_TEST]: CONTRACT_TEST_TEXT,
      [WORKER_COMPLETION]: completion,
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
  });

  it('may hand in partial work with them still marked', async () => {
    const partial = makeCompletion({
      status: 'partial',
      handoff: { done: 'the form', left: 'the check', next: 'the password rule' },
    });
    workSession(
      h.fixture,
      { ...code, [WORKER_COMPLETION]: JSON.stringify(partial) },
      { result: { completion: partial } },
    );

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
  });
});
