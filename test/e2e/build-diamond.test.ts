// End-to-end (slow, about two minutes): three whole builds through real
// processes, from the label to the final pull request, played at the same
// time: the diamond W1.1, W1.2 → W2.1 on a clean simulator, in both modes
// (the app hosted; and nothing hosted, the conductor workflow reconciling
// from the events, docs/serverless.md), and the hosted build with every fault
// knob on. In both, W1.1's first review asks for a
// change that a fix session makes; W1.1 and W1.2 both write src/index.js, so
// the second to merge conflicts and a fix session resolves it; W2.1's first
// attempt fails and the maintainer's `/retry W2.1` brings it back.
// The clean builds' app (or conductor) logs at debug, and no secret it or its
// sessions hold shows in any output.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionRuns, sessionsPlayed } from '../../sim/actions/runner.js';
import { canConfineSimJobs } from '../../sim/actions/tool-user.js';
import {
  buildCeiling,
  SIM_ANTHROPIC_KEY,
  type Simulation,
  type SimulationMode,
  startSimulation,
  WEBHOOK_SECRET,
  WHOLE_BUILD_LIMIT_MS,
} from '../../sim/e2e.js';
import { readOnlyToken } from '../../sim/github/tokens.js';
import { diamondScenario, setUpWidgets } from '../../sim/scenario/builds/greeting-scenario.js';
import { createScriptedModel } from '../../sim/scenario/scripted-model.js';
import { conflictNote } from '../../sim/scenario/turns/fix-summary.js';
import { quoted } from '../../src/core/verification/quoted.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import {
  awaitBeforeAll,
  type PlayedGreeting,
  playBuildsAtOnce,
  playGreeting,
} from '../support/builds-at-once.js';
import { knownRestRoutes } from '../support/rest-routes.js';
import { type KnownSecret, maskedAsActions, secretsIn } from '../support/secrets.js';

const WORKERS = ['W1.1', 'W1.2', 'W2.1'];
/** Secrets of the clean build's app that the test knows, to look for in every output. */
const APP_PRIVATE_KEY = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;
const RESYNC_TOKEN = `resync-${randomBytes(16).toString('hex')}`;
/** What the simulated GitHub mints for every installation token (sim/github/tokens.ts). */
const INSTALLATION_TOKEN = 'ghs_simulated';

type Played = PlayedGreeting;

/** Starts a simulation and plays the build on it; `faults` turns every knob on. */
async function play(
  started: Simulation[],
  faults: boolean,
  mode: SimulationMode = 'hosted',
): Promise<Played> {
  const scenario = diamondScenario({
    reviewChanges: true,
    sharedIndex: true,
    failures: { 'W2.1': ['failed'] },
    ...(faults ? { overloadedOnce: { role: 'review', worker: 'W1.2' } } : {}),
  });
  const model = createScriptedModel(scenario);
  const sim = await startSimulation({
    respond: model,
    setup: setUpWidgets,
    mode,
    parallel: 2,
    ...(faults
      ? { faults: { duplicateWebhooks: true, reorderWindow: 4, restFailureRate: 0.1 }, seed: 11 }
      : {
          logLevel: 'debug',
          appEnv: { PRIVATE_KEY: APP_PRIVATE_KEY, BATON_RESYNC_TOKEN: RESYNC_TOKEN },
        }),
  });
  started.push(sim);
  if (faults) {
    sim.server.faults.rateLimitNext({
      status: 403,
      match: `POST /repos/${sim.gh.fullName}/issues/`,
    });
  }
  return playGreeting(sim, model);
}

const runs = playBuildsAtOnce((started) => ({
  clean: play(started, false),
  faulted: play(started, true),
  serverless: play(started, false, 'serverless'),
}));

const runsOf = ({ sim }: Played, role: string, worker?: string) =>
  sim.gh.runs.filter(
    (run) => run.inputs.role === role && (!worker || run.inputs.worker === worker),
  );
