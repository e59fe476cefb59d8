import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCeiling, type Simulation, STEP_LIMIT_MS, startSimulation } from '../../sim/e2e.js';
import { scripted } from '../../sim/fake-anthropic.js';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { installationToken } from '../../sim/github/tokens.js';
import type { DoctorCheck } from '../../src/core/doctor/doctor.js';
import { renderDoctor } from '../../src/core/doctor/doctor.js';
import { parseDoctorRunName } from '../../src/core/doctor/doctor-session.js';
import { runDoctorSession } from '../../src/doctor/run-doctor-session.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import { knownRestRoutes } from '../support/rest-routes.js';

/**
 * `baton doctor`'s session played for real: the dispatch, the runner's agent
 * and publish jobs on the session action's bundle, the token exchange at the
 * app process, the probes against the simulated GitHub, and the result read
 * back. One simulation; each case changes what it needs and puts it back.
 * Each case waits on its session as `baton doctor` does, for as long as the
 * simulation lets a session take (STEP_LIMIT_MS), and its own limit is that
 * and a margin: a slow machine makes a case slow, never wrong.
 */
/** The simulated GitHub's switches (what GitHub does that no documentation settles, and the like). */
type SimSwitch = {
  [K in keyof FakeGitHub]: FakeGitHub[K] extends boolean ? K : never;
}[keyof FakeGitHub];

