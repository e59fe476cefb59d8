import { parse } from 'yaml';
import type { GitHubState } from '../github-state.js';
import { json, notFound, type Router, unprocessable } from '../router.js';
import { runBody } from '../run-body.js';

const SEARCH_PARAMS = [
  'actor',
  'branch',
  'check_suite_id',
  'created',
  'event',
  'head_sha',
  'status',
];
const SEARCH_MAX = 1000;

/**
 * GitHub's `created` qualifier (search syntax): `>=X`, `>X`, `<=X`, `<X`,
 * `X..Y` or `X`, each a date or a date-time; a date alone spans its day.
 */
export function createdRange(value: string | null): { from: string; to: string } {
  const all = { from: '', to: '\uffff' };
  if (!value) return all;
  const endOf = (x: string) => (x.length === 10 ? `${x}T23:59:59.999Z` : x);
  const range = /^(.+)\.\.(.+)$/.exec(value);
  if (range?.[1] && range[2])
    return {
      from: range[1] === '*' ? '' : range[1],
      to: range[2] === '*' ? all.to : endOf(range[2]),
    };
  const op = /^(>=|<=|>|<)?(.+)$/.exec(value);
  const at = op?.[2] ?? '';
  switch (op?.[1]) {
    case '>=':
      return { ...all, from: at };
    case '>':
      return { ...all, from: `${endOf(at)}\u0000` };
    case '<=':
      return { ...all, to: endOf(at) };
    case '<':
      return { ...all, to: at };
    default:
      return { from: at, to: endOf(at) };
  }
}

