import { randomBytes } from 'node:crypto';
import type { ProbotOctokit } from 'probot';
import type { DoctorCheck } from '../core/doctor/doctor.js';
import {
  doctorResultBranch,
  doctorResultRef,
  parseDoctorReport,
  renderDoctorInputs,
  renderDoctorReport,
  renderDoctorRunName,
} from '../core/doctor/doctor-session.js';
import { WORKFLOW_PATH } from '../core/vocabulary/ids.js';
import { statusOf } from '../github/client/types.js';

type Octokit = InstanceType<typeof ProbotOctokit>;

const WORKFLOW_FILE = WORKFLOW_PATH.split('/').pop() ?? 'baton.yml';

export interface DoctorSessionOptions {
  /** How long to wait for the run to end; about a minute on GitHub's hosted runners. */
  timeoutMs: number;
  /** Between two looks at the run. */
  pollMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Dispatches the doctor session on the default branch, waits for its run, and
 * reads its result: a commit message at `refs/baton/<id>/result`, which the
 * publish job pushes with the token it traded for (so a result proves the
 * runner reached BATON_APP_URL) and this deletes once read. A run that ends
 * without one is told from its jobs. Returns the session's check lines.
 */
export async function runDoctorSession(
  octokit: Octokit,
  where: { owner: string; repo: string; defaultBranch: string; htmlUrl: string },
  options: DoctorSessionOptions,
): Promise<DoctorCheck[]> {
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const id = `doctor-${randomBytes(8).toString('hex').slice(0, 12)}`;
  const repo = { owner: where.owner, repo: where.repo };
  await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
    ...repo,
    workflow_id: WORKFLOW_FILE,
    ref: where.defaultBranch,
    inputs: renderDoctorInputs(id),
  });
  const name = renderDoctorRunName(id);
  const deadline = now() + options.timeoutMs;
  let run: { id: number; status: string | null; html_url: string } | undefined;
  while (now() < deadline) {
    await sleep(options.pollMs);
    const { data } = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      { ...repo, workflow_id: WORKFLOW_FILE, event: 'workflow_dispatch', per_page: 30 },
    );
    const found = data.workflow_runs.find((candidate) => candidate.display_title === name);
    run = found
      ? { id: Number(found.id), status: found.status, html_url: found.html_url }
      : undefined;
    if (run?.status === 'completed') break;
  }
  const seconds = Math.round(options.timeoutMs / 1000);
  if (!run) {
    return [
      {
        id: 'session',
        ok: false,
        message: `the doctor session's run did not appear within ${seconds}s`,
        fix: `look at ${where.htmlUrl}/actions (is Actions enabled, and a runner available?) and run the doctor again`,
      },
    ];
  }
  if (run.status !== 'completed') {
    return [
      {
        id: 'session',
        ok: false,
        message: `the doctor session (${run.html_url}) did not end within ${seconds}s`,
        fix: 'wait for a runner, or pass --timeout with more seconds',
      },
    ];
  }
  const report =
    (await takeResult(octokit, { ...repo, ref: doctorResultRef(id) })) ??
    (await takeResult(octokit, { ...repo, ref: doctorResultBranch(id) }));
  if (report) return renderDoctorReport(report);
  return [await explainNoResult(octokit, { ...repo, runId: run.id, url: run.html_url })];
}

/** Reads the result the publish job left, and deletes its ref. */
async function takeResult(
  octokit: Octokit,
  where: { owner: string; repo: string; ref: string },
): Promise<ReturnType<typeof parseDoctorReport>> {
  const ref = where.ref.replace(/^refs\//, '');
  const repo = { owner: where.owner, repo: where.repo };
  let sha: string;
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      ...repo,
      ref,
    });
    sha = data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
  const { data: commit } = await octokit.request(
    'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
    { ...repo, commit_sha: sha },
  );
  await octokit.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', { ...repo, ref });
  return parseDoctorReport(commit.message);
}

/** Why a run ended without a result, from its jobs. */
async function explainNoResult(
  octokit: Octokit,
  where: { owner: string; repo: string; runId: number; url: string },
): Promise<DoctorCheck> {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
    owner: where.owner,
    repo: where.repo,
    run_id: where.runId,
  });
  const publish = data.jobs.find((job) => job.name === 'baton publish');
  if (publish && publish.conclusion !== 'success') {
    return {
      id: 'session',
      ok: false,
      message: `the doctor session's publish job got no token from the app (${where.url}): the runner did not reach BATON_APP_URL, or the app refused it (or GitHub refused the job's first probe push)`,
      fix: "set the repository variable BATON_APP_URL to the app's public https URL, reachable from GitHub's runners; the publish job's summary says which of these it was, and the app's log why a token was refused",
    };
  }
  return {
    id: 'session',
    ok: false,
    message: `the doctor session (${where.url}) left no result`,
    fix: "read the run's summary and run the doctor again",
  };
}