describe('the doctor session', { timeout: buildCeiling(STEP_LIMIT_MS) }, () => {
  let sim: Simulation;

  beforeAll(async () => {
    // The push probe waits this long for a push run (30 s on GitHub).
    sim = await startSimulation({
      respond: scripted([]),
      jobEnv: { BATON_DOCTOR_PUSH_WAIT_SECONDS: '1' },
    });
  });
  afterAll(async () => {
    await sim?.stop();
  });
  // A case that failed part way leaves its session running, and once it ends, its result unread:
  // wait for it, and take away what it left, so that the next case starts from a clean repository.
  afterEach(async () => {
    await sim.waitFor('every doctor session dispatched so far to end', () =>
      sim.gh.runs.every(
        (run) => parseDoctorRunName(run.displayTitle) === null || run.status === 'completed',
      ),
    );
    for (const ref of [...sim.gh.git.refs.keys()])
      if (ref.includes('doctor-')) sim.gh.git.refs.delete(ref);
  }, buildCeiling(STEP_LIMIT_MS));

  /** The session's checks, its report, and the refs its id names that are left. */
  async function doctorSession(): Promise<{ checks: DoctorCheck[]; text: string; left: string[] }> {
    // Retries as the command's own client does (a read whose connection a busy machine reset is sent again).
    const octokit = new (BatonOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      throttle: { ...(options.throttle as object), enabled: false },
    })))({ auth: { token: installationToken(sim.gh.installationId) }, baseUrl: sim.server.apiUrl });
    const before = new Set(sim.gh.runs.map((run) => run.id));
    const checks = await runDoctorSession(
      octokit,
      {
        owner: sim.gh.owner,
        repo: sim.gh.repo,
        defaultBranch: sim.gh.defaultBranch,
        htmlUrl: sim.gh.htmlUrl,
      },
      { timeoutMs: STEP_LIMIT_MS, pollMs: 200 },
    );
    const ids = sim.gh.runs
      .filter((run) => !before.has(run.id))
      .map((run) => parseDoctorRunName(run.displayTitle) ?? '')
      .filter(Boolean);
    expect(ids, sim.diagnostics()).toHaveLength(1);
    const left = [...sim.gh.git.refs.keys()].filter((ref) => ids.some((id) => ref.includes(id)));
    return { checks, text: renderDoctor(checks), left };
  }

  /** A row's change: the simulated GitHub's switch `name` set to `value`, and put back after. */
  function flip(name: SimSwitch, value: boolean): () => () => void {
    return () => {
      const before = sim.gh[name];
      sim.gh[name] = value;
      return () => {
        sim.gh[name] = before;
      };
    };
  }

  function lineOf(text: string, id: string): string {
    const prefix = id.includes(':') ? id : `${id}:`;
    return text.split('\n').find((line) => line.slice(5).startsWith(prefix)) ?? '';
  }

  it('on a healthy installation: the token, the key, every model and every probe pass, and no ref is left', async () => {
    const { checks, text, left } = await doctorSession();
    expect(
      checks.filter((check) => !check.ok),
      `${text}\n${sim.diagnostics()}`,
    ).toEqual([]);
    expect(text).toMatch(
      /^ok {3}session: the publish job traded its OIDC token at http:\/\/127\.0\.0\.1:\d+$/m,
    );
    expect(text).toContain('ok   model-key: the secret ANTHROPIC_API_KEY is set');
    expect(new Set(sim.model.counted)).toEqual(
      new Set(['claude-opus-5-5', 'claude-haiku-5-5', 'claude-sonnet-5-5']),
    );
    expect(lineOf(text, 'probe graphql-hidden-refs')).toContain(
      ': yes: usage and adaptation records are read with the build query',
    );
    expect(lineOf(text, 'probe push-starts-workflows')).toContain(
      ': no: hidden refs start no workflow',
    );
    expect(lineOf(text, 'probe hidden-ref-without-workflows')).toContain(': yes');
    expect(lineOf(text, 'probe viewer-has-reacted')).toContain(': yes');
    expect(lineOf(text, 'probe edit-tag-answers-read')).toContain(': yes');
    expect(lineOf(text, 'probe collaborator-permission')).toContain(': yes');
    // Where the simulator's jobs get the sandbox (root) it opened for real; elsewhere the config opts out.
    expect(lineOf(text, 'probe sandbox')).toContain(': yes');
    expect(left).toEqual([]);
    expect(sim.gh.commitComments).toEqual([]);
    // The key went to the model's API only: never into a job's output or summary.
    const printed = sim.runner.jobs
      .map((job) => `${job.stdout}${job.stderr}${job.summary}`)
      .join('');
    expect(printed).not.toContain('sk-ant-simulated-key');
    expect(printed).toContain('Baton doctor');
    // Every route the command and the session asked is in GitHub's published description.
    const known = await knownRestRoutes();
    expect(sim.gh.log.map((entry) => entry.route).filter((route) => !known.has(route))).toEqual([]);
  });

  it.each<[string, () => () => void, string, RegExp]>([
    [
      'GraphQL does not list hidden refs',
      flip('graphqlListsHiddenRefs', false),
      'probe graphql-hidden-refs',
      /^ok {3}probe graphql-hidden-refs: .*: no: Baton reads usage and adaptation records over REST \(git\/matching-refs\), found at run time$/,
    ],
    [
      'a push to a hidden ref starts push workflows',
      flip('pushToHiddenRefsStartsWorkflows', true),
      'probe push-starts-workflows',
      /^ok {3}probe push-starts-workflows: .*: yes: each usage record starts your push workflows: add `branches`/,
    ],
    [
      "viewerHasReacted is not the app's own reaction",
      flip('viewerHasReactedIsApp', false),
      'probe viewer-has-reacted',
      /^ok {3}probe viewer-has-reacted: .*: no: Baton reads its 👀 on commands over REST \(the comment's reactions\), found at run time$/,
    ],
    [
      "an edit's answer carries no tag a read gives",
      flip('editTagAnswersRead', false),
      'probe edit-tag-answers-read',
      /^ok {3}probe edit-tag-answers-read: .*: no: each held status edit's read of its comment is counted \(one request an edit\); nothing to set$/,
    ],
    [
      "the agent job's token may not read a collaborator's permission",
      flip('readOnlyTokenReadsPermissions', false),
      'probe collaborator-permission',
      /^ok {3}probe collaborator-permission: .*: no: publish checks who edited the issue before it writes a plan, with the app's token/,
    ],
    [
      'GitHub wants workflows for a new hidden ref',
      flip('hiddenRefPushNeedsWorkflows', true),
      'probe hidden-ref-without-workflows',
      /^FAIL probe hidden-ref-without-workflows: .*: no: sessions cannot record usage: budget\.maxUsd counts only run durations → the push of refs\/baton\/doctor-[0-9a-f]+\/probe\/hidden was refused: .*without `workflows` permission/,
    ],
    [
      'the secret ANTHROPIC_API_KEY is missing',
      () => {
        sim.gh.secrets.delete('ANTHROPIC_API_KEY');
        return () => sim.gh.secrets.set('ANTHROPIC_API_KEY', 'sk-ant-simulated-key');
      },
      'model-key',
      /^FAIL model-key: the secret ANTHROPIC_API_KEY is not set: every session on Baton’s loop, Claude Code and GitHub Copilot CLI would fail → add it in Settings → Secrets and variables → Actions → Secrets/,
    ],
    [
      'a configured model does not answer',
      () => {
        sim.model.unknownModels.add('claude-haiku-5-5');
        return () => sim.model.unknownModels.clear();
      },
      'model: claude-haiku-5-5',
      /^FAIL model: claude-haiku-5-5 does not answer: HTTP 404: model: claude-haiku-5-5 → set models\.\* in \.github\/baton\.yml/,
    ],
    [
      'the variable BATON_APP_URL is missing',
      () => {
        const url = sim.gh.variables.get('BATON_APP_URL') ?? '';
        sim.gh.variables.delete('BATON_APP_URL');
        return () => sim.gh.variables.set('BATON_APP_URL', url);
      },
      'session',
      /^FAIL session: the doctor session's publish job got no token from the app .* → set the repository variable BATON_APP_URL to the app's public https URL, reachable from GitHub's runners/,
    ],
    [
      'the app URL is unreachable from the runner',
      () => {
        const url = sim.gh.variables.get('BATON_APP_URL') ?? '';
        sim.gh.variables.set('BATON_APP_URL', 'http://127.0.0.1:9');
        return () => sim.gh.variables.set('BATON_APP_URL', url);
      },
      'session',
      /^FAIL session: the doctor session's publish job got no token from the app .* → set the repository variable BATON_APP_URL/,
    ],
  ])('when %s, says so and what Baton does or what to do', async (_, breakIt, id, expected) => {
    const restore = breakIt();
    try {
      const { text, left } = await doctorSession();
      expect(lineOf(text, id), `${text}\n${sim.diagnostics()}`).toMatch(expected);
      // Whatever the session found, it took away every ref it made (probes and its result).
      expect(left).toEqual([]);
    } finally {
      restore();
    }
  });
});