const pullOf = ({ sim, build }: Played, worker: string) =>
  [...sim.gh.pulls.values()].find((p) => p.head === workerBranch(build.build, worker));
const reviewsOf = (played: Played, worker: string) =>
  played.sim.gh.reviews.filter((review) => review.pull === pullOf(played, worker)?.number);
const verdictOf = (review: { body: string }) => /baton:verdict (\S+)/.exec(review.body)?.[1];
const verdicts = (played: Played, worker: string) => reviewsOf(played, worker).map(verdictOf);
const builtFiles = ({ sim, build }: Played) =>
  sim.gh.git.filesOf(sim.gh.git.resolve(integrationBranch(build.build)) ?? '');
const mergedHeads = ({ sim, build }: Played) =>
  [...sim.gh.pulls.values()]
    .filter((pull) => pull.mergedAt && pull.base === integrationBranch(build.build))
    .map((pull) => pull.head)
    .sort();
/** The code the build branch ends with; the order of the two lines the conflict joined may differ. */
const builtCode = (played: Played) =>
  [...builtFiles(played)]
    .filter(([path]) => /^(src|test)\//.test(path))
    .map(([path, text]) => [path, path === 'src/index.js' ? text.split('\n').sort() : text])
    .sort();

const CONFLICT_NOTE = conflictNote(['src/index.js']);

/** Each clean build, by mode: the same assertions hold for both. */
const MODES = [
  { mode: 'hosted', run: () => runs().clean },
  { mode: 'serverless', run: () => runs().serverless },
] as const;

describe.each(MODES)(
  'a diamond build from the label to the final pull request ($mode)',
  ({ run }) => {
    const played = awaitBeforeAll(run, WHOLE_BUILD_LIMIT_MS);

    it('merges every worker into the build branch, with no turn the scenario did not expect', () => {
      expect(played.model.problems).toEqual([]);
      expect(mergedHeads(played)).toEqual(WORKERS.map((w) => workerBranch(played.build.build, w)));
      expect(played.model.sessions).toHaveLength(
        sessionsPlayed(played.sim.gh.runs, played.sim.runner.jobs),
      );
    });

    it('answers a review that asks for changes with a fix session, and merges once approved', () => {
      const [first, ...later] = verdicts(played, 'W1.1');
      expect(first).toBe('changes-requested');
      expect(later.at(-1)).toBe('approve');
      // A later review approves a head that holds the fix; one that does not (a conflict's fix
      // came first, as a busy machine may order it) asks again.
      const fixed = (commit: string) =>
        played.sim.gh.git
          .filesOf(commit)
          .get('src/greeting.js')
          ?.includes("name.trim() || 'there'");
      for (const review of reviewsOf(played, 'W1.1').slice(1))
        expect(verdictOf(review)).toBe(fixed(review.commitId) ? 'approve' : 'changes-requested');
      const review = played.sim.gh.reviews.find((r) => r.pull === pullOf(played, 'W1.1')?.number);
      // The one inline comment sits on the diff line it is about: `return` in greeting().
      expect(review?.comments).toEqual([
        expect.objectContaining({ path: 'src/greeting.js', line: 3, side: 'RIGHT' }),
      ]);
      // The fix answers a review that asked for changes: the first, or, where a conflict's fix
      // moved the head first, the review of that head, which asked again.
      const asked = reviewsOf(played, 'W1.1')
        .filter((one) => verdictOf(one) === 'changes-requested')
        .map((one) => `review-${one.id}`);
      const answered = runsOf(played, 'fix', 'W1.1').map((run) => run.inputs.trigger);
      expect(answered.filter((trigger) => asked.includes(trigger ?? ''))).toHaveLength(1);
      expect(builtFiles(played).get('src/greeting.js')).toContain("name.trim() || 'there'");
    });

    it('shows a failed worker with /retry, and the retry is a fresh attempt that delivers', () => {
      const attempts = runsOf(played, 'work', 'W2.1');
      expect(attempts.map((run) => run.conclusion)).toEqual(['failure', 'success']);
      const retry = played.sim.gh.comments.find((c) => c.body === '/retry W2.1');
      expect(attempts[1]?.inputs.trigger).toBe(`comment-${retry?.id}`);
      expect(played.build.statuses.some((body) => body.includes('`/retry W2.1`'))).toBe(true);
      const failed = played.model.sessions.find((s) => s.role === 'work' && s.worker === 'W2.1');
      expect(failed?.submitted).toMatchObject({ status: 'failed' });
      // The session's own reason, from the usage record publish pushed, reaches the worker's row.
      expect(
        played.build.statuses.some((body) =>
          /W2\.1.*the session failed: `+Stopped after writing /.test(body),
        ),
      ).toBe(true);
    });

    it('sends a fix session to the PR that conflicts after its sibling merged, and it resolves the markers', () => {
      const fixes = runsOf(played, 'fix').filter((run) =>
        run.inputs.trigger?.startsWith('conflict-'),
      );
      expect(fixes).toHaveLength(1);
      const session = played.model.sessions.find((s) => s.trigger === 'conflict');
      expect(session?.conflicts).toEqual(['src/index.js']);
      const index = builtFiles(played).get('src/index.js') ?? '';
      expect(index).toContain("export { greeting } from './greeting.js';");
      expect(index).toContain("export { farewell } from './farewell.js';");
      expect(index).not.toMatch(/^(<{7}|={7}|>{7})/m);
    });

    it('opens the final pull request to the default branch with every worker’s summary and cost', () => {
      const { finalPull, issue } = played.build;
      expect(finalPull.base).toBe(played.sim.gh.defaultBranch);
      expect(finalPull.body).toMatch(new RegExp(`^Closes #${issue}\\n`));
      for (const worker of diamondScenario().workers) {
        // The report quotes a session's text as the review guide does; a fix may add to the summary.
        const summary = quoted(worker.summary, 4000).slice(0, -1);
        expect(finalPull.body).toContain(`### ${worker.id}: ${quoted(worker.title)}\n\n${summary}`);
        const row = finalPull.body.split('\n').find((line) => line.startsWith(`| ${worker.id} |`));
        expect(row).toMatch(
          /\| ✅ merged( \(\d+ sessions\))? \| .* \| [1-9][\d,]* \| \$\d+\.\d\d \|$/,
        );
      }
      // The review's fix is W1.1's; the conflict falls on whichever sibling merges second.
      expect(finalPull.body).toMatch(
        /### W1\.1: [^\n]*\n\n[^\n]* After review, a blank name is greeted as \\`there\\`\./,
      );
      expect(finalPull.body.split(CONFLICT_NOTE)).toHaveLength(2);
      const total =
        /\| \*\*Total\*\* \| \| 3 merged, 0 skipped \| \| [1-9][\d,]* \| \$(\d+\.\d\d) \|/.exec(
          finalPull.body,
        );
      expect(Number(total?.[1])).toBeGreaterThan(0);
    });

    it('calls only REST routes that GitHub publishes, from the app and from every session', async () => {
      expect(played.sim.gh.callsOutside(await knownRestRoutes())).toEqual([]);
    });

    it('keeps one status comment, which ends pointing at the final pull request', () => {
      const statuses = played.sim.gh.comments.filter((c) => c.body.includes('<!-- baton:status'));
      expect(statuses).toHaveLength(1);
      expect(statuses[0]?.body).toContain('**3 of 3** workers done (3 merged)');
      expect(statuses[0]?.body).toContain(
        `**Final pull request:** [#${played.build.finalPull.number}]`,
      );
    });
  },
);

describe.each(MODES)('no secret in any log ($mode)', ({ mode, run }) => {
  const played = awaitBeforeAll(run, WHOLE_BUILD_LIMIT_MS);

  it('shows none of the app’s, GitHub’s, Actions’ or Anthropic’s secrets in the app’s or the sessions’ output', async () => {
    const { sim } = played;
    if (mode === 'hosted') {
      // A scheduler's resync, so the bearer secret passes through the request log too.
      const resync = await fetch(`${sim.app.url}/api/baton/resync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${RESYNC_TOKEN}` },
      });
      expect(resync.status).toBe(202);
      await sim.waitFor('the resync in the log', () =>
        sim.app.output().includes('/api/baton/resync 202'),
      );
    }
    const secrets: KnownSecret[] = [
      { name: 'the app private key', value: sim.appPrivateKey },
      { name: 'the webhook secret', value: WEBHOOK_SECRET },
      { name: 'the resync token', value: RESYNC_TOKEN },
      { name: 'an installation token', value: INSTALLATION_TOKEN },
      { name: 'the Anthropic key', value: SIM_ANTHROPIC_KEY },
      ...sim.gh.runs.map((run) => ({
        name: `run ${run.id}'s GITHUB_TOKEN`,
        value: readOnlyToken(run.id, sim.gh.repositoryId),
      })),
      ...sim.issuer.secrets.map((value, index) => ({ name: `OIDC secret ${index + 1}`, value })),
    ];
    // Every session's publish asks for an OIDC token where the app is hosted; none mints one without it.
    if (mode === 'hosted')
      expect(sim.issuer.secrets.length).toBeGreaterThan(sessionRuns(sim.gh.runs).length);
    // Each job's log as GitHub shows it (values it masked hidden); its summary as written.
    // The conductor's jobs are Actions jobs too: their log as GitHub shows it (no app process masks).
    const output = [
      maskedAsActions(sim.app.output()),
      ...sim.runner.jobs.map(
        (job) => `${maskedAsActions(job.stdout)}\n${maskedAsActions(job.stderr)}\n${job.summary}`,
      ),
    ].join('\n');
    // The output is there to search: the app logged at debug, every job printed.
    expect(output).toMatch(/"level":20/);
    const jobsNamed = (name: string) => sim.runner.jobs.filter((job) => job.job === name).length;
    expect(jobsNamed('agent') + jobsNamed('publish')).toBe(2 * sessionRuns(sim.gh.runs).length);
    // The review in a work or fix session's run, in two jobs of its own.
    expect(jobsNamed('review')).toBeGreaterThan(0);
    expect(jobsNamed('review-publish')).toBe(jobsNamed('review'));
    expect(secretsIn(output, secrets)).toEqual([]);
  });

  it('leaves no token a job minted alive: each was revoked when its job ended', () => {
    const { gh } = played.sim;
    // The sessions' write tokens (hosted: the app's endpoint mints them), and the conduct jobs'.
    expect(gh.revokedTokens.size).toBeGreaterThan(0);
    expect([...gh.tokens.keys()].filter((token) => !gh.revokedTokens.has(token))).toEqual([]);
  });

  it.skipIf(!canConfineSimJobs())(
    'ran the work sessions in the sandbox as throwaway tools users, behind the egress proxy, as on GitHub’s runners (skipped: needs root, sudo and bubblewrap)',
    () => {
      const { sim } = played;
      const work = sim.runner.jobs.filter(
        (job) => job.job === 'agent' && /work session /.test(job.stderr),
      );
      expect(work.length).toBeGreaterThan(0);
      for (const job of work) {
        expect(job.stderr).toMatch(
          /egress: baton-s\d+-\d+'s commands reach \d+ allowed host patterns/,
        );
      }
    },
  );
});

describe('the same build with doubled and reordered webhooks, 502s, a rate limit and a 529', () => {
  let clean: Played;
  let faulted: Played;
  beforeAll(async () => {
    [clean, faulted] = await Promise.all([runs().clean, runs().faulted]);
  }, buildCeiling(WHOLE_BUILD_LIMIT_MS));

  it('met every fault', () => {
    const { server } = faulted.sim;
    const attempts = new Map<string, number>();
    for (const { id } of server.deliveries) attempts.set(id, (attempts.get(id) ?? 0) + 1);
    expect(new Set(attempts.values())).toEqual(new Set([2]));
    expect(server.requests.filter((r) => r.fault === 'bad-gateway').length).toBeGreaterThan(5);
    expect(server.requests.filter((r) => r.fault === 'rate-limit')).toHaveLength(1);
    expect(faulted.model.errors).toEqual([
      { role: 'review', worker: 'W1.2', turn: 0, status: 529 },
    ]);
  });

  it('ends with the same merged workers, the same code and the same delivery report', () => {
    expect(faulted.model.problems).toEqual([]);
    expect(mergedHeads(faulted)).toEqual(mergedHeads(clean));
    expect(builtCode(faulted)).toEqual(builtCode(clean));
    // Record links are permalinks, and the workers' trailers name the heads and settings they
    // merged at: each build's own commits, so they are compared without them.
    // Which sibling merges first is timing's choice; the other one resolves the conflict,
    // so the note is compared apart: exactly one worker carries it in each build.
    // The workers' sections of the delivery report, after the review guide and the report's totals.
    const sections = (played: Played) => {
      const body = played.build.finalPull.body;
      return body
        .slice(body.indexOf('## The delivery report'))
        .replace(/\b[0-9a-f]{40}\b/g, '<commit>')
        .split('\n### ')
        .slice(1);
    };
    // The workers' trailers are read from each build's own reviews and checks as its faults left
    // them: each build lists every worker's, and the rest of the report is the same.
    const TRAILERS = 'Who asked, who approved, on what evidence';
    const withoutConflict = (played: Played) =>
      sections(played)
        .filter((section) => !section.startsWith(TRAILERS))
        .map((section) => section.replace(` ${CONFLICT_NOTE}`, ''));
    expect(withoutConflict(faulted)).toEqual(withoutConflict(clean));
    for (const played of [clean, faulted]) {
      const trailers = sections(played).find((section) => section.startsWith(TRAILERS)) ?? '';
      expect([...trailers.matchAll(/^Baton-Worker: (\S+)$/gm)].map((m) => m[1]).sort()).toEqual(
        WORKERS,
      );
      expect(trailers.match(/^Asked-by: maintainer$/gm)).toHaveLength(WORKERS.length);
    }
    for (const played of [clean, faulted]) {
      const carrying = sections(played).filter((section) => section.includes(CONFLICT_NOTE));
      expect(carrying).toHaveLength(1);
      expect(carrying[0]).toMatch(/^W1\.[12]: /);
    }
  });

  it('runs each session once: no worker is dispatched twice for one attempt', () => {
    const titles = faulted.sim.gh.runs.map((run) => run.displayTitle);
    expect(new Set(titles).size).toBe(titles.length);
    expect(faulted.model.sessions).toHaveLength(
      sessionsPlayed(faulted.sim.gh.runs, faulted.sim.runner.jobs),
    );
    // Which review and fix sessions run depends on the order the two siblings
    // merge in (the second conflicts), which timing decides in either build;
    // the work attempts do not.
    const attempts = (played: Played) =>
      played.sim.gh.runs
        .filter((run) => run.inputs.role === 'work')
        .map((run) => run.inputs.worker)
        .sort();
    expect(attempts(faulted)).toEqual(attempts(clean));
  });

  it('keeps one status comment and opens one final pull request', () => {
    const { gh } = faulted.sim;
    expect(gh.comments.filter((c) => c.body.includes('<!-- baton:status'))).toHaveLength(1);
    const finals = [...gh.pulls.values()].filter(
      (pull) => pull.head === integrationBranch(faulted.build.build),
    );
    expect(finals).toHaveLength(1);
    expect(gh.comments.filter((c) => c.body === '/retry W2.1')).toHaveLength(1);
  });
});
