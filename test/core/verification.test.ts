import { describe, expect, it } from 'vitest';
import type { RiskClass } from '../../src/core/config/verification-settings.js';
import { decide } from '../../src/core/decide/decide.js';
import type { ContractRead, PullInfo } from '../../src/core/snapshot/snapshot.js';
import { renderProgress } from '../../src/core/status/render-progress.js';
import { attentionOf, notificationsOf } from '../../src/core/verification/attention.js';
import { autonomyWait } from '../../src/core/verification/autonomy.js';
import { contractState, contractStateLine } from '../../src/core/verification/contract-state.js';
import { matchesGlob } from '../../src/core/verification/path-glob.js';
import { readFirst } from '../../src/core/verification/read-first.js';
import { contractVettingOf, fileClasses, judgeRisk } from '../../src/core/verification/risk.js';
import { buildDir } from '../../src/core/vocabulary/ids.js';
import { mentionedIn } from '../../src/core/vocabulary/notice.js';
import { viewOf } from './decide-helpers.js';
import { BUILD, make, NOW, sha, validContract, validPlan } from './factories.js';

const settings = defaults();
const NO_CONTRACT = { contract: null };

function defaults() {
  const parsed = make.config();
  if (!parsed.ok) throw new Error('the default config does not parse');
  return parsed.config.verification;
}

