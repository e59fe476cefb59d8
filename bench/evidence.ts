/**
 * A person's attention a build with a contract asks for (docs/verification.md),
 * through the real app (handlers, reconciler, Octokit) on the simulated GitHub
 * with scripted sessions (test/support/scripted-sessions.ts): the contract's
 * worker W0.1, then ten workers, each with one criterion its contract checks.
 * W1.1 adds a workflow and W1.2 a dependency (the seeded risky changes), so
 * both wait for a person under the default autonomy; once the build cannot go
 * on without them, Baton's one notice asks for both, and a person lets them go
 * on with the one reply it asks for (`/merge W1.1` and `/merge W1.2` on lines
 * of one comment). Every worker, as the contract asks, turns its own check from
 * marked-to-fail into a plain one (a changed test file, 4 lines) besides its
 * 40 lines of code. Played twice: with no failure, and with two (W2.2's first
 * head red in CI, which a fix session mends; milestone 1's validation failing
 * W1.3's check once, which files a fix worker).
 *
 * Per build, from the final snapshot the app reads (`observeBuild`) through
 * `attentionOf`: notifications to a person (what GitHub notifies them of:
 * Baton's comments on the issue and the build's pull requests that mention
 * them, and reviews asked of them), decisions asked of one, and the lines the
 * guide asks to read first ÷ every changed line; the seeded risky files the
 * guide lists first; the criteria whose check the
 * final pull request's guide names with a green result; and the GitHub
 * requests and writes the app made per worker, from `/approve` to the final
 * pull request.
 *
 * `npx tsx bench/evidence.ts` prints the report; `--json` one line of it.
 */
import type { FakeGitHub } from '../sim/github/fake-github.js';
import { VerificationSettings } from '../src/core/config/verification-settings.js';
import { CONTRACT_WORKER, contractPath } from '../src/core/plan/contract.js';
import type { ChangedLines } from '../src/core/sessions/evidence.js';
import type { BuildSnapshot } from '../src/core/snapshot/snapshot.js';
import {
  type Attention,
  attentionOf,
  type BatonWrites,
} from '../src/core/verification/attention.js';
import { readFirst } from '../src/core/verification/read-first.js';
import { contractVettingOf, judgeRisk } from '../src/core/verification/risk.js';
import { integrationBranch, workerBranch } from '../src/core/vocabulary/ids.js';
import { findNotice } from '../src/core/vocabulary/notice.js';
import { observeBuild } from '../src/github/observe/observe-build.js';
import { repoContextOf } from '../test/support/app-tests.js';
import { BUILD, installedRepo, labelledIssue, tickingClock } from '../test/support/builds.js';
import { driveBuild, type SessionScript } from '../test/support/scripted-sessions.js';
import { startPacedApp } from './paced-app.js';
import type { Row } from './parts.js';
import { isWrite } from './scale-breakdown.js';

/** The ten workers after the contract: six in wave 1, four in wave 2. */
const WORKERS = [
  ...Array.from({ length: 6 }, (_, i) => ({ id: `W1.${i + 1}`, depends_on: [CONTRACT_WORKER] })),
  ...Array.from({ length: 4 }, (_, i) => ({ id: `W2.${i + 1}`, depends_on: [`W1.${i + 1}`] })),
];

/** The seeded risky changes: the file of each, and its worker. */
const SEEDED = [
  { worker: 'W1.1', path: '.github/workflows/lint.yml' },
  { worker: 'W1.2', path: 'package.json' },
] as const;

const CODE_LINES = 40;
const ROUND_MS = 60_000;
const CHECK_LINES = 4;

export interface EvidenceBuild {
  name: string;
  /** Workers in the plan at the end: W0.1, the ten, and any fix worker a validation added. */
  workers: number;
  notifications: number;
  decisions: Attention['decisions'];
  readFirst: Attention['readFirst'];
  /** The seeded risky files the guide lists first, of those seeded. */
  seeded: { held: number; of: number };
  /** The criteria whose check the final pull request's guide names with a green result, of all. */
  criteria: { green: number; of: number };
  /** GitHub requests and writes of the app per worker, `/approve` to the final pull request. */
  perWorker: { requests: number; writes: number };
  /** The people's `/merge` replies the build needed. */
  merges: number;
  /** The app's requests by route, `/approve` to the final pull request. */
  byRoute: Record<string, number>;
}