/** GitHub Actions: dispatches and runs of the workflows the repository has. */
export function registerRunRoutes(router: Router, gh: GitHubState): void {
  const repoPath = '/repos/{owner}/{repo}';
  const runOf = (id: string | undefined) => gh.runs.find((run) => run.id === Number(id));
  router
    .on(
      'GET',
      `${repoPath}/actions/workflows/{workflow_id}/runs`,
      ({ workflow_id = '' }, request) => {
        if (!gh.workflows.has(workflow_id)) return notFound();
        const { query } = request;
        const created = createdRange(query.get('created'));
        const matching = gh.runs
          .filter((run) => run.workflow === workflow_id)
          .filter((run) => !query.get('event') || run.event === query.get('event'))
          .filter((run) => run.createdAt >= created.from && run.createdAt <= created.to)
          .sort((a, b) => b.id - a.id);
        // "This endpoint will return up to 1,000 results for each search when using the following
        // parameters: actor, branch, check_suite_id, created, event, head_sha, status" (GitHub's
        // "List workflow runs" docs): past that the listing ends, newest first.
        const searched = SEARCH_PARAMS.some((name) => query.has(name));
        const runs = searched ? matching.slice(0, SEARCH_MAX) : matching;
        const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
        const current = Number(query.get('page') ?? 1);
        const slice = runs.slice((current - 1) * perPage, current * perPage);
        const more = runs.length > current * perPage;
        const next = new URLSearchParams(query);
        next.set('page', String(current + 1));
        return {
          status: 200,
          body: { total_count: runs.length, workflow_runs: slice.map((run) => runBody(gh, run)) },
          ...(more
            ? { headers: { link: `<https://api.github.com${request.path}?${next}>; rel="next"` } }
            : {}),
        };
      },
    )
    .on(
      'POST',
      `${repoPath}/actions/workflows/{workflow_id}/dispatches`,
      ({ workflow_id = '' }, request) => {
        if (!gh.workflows.has(workflow_id)) return notFound();
        const {
          ref,
          inputs = {},
          return_run_details,
        } = request.body as {
          ref: string;
          inputs?: Record<string, string>;
          return_run_details?: boolean;
        };
        // Enterprise Server 3.20 and earlier do not know the parameter (cli/cli#12672).
        if (return_run_details !== undefined && gh.enterpriseVersion !== null) {
          return json(400, {
            message: 'Invalid request.\n\n"return_run_details" is not a permitted key.',
            documentation_url: 'https://docs.github.com/enterprise-server/rest',
          });
        }
        const sha = gh.git.resolve(ref);
        if (!sha) return unprocessable(`No ref found for: ${ref}`);
        const declared = declaredInputs(gh, workflow_id, sha);
        if (declared && Object.keys(declared).length > MAX_DISPATCH_INPUTS) {
          // A workflow file declaring more inputs than GitHub allows is invalid,
          // and an invalid workflow has no trigger to dispatch.
          return unprocessable("Workflow does not have 'workflow_dispatch' trigger");
        }
        const unexpected = Object.keys(inputs).filter(
          (name) => declared !== undefined && (declared === null || !Object.hasOwn(declared, name)),
        );
        if (unexpected.length > 0) {
          return unprocessable(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
        }
        const run = gh.startRun({ workflow: workflow_id, ref, sha, inputs });
        if (!return_run_details) return json(204);
        return json(200, {
          workflow_run_id: run.id,
          run_url: `https://api.github.com/repos/${gh.fullName}/actions/runs/${run.id}`,
          html_url: `${gh.htmlUrl}/actions/runs/${run.id}`,
        });
      },
    )
    .on('GET', `${repoPath}/actions/runs/{run_id}`, ({ run_id }) => {
      const run = runOf(run_id);
      return run ? json(200, runBody(gh, run)) : notFound();
    })
    .on(
      'GET',
      `${repoPath}/actions/runs/{run_id}/attempts/{attempt_number}/jobs`,
      ({ run_id, attempt_number }) => {
        const run = runOf(run_id);
        if (!run || Number(attempt_number) > run.runAttempt) return notFound();
        const jobs = Number(attempt_number) === run.runAttempt ? (run.jobs ?? []) : [];
        return json(200, {
          total_count: jobs.length,
          jobs: jobs.map((job) => ({
            id: job.id,
            run_id: run.id,
            run_attempt: run.runAttempt,
            name: job.name,
            status: job.status,
            // A job whose `if:` was false is listed too, `completed` and `skipped`.
            conclusion: job.conclusion ?? null,
          })),
        });
      },
    )
    .on('POST', `${repoPath}/actions/runs/{run_id}/cancel`, ({ run_id }) => {
      const run = runOf(run_id);
      if (!run) return notFound();
      if (run.status === 'completed')
        return json(409, { message: 'Cannot cancel a workflow run that is completed.' });
      gh.finishRun(run.id, 'cancelled');
      return json(202, {});
    })
    .on('POST', `${repoPath}/actions/runs/{run_id}/rerun-failed-jobs`, ({ run_id }) => {
      const run = runOf(run_id);
      if (!run) return notFound();
      run.runAttempt += 1;
      run.status = 'queued';
      run.conclusion = null;
      run.updatedAt = gh.now();
      // The new attempt's jobs replace the failed ones at once, queued.
      for (const check of gh.checkRuns) {
        if (
          check.detailsUrl.includes(`/actions/runs/${run.id}/`) &&
          check.conclusion !== 'success'
        ) {
          Object.assign(check, {
            status: 'queued',
            conclusion: null,
            detailsUrl: `${gh.htmlUrl}/actions/runs/${run.id}/job/${gh.nextId()}`,
          });
        }
      }
      // The new attempt is queued as a run is: whoever plays runs (a runner, a test's CI) is told.
      for (const listener of gh.runListeners) listener(run);
      return json(201, {});
    });
}

/** GitHub's limit on a `workflow_dispatch` trigger's inputs (10 until December 2025). */
export const MAX_DISPATCH_INPUTS = 25;

/**
 * The inputs the workflow at that commit declares under
 * `on.workflow_dispatch.inputs` (null when it declares none): GitHub refuses a
 * dispatch naming any other (422, "Unexpected inputs provided"). A workflow the
 * simulated repository does not hold as a file (a test that only registers its
 * name) is undefined here and takes whatever is sent.
 */
function declaredInputs(gh: GitHubState, workflow: string, sha: string): object | null | undefined {
  const text = gh.git.filesOf(sha).get(`.github/workflows/${workflow}`);
  if (text === undefined) return undefined;
  return (
    (parse(text) as { on?: { workflow_dispatch?: { inputs?: object } } } | null)?.on
      ?.workflow_dispatch?.inputs ?? null
  );
}