function withPaths(overrides: {
  securityPaths?: string[];
  interfacePaths?: string[];
  waitFor?: RiskClass[];
}) {
  const parsed = make.config({
    verification: {
      securityPaths: overrides.securityPaths ?? [],
      interfacePaths: overrides.interfacePaths ?? [],
      ...(overrides.waitFor ? { autonomy: { waitFor: overrides.waitFor } } : {}),
    },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config.verification;
}

describe('path globs', () => {
  it.each([
    ['src/auth/**', 'src/auth/login.ts', true],
    ['src/auth/**', 'src/auth/deep/er.ts', true],
    ['src/auth/**', 'src/authz/x.ts', false],
    ['src/auth', 'src/auth/login.ts', true],
    ['**/*.proto', 'api/v1/user.proto', true],
    ['**/*.proto', 'user.proto', true],
    ['*.proto', 'api/user.proto', true],
    ['secrets.ts', 'lib/secrets.ts', true],
    ['src/*.ts', 'src/a/b.ts', false],
    ['src/?.ts', 'src/a.ts', true],
    ['./src/api/**', 'src/api/x.ts', true],
    ['docs/a.b', 'docs/aXb', false],
  ])('%s against %s: %s', (glob, path, expected) => {
    expect(matchesGlob(glob, path)).toBe(expected);
  });
});

describe('risk classes of a file', () => {
  const paths = withPaths({ securityPaths: ['src/auth/**'], interfacePaths: ['api/**/*.proto'] });
  it.each<[string, 'added' | 'modified' | 'deleted' | 'renamed', string | undefined, RiskClass[]]>([
    ['.github/workflows/ci.yml', 'modified', undefined, ['workflow']],
    ['.github/workflows/new.yml', 'added', undefined, ['workflow']],
    ['.github/actions/setup/action.yml', 'modified', undefined, ['workflow']],
    ['tools/action.yaml', 'modified', undefined, ['workflow']],
    ['package.json', 'modified', undefined, ['dependency']],
    ['web/package-lock.json', 'modified', undefined, ['dependency']],
    ['requirements-dev.txt', 'modified', undefined, ['dependency']],
    ['go.sum', 'modified', undefined, ['dependency']],
    ['Cargo.lock', 'modified', undefined, ['dependency']],
    ['app.csproj', 'modified', undefined, ['dependency']],
    ['src/auth/session.ts', 'modified', undefined, ['security']],
    ['api/v1/user.proto', 'modified', undefined, ['interface']],
    ['test/login.test.ts', 'added', undefined, []],
    ['test/login.test.ts', 'modified', undefined, ['tests']],
    ['src/login.spec.ts', 'deleted', undefined, ['tests']],
    ['pkg/store_test.go', 'modified', undefined, ['tests']],
    ['tests/test_store.py', 'deleted', undefined, ['tests']],
    ['src/old.ts', 'renamed', 'test/old.test.ts', ['tests']],
    ['src/auth/test/x.test.ts', 'modified', undefined, ['security', 'tests']],
    ['src/login.ts', 'modified', undefined, []],
    ['README.md', 'modified', undefined, []],
  ])('%s (%s)', (path, status, from, expected) => {
    expect(fileClasses({ path, status, ...(from ? { from } : {}) }, paths)).toEqual(expected);
  });
});

describe('a worker judged', () => {
  const head = sha('a1');
  function pull(overrides: Partial<PullInfo>): PullInfo {
    return make.pull({ headSha: head, ...overrides });
  }

  /** The head approved by Baton, then reviewed by `author` (a person) with `verdict`. */
  function afterBatonApproves(author: string, verdict: 'changes-requested' | 'comment'): PullInfo {
    return pull({
      reviews: [
        make.review({ id: 1, commitSha: head }),
        make.review({ id: 2, commitSha: head, byBaton: false, author, verdict }),
      ],
    });
  }

  it.each<[string, PullInfo, RiskClass[], 'current' | 'stale' | 'none']>([
    ['no evidence', pull({}), [], 'none'],
    [
      'evidence of an older head says nothing of this one',
      pull({ evidence: make.evidence(['.github/workflows/x.yml:3'], { head: sha('old') }) }),
      [],
      'stale',
    ],
    [
      'a workflow and a lock file',
      pull({ evidence: make.evidence(['.github/workflows/x.yml:3', 'package-lock.json:900']) }),
      ['workflow', 'dependency', 'size'],
      'current',
    ],
    [
      'the evidence of the head an update of the branch merged',
      pull({
        headSha: sha('m1'),
        updatedFrom: [head],
        evidence: make.evidence(['go.mod:2']),
      }),
      ['dependency'],
      'current',
    ],
    [
      'the evidence of the head beneath two updates of the branch in a row',
      pull({
        headSha: sha('m2'),
        updatedFrom: [sha('m1'), head],
        evidence: make.evidence(['go.mod:2']),
      }),
      ['dependency'],
      'current',
    ],
    [
      'lines beyond the named files count towards size',
      pull({ evidence: make.evidence(['src/a.ts:10'], { more: { files: 400, lines: 401 } }) }),
      ['size'],
      'current',
    ],
    [
      'two heads reviewed by Baton',
      pull({
        reviews: [
          make.review({ id: 1, commitSha: sha('a0'), verdict: 'changes-requested' }),
          make.review({ id: 2, commitSha: head }),
        ],
      }),
      ['rounds'],
      'none',
    ],
    [
      "a person's request for changes against Baton's approval, on the head",
      afterBatonApproves('carol', 'changes-requested'),
      ['disagreement'],
      'none',
    ],
    [
      'a comment (a reader without write access) disagrees with nothing',
      afterBatonApproves('mallory', 'comment'),
      [],
      'none',
    ],
  ])('%s', (_, given, classes, evidence) => {
    const risk = judgeRisk(given, settings, NO_CONTRACT);
    expect(risk.classes).toEqual(classes);
    expect(risk.evidence).toBe(evidence);
  });
});

describe('a contract file publish vetted', () => {
  // W1.1 may only unmark its own check (publish refuses more); W1.2 is given the contract by the plan.
  const plan = make.plan({
    workers: [
      make.worker({ id: 'W0.1', title: 'Contract', contract: true }),
      make.worker({ id: 'W1.1', title: 'Session store', depends_on: ['W0.1'] }),
      make.worker({
        id: 'W1.2',
        title: 'Amend the contract',
        depends_on: ['W0.1'],
        contract: true,
      }),
    ],
  });
  const contract: ContractRead = {
    kind: 'valid',
    contract: {
      version: 1,
      command: 'npx vitest run test/contract',
      files: ['test/contract/W1.1.test.ts'],
      checks: [{ criterion: 'W1.1:1', file: 'test/contract/W1.1.test.ts', name: 'stores' }],
      unchecked: [],
    },
  };
  const snapshot = { plan: validPlan(plan), contract };

  it.each<
    [
      string,
      string,
      string[],
      RiskClass[],
      Pick<typeof snapshot, 'plan'> & { contract?: ContractRead },
    ]
  >([
    [
      'a worker not granted it unmarks its own check',
      'W1.1',
      ['test/contract/W1.1.test.ts:4'],
      [],
      snapshot,
    ],
    ['the same worker changes another test', 'W1.1', ['test/a.test.ts:4'], ['tests'], snapshot],
    [
      'the same worker deletes a contract file',
      'W1.1',
      ['-test/contract/W1.1.test.ts:4'],
      ['tests'],
      snapshot,
    ],
    [
      'the contract worker changes it',
      'W0.1',
      ['test/contract/W1.1.test.ts:4'],
      ['tests'],
      snapshot,
    ],
    [
      'a worker the plan gives the contract changes it',
      'W1.2',
      ['test/contract/W1.1.test.ts:4'],
      ['tests'],
      snapshot,
    ],
    [
      'no contract on the build branch',
      'W1.1',
      ['test/contract/W1.1.test.ts:4'],
      ['tests'],
      { plan: validPlan(plan) },
    ],
    [
      'an unreadable contract',
      'W1.1',
      ['test/contract/W1.1.test.ts:4'],
      ['tests'],
      { plan: validPlan(plan), contract: { kind: 'invalid', problems: ['x'] } },
    ],
  ])('%s', (_, worker, files, classes, read) => {
    const pull = make.pull({ worker, evidence: make.evidence(files) });
    const vetting = { contract: contractVettingOf(read, worker) };
    expect(judgeRisk(pull, settings, vetting).classes).toEqual(classes);
  });
});

describe('read these first', () => {
  it('ranks the riskiest worker first and counts the risky files of all', () => {
    const risks = [
      judgeRisk(
        make.pull({ worker: 'W1.1', evidence: make.evidence(['src/a.ts:50']) }),
        settings,
        NO_CONTRACT,
      ),
      judgeRisk(
        make.pull({ worker: 'W1.2', evidence: make.evidence(['package.json:4', 'src/b.ts:30']) }),
        settings,
        NO_CONTRACT,
      ),
      judgeRisk(
        make.pull({
          worker: 'W2.1',
          evidence: make.evidence(['.github/workflows/ci.yml:12', 'src/c.ts:8']),
        }),
        settings,
        NO_CONTRACT,
      ),
    ];
    const first = readFirst(risks);
    expect(first.ranked.map((risk) => risk.worker)).toEqual(['W2.1', 'W1.2', 'W1.1']);
    expect(first.files.map((file) => `${file.worker} ${file.path}`)).toEqual([
      'W2.1 .github/workflows/ci.yml',
      'W1.2 package.json',
    ]);
    expect([first.lines, first.total]).toEqual([16, 104]);
  });

  it("counts the work's lines only, Baton's build records apart", () => {
    const records = [
      `${buildDir(BUILD)}/completions/W1.1.json:240`,
      `${buildDir(BUILD)}/contract.json:38`,
    ];
    const risk = judgeRisk(
      make.pull({
        worker: 'W1.1',
        evidence: make.evidence(['.github/workflows/ci.yml:15', 'src/a.ts:85', ...records]),
      }),
      settings,
      NO_CONTRACT,
    );
    // 278 lines of records would make the change `size` and the share to read first 15 of 378.
    expect(risk.classes).toEqual(['workflow']);
    const first = readFirst([risk]);
    expect([first.lines, first.total, first.records]).toEqual([15, 100, 278]);
  });
});

describe('merge autonomy', () => {
  const head = sha('a1');
  const workflow = make.evidence(['.github/workflows/x.yml:3']);
  it.each<[string, PullInfo, RiskClass[] | null, ReturnType<typeof withPaths>?]>([
    ['a workflow change waits', make.pull({ evidence: workflow }), ['workflow']],
    ['an ordinary change does not', make.pull({ evidence: make.evidence(['src/a.ts:9']) }), null],
    ['a head with no evidence (a person pushed) is judged as before', make.pull({}), null],
    [
      'nor does evidence of an older head',
      make.pull({ evidence: { ...workflow, head: sha('old') } }),
      null,
    ],
    [
      'a person with write access approved the head',
      make.pull({
        evidence: workflow,
        reviews: [make.review({ byBaton: false, author: 'carol', commitSha: head })],
      }),
      null,
    ],
    [
      "a person's approval of an older head does not release this one",
      make.pull({
        evidence: workflow,
        reviews: [make.review({ byBaton: false, author: 'carol', commitSha: sha('old') })],
      }),
      ['workflow'],
    ],
    [
      "a reader's approval reads as a comment and releases nothing",
      make.pull({
        evidence: workflow,
        reviews: [
          make.review({ byBaton: false, author: 'mallory', commitSha: head, verdict: 'comment' }),
        ],
      }),
      ['workflow'],
    ],
    [
      "Baton's own approval releases nothing",
      make.pull({ evidence: workflow, reviews: [make.review({ commitSha: head })] }),
      ['workflow'],
    ],
    [
      'a class the settings do not wait for',
      make.pull({ evidence: make.evidence(['test/a.test.ts:9']) }),
      null,
    ],
    [
      'a class the settings wait for',
      make.pull({ evidence: make.evidence(['test/a.test.ts:9']) }),
      ['tests'],
      withPaths({ waitFor: ['tests'] }),
    ],
    [
      'security paths the settings name',
      make.pull({ evidence: make.evidence(['src/auth/x.ts:9']) }),
      ['security'],
      withPaths({ securityPaths: ['src/auth/**'] }),
    ],
  ])('%s', (_, given, classes, own = settings) => {
    expect(autonomyWait(given, own, NO_CONTRACT)?.classes ?? null).toEqual(classes);
  });
});

describe('the contract in the status', () => {
  const plan = make.plan({ criteria: ['the build passes'] });
  const valid = validContract({
    checks: [
      { criterion: 'build:1', file: 'test/contract.test.ts', name: 'passes' },
      { criterion: 'build:1', file: 'test/contract.test.ts', name: 'passes again' },
    ],
    unchecked: [{ criterion: 'W1.1:1', why: 'no test can see it' }],
  });
  it.each<[string, ContractRead | undefined, string | null]>([
    ['no criteria, no contract: no line', undefined, null],
    [
      'criteria and no contract yet',
      { kind: 'missing' },
      '📜 **Contract:** none yet for 1 criterion.',
    ],
    [
      'an unreadable contract',
      { kind: 'invalid', problems: ['x'] },
      '📜 **Contract:** `contract.json` on the build branch could not be read; 1 criterion have no checks Baton can name.',
    ],
    ['a contract', valid, '📜 **Contract:** 2 checks for 1 criterion (1 unchecked).'],
  ])('%s', (name, read, line) => {
    const state = contractState(name.startsWith('no criteria') ? make.plan() : plan, read);
    expect(state ? contractStateLine(state) : null).toBe(line);
  });
});

describe('the contract under the plan in the status', () => {
  it('shows N checks for M criteria once contract.json is on the build branch, under the progress line', () => {
    const snapshot = make.snapshot({
      plan: validPlan(make.plan({ criteria: ['Signs in', 'Signs out'] })),
      contract: {
        kind: 'valid',
        contract: {
          version: 1,
          command: 'npm test',
          files: ['test/c.test.ts'],
          checks: [{ criterion: 'build:1', file: 'test/c.test.ts', name: 'signs in' }],
          unchecked: [{ criterion: 'build:2', why: 'manual' }],
        },
      },
    });
    const view = viewOf(decide({ snapshot, config: make.config({ approval: 'none' }), now: NOW }));
    if (view.phase !== 'running') throw new Error(`the build is ${view.phase}`);
    const lines = renderProgress(view).split('\n\n');
    expect(lines[1]).toMatch(/workers done/);
    expect(lines[2]).toBe('📜 **Contract:** 1 check for 2 criteria (1 unchecked).');
  });

  it('says nothing of a contract for a plan without criteria', () => {
    const view = viewOf(
      decide({ snapshot: make.snapshot(), config: make.config({ approval: 'none' }), now: NOW }),
    );
    expect(view.phase === 'running' && renderProgress(view)).not.toContain('Contract');
  });
});

describe('attention', () => {
  it('counts what GitHub notifies a person of: comments that mention them and reviews asked of them', () => {
    const marker = '<!-- baton:notice 1-add-login plan-ready/abc -->';
    const writes = {
      comments: [
        `${marker}\n@alice 📋 The plan is ready.`,
        // The status comment, a note quoting a mention in code, an e-mail address: no mention.
        '<!-- baton:status build=1-add-login -->\n**Baton** · `@alice`',
        'Reply to alice@example.com or:\n```\n@alice /merge W1.1\n```',
        `${marker}\n@alice @bob ⏸️ The build waits for a person.`,
        '<!-- @carol -->\n📦 The final pull request is open.',
      ],
      reviewRequests: [{ pull: 9, logins: ['alice', 'alice'] }],
    };
    expect(notificationsOf(writes)).toBe(3);
    expect(mentionedIn(writes.comments[3] ?? '')).toEqual(['alice', 'bob']);
    expect(notificationsOf({ comments: [], reviewRequests: [] })).toBe(0);
  });

  it('counts decisions, autonomy waits and the share to read first', () => {
    const attention = attentionOf(
      {
        plan: { kind: 'missing' },
        notices: ['plan-ready/abc', 'needs-human/W1.2/conflict/abc', 'final-pull/9', 'budget/50'],
        pulls: [
          make.pull({
            worker: 'W1.1',
            state: 'merged',
            evidence: make.evidence(['.github/workflows/x.yml:10', 'src/a.ts:30']),
          }),
          make.pull({
            worker: 'W1.2',
            number: 102,
            evidence: make.evidence(['src/b.ts:60', `${buildDir(BUILD)}/completions/W1.2.json:50`]),
          }),
          make.pull({
            worker: 'W1.3',
            number: 103,
            state: 'closed',
            evidence: make.evidence(['go.mod:5']),
          }),
        ],
      },
      settings,
      { comments: ['@alice 📋 The plan is ready.'], reviewRequests: [] },
    );
    expect(attention).toEqual({
      notifications: 1,
      decisions: { plan: 1, needsHuman: 1, autonomy: 1, other: 0, total: 3 },
      readFirst: { lines: 10, total: 100, records: 50, share: 0.1 },
    });
  });

  it('is nothing for a build that asked nothing', () => {
    const none = { comments: [], reviewRequests: [] };
    expect(attentionOf({ plan: { kind: 'missing' }, pulls: [] }, settings, none)).toEqual({
      notifications: 0,
      decisions: { plan: 0, needsHuman: 0, autonomy: 0, other: 0, total: 0 },
      readFirst: { lines: 0, total: 0, records: 0, share: 0 },
    });
  });
});