export interface EvidenceReport {
  builds: EvidenceBuild[];
}

function plan() {
  return {
    version: 1,
    build: BUILD,
    issue: 1,
    title: 'Add OAuth login',
    summary: 'Ten parts of a login, each with its own check.',
    workers: [
      {
        id: CONTRACT_WORKER,
        title: 'Contract: checks for the acceptance criteria',
        depends_on: [],
        complexity: 'normal',
        contract: true,
      },
      ...WORKERS.map((worker) => ({
        id: worker.id,
        title: `Part ${worker.id}`,
        depends_on: worker.depends_on,
        complexity: 'normal',
        criteria: [`part ${worker.id} holds`],
      })),
    ],
  };
}

const checkFile = (worker: string) => `test/contract/${worker}.test.ts`;

/** What W0.1 writes: a check per criterion, and `contract.json`. */
function contractFiles(): Record<string, string> {
  const contract = {
    version: 1,
    command: 'npx vitest run test/contract',
    files: WORKERS.map((worker) => checkFile(worker.id)),
    checks: WORKERS.map((worker) => ({
      criterion: `${worker.id}:1`,
      file: checkFile(worker.id),
      name: `part ${worker.id} holds`,
    })),
    unchecked: [],
  };
  return {
    ...Object.fromEntries(
      WORKERS.map((worker) => [
        checkFile(worker.id),
        `it.fails('part ${worker.id} holds', () => {\n  expect(part('${worker.id}')).toBe(true);\n});\n`,
      ]),
    ),
    [contractPath(BUILD)]: `${JSON.stringify(contract, null, 2)}\n`,
  };
}

/** What publish's evidence says a worker's diff holds. */
function evidenceOf(worker: string): ChangedLines[] {
  if (worker === CONTRACT_WORKER) {
    return WORKERS.map((one) => ({ path: checkFile(one.id), status: 'added', lines: 3 }));
  }
  const seeded = SEEDED.filter((one) => one.worker === worker).map(
    (one): ChangedLines => ({
      path: one.path,
      status: one.path === 'package.json' ? 'modified' : 'added',
      lines: 6,
    }),
  );
  const own = WORKERS.some((one) => one.id === worker)
    ? [{ path: checkFile(worker), status: 'modified' as const, lines: CHECK_LINES }]
    : [];
  return [{ path: `src/${worker}.ts`, status: 'added', lines: CODE_LINES }, ...own, ...seeded];
}

/**
 * The builds played: with the contract and no failure, with two failures, and
 * the same ten workers with no criteria (no contract, no validation, no
 * evidence): what the app asks of GitHub without them.
 */
export type EvidenceBuildKind = 'no failure' | 'two failures' | 'no contract';

/** Plays one build to its final pull request. */
export async function measureEvidenceBuild(kind: EvidenceBuildKind): Promise<EvidenceBuild> {
  const now = tickingClock();
  const gh = installedRepo(now);
  const failures = kind === 'two failures';
  const script: SessionScript =
    kind === 'no contract'
      ? {
          build: BUILD,
          issue: 1,
          workers: WORKERS.map((worker) =>
            worker.id.startsWith('W1.') ? { id: worker.id } : worker,
          ),
        }
      : {
          build: BUILD,
          issue: 1,
          workers: [{ id: CONTRACT_WORKER }, ...WORKERS],
          plan: plan(),
          files: (worker) =>
            worker === CONTRACT_WORKER ? contractFiles() : { [`src/${worker}.ts`]: 'export {};\n' },
          evidence: evidenceOf,
          ...(failures
            ? {
                ci: (worker: string, pushes: number) =>
                  worker === 'W2.2' && pushes === 1 ? ('failure' as const) : ('success' as const),
                validate: (milestone: number, ordinal: number) =>
                  milestone === 1 && ordinal === 1 ? { fail: ['W1.3:1'] } : ('pass' as const),
              }
            : {}),
        };
  // Paced as bench/api-calls.ts paces its builds, a round standing for a minute.
  const { app, time, stop } = await startPacedApp(gh, now);
  const drive = async () => {
    do
      await driveBuild({
        gh,
        apps: [app],
        script,
        burst: true,
        echoesInRound: true,
        maxRounds: 400,
        afterRound: async () => {
          time.advance(ROUND_MS);
          await app.idle();
        },
      });
    while (time.pending().length > 0);
  };
  try {
    const issue = labelledIssue(gh);
    await drive();
    const from = gh.log.length;
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await drive();
    // A person lets the workers waiting for one go on, in the one reply the notice asks for.
    const released = new Set<string>();
    for (let round = 0; round < 10 && !finalPullOf(gh); round++) {
      const waiting = waitingWorkers(gh, issue).filter((worker) => !released.has(worker));
      if (waiting.length === 0) break;
      for (const worker of waiting) released.add(worker);
      gh.addComment({
        issue,
        body: waiting.map((worker) => `/merge ${worker}`).join('\n'),
        user: 'maintainer',
      });
      await drive();
    }
    const final = finalPullOf(gh);
    if (!final) throw new Error('the measured build did not open its final pull request');
    const asked = gh.log
      .slice(from)
      .filter((entry) => !entry.route.includes('/access_tokens') && entry.status !== 304);
    const { snapshot } = await observeBuild(repoContextOf(gh), {
      build: BUILD,
      issue,
      defaultBranch: gh.defaultBranch,
    });
    const settings = VerificationSettings.parse({});
    const attention = attentionOf(snapshot, settings, batonWrites(gh, issue));
    const workers = planWorkers(gh);
    return {
      name: `10 workers, ${kind}`,
      workers,
      notifications: attention.notifications,
      decisions: attention.decisions,
      readFirst: attention.readFirst,
      seeded: {
        held: SEEDED.filter((one) => readFirstPaths(snapshot, settings).includes(one.path)).length,
        of: SEEDED.length,
      },
      criteria: greenCriteria(final.body),
      perWorker: {
        requests: asked.length / workers,
        writes: asked.filter(isWrite).length / workers,
      },
      merges: released.size,
      byRoute: countByRoute(asked),
    };
  } finally {
    stop();
  }
}

function countByRoute(entries: readonly { route: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { route } of entries) counts[route] = (counts[route] ?? 0) + 1;
  return counts;
}

function finalPullOf(gh: FakeGitHub) {
  return [...gh.pulls.values()].find(
    (pull) => pull.head === integrationBranch(BUILD) && pull.base === gh.defaultBranch,
  );
}

/** The workers Baton's notices on the issue ask a person to `/merge`, whose pull request is still open. */
function waitingWorkers(gh: FakeGitHub, issue: number): string[] {
  const asked = gh.comments
    .filter(
      (comment) =>
        comment.issue === issue &&
        comment.user.login === gh.botLogin &&
        findNotice(comment.body)?.key.startsWith('waiting/'),
    )
    .flatMap((comment) =>
      [...comment.body.matchAll(/^\/merge (W\d+\.\d+)$/gm)].map((m) => m[1] ?? ''),
    );
  return [...new Set(asked)].filter((id) =>
    [...gh.pulls.values()].some(
      (one) => one.head === workerBranch(BUILD, id) && one.state === 'open',
    ),
  );
}

/** What Baton wrote that notifies people: its comments on the issue and the build's pull requests, its review requests. */
function batonWrites(gh: FakeGitHub, issue: number): BatonWrites {
  const pulls = [...gh.pulls.values()].filter(
    (pull) => pull.head.startsWith(`baton/${BUILD}/`) || pull.base.startsWith(`baton/${BUILD}/`),
  );
  const numbers = new Set([issue, ...pulls.map((pull) => pull.number)]);
  return {
    comments: gh.comments
      .filter((comment) => numbers.has(comment.issue) && comment.user.login === gh.botLogin)
      .map((comment) => comment.body),
    reviewRequests: pulls.map((pull) => ({
      pull: pull.number,
      logins: pull.requestedReviewers ?? [],
    })),
  };
}

function planWorkers(gh: FakeGitHub): number {
  const text = gh.git
    .filesOf(gh.git.resolve(integrationBranch(BUILD)) ?? '')
    .get(`.baton/builds/${BUILD}/plan.json`);
  return (JSON.parse(text ?? '{"workers":[]}') as { workers: unknown[] }).workers.length;
}

function readFirstPaths(snapshot: BuildSnapshot, settings: VerificationSettings): string[] {
  const risks = snapshot.pulls
    .filter((pull) => pull.state !== 'closed')
    .map((pull) =>
      judgeRisk(pull, settings, { contract: contractVettingOf(snapshot, pull.worker) }),
    );
  return readFirst(risks).files.map((file) => file.path);
}

/** The guide's criteria rows, and those whose check is named with a green result. */
function greenCriteria(body: string): { green: number; of: number } {
  const table = body.split('### Acceptance criteria')[1]?.split('### Read these first')[0] ?? '';
  const rows = table.split('\n').filter((line) => /^\| (W\d+\.\d+|build):\d+ \|/.test(line));
  // Green: passed in the last milestone's validation (✅), or, with no validation, merged with
  // its checks green (src/core/verification/review-guide.ts).
  const green = rows.filter(
    (row) =>
      !row.includes('| no check') &&
      (/\| ✅ passed in M\d+'s validation/.test(row) ||
        row.includes('merged with its checks green') ||
        row.includes("runs in this pull request's checks")),
  );
  return { green: green.length, of: rows.length };
}

/** A person's attention per build with a contract (bench/evidence.ts), and what the app asks of GitHub for it. */
export function evidenceRows({ builds }: EvidenceReport): Row[] {
  const plain = builds.find((build) => build.name.endsWith('no contract'));
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  return builds
    .filter((build) => build !== plain)
    .flatMap((build) => {
      const quiet = build.name.endsWith('no failure');
      const { readFirst, seeded, criteria, perWorker } = build;
      return [
        {
          figure: `Notifications to a person: Baton's comments that mention them and reviews asked of them (${build.name}: the plan, one notice for the ${build.decisions.autonomy} workers waiting for a person, the final pull request's review request)`,
          measured: String(build.notifications),
          target: quiet ? '≤ 3' : 'reported',
          met: quiet ? build.notifications <= 3 : null,
        },
        {
          figure: `Decisions asked of a person (${build.name})`,
          measured: `${build.decisions.total} (plan ${build.decisions.plan}, autonomy ${build.decisions.autonomy}, needs a person ${build.decisions.needsHuman}, other ${build.decisions.other})`,
          target: 'reported',
          met: null,
        },
        {
          figure: `Lines the guide asks to read first ÷ the work's lines changed (Baton's build records apart), and the seeded risky changes among them (${build.name})`,
          measured: `${readFirst.lines} ÷ ${readFirst.total} = ${percent(readFirst.share)} (records: ${readFirst.records} lines, not counted); ${seeded.held} of ${seeded.of}`,
          target: '≤ 25%; all',
          met: readFirst.share <= 0.25 && seeded.held === seeded.of,
        },
        {
          figure: `Criteria whose contract check the final pull request's guide shows green (${build.name})`,
          measured: `${criteria.green} of ${criteria.of}`,
          target: '100%',
          met: criteria.of > 0 && criteria.green === criteria.of,
        },
        {
          figure: `GitHub requests / writes of the app per worker, /approve to final PR (${build.name}, ${build.workers} workers with W0.1${plain ? `; the same workers with no contract: ${plain.perWorker.requests.toFixed(1)} / ${plain.perWorker.writes.toFixed(1)}` : ''})`,
          measured: `${perWorker.requests.toFixed(1)} / ${perWorker.writes.toFixed(2)}`,
          target: '≤ 12 / ≤ 4.5',
          met: perWorker.requests <= 12 && perWorker.writes <= 4.5,
        },
      ];
    });
}

export async function measureEvidence(): Promise<EvidenceReport> {
  const builds: EvidenceBuild[] = [];
  for (const kind of ['no failure', 'two failures', 'no contract'] as const) {
    builds.push(await measureEvidenceBuild(kind));
  }
  return { builds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await measureEvidence();
  if (process.argv.includes('--json')) console.log(JSON.stringify(report));
  else console.log(JSON.stringify(report, null, 2));
}
