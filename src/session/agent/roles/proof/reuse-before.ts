/**
 * The contract's commit run once per contract (docs/verification.md, "What
 * the proof costs"): it never changes, so a validation takes each check's
 * outcome there from the record of the validation run that ran it, rather than
 * run it again. The records are fetched with one `git fetch` of the build's
 * validation refs (no request of GitHub's API). A record is taken only where
 * it ran the same contract (the same first commit, the same newest publish,
 * the same checks in order), ran it itself (it reused none), had a report
 * there, and every such record agrees; the record written then names the run
 * it reused (`before_from`), and the app believes it only where that run's
 * record is bound to its run too (src/core/verification/seal-binding.ts).
 */
import { parseValidationMessage, validationRefPrefix } from '../../../../core/plan/validation.js';
import type { Seen } from '../../../../core/verification/check-proof.js';
import { gitAuthEnv } from '../../../publish/scratch-repo.js';
import type { AgentContext } from '../../agent-context.js';
import { gitRaw } from '../../git/git.js';

/** The outcomes reused: each check's, in the contract's order, and the run whose record holds them. */
export interface ReusedBefore {
  runId: number;
  before: Seen[];
}

/** Where the fetched records lie while they are read. */
const FETCHED = 'refs/baton-proof/records/';

export async function reusedBefore(
  ctx: AgentContext,
  {
    build,
    contractCommit,
    sealedAt,
    checks,
  }: {
    build: string;
    contractCommit: string;
    sealedAt: string;
    checks: readonly { criterion: string }[];
  },
): Promise<ReusedBefore | null> {
  const options = { root: ctx.root, env: ctx.toolEnv };
  const records = await fetchRecords(ctx, build);
  try {
    const candidates: ReusedBefore[] = [];
    for (const { commit } of records) {
      const message = await gitRaw(options, ['log', '-1', '--format=%B', commit]).catch(() => '');
      const record = parseValidationMessage(message.trimEnd());
      const ran = record?.checks;
      if (
        !record ||
        !ran ||
        record.before_from !== undefined ||
        record.contract_commit !== contractCommit ||
        record.contract_commits?.[0] !== sealedAt ||
        ran.length !== checks.length ||
        ran.some((one, index) => one.criterion !== checks[index]?.criterion || one.before === null)
      )
        continue;
      candidates.push({ runId: record.run_id, before: ran.map((one) => one.before ?? 'missing') });
    }
    const [first] = candidates.sort((a, b) => a.runId - b.runId);
    if (!first) return null;
    const outcomes = JSON.stringify(first.before);
    if (candidates.some((one) => JSON.stringify(one.before) !== outcomes)) {
      ctx.log("the records of the contract's run disagree: it runs again");
      return null;
    }
    ctx.log(
      `the contract's commit ${contractCommit.slice(0, 7)} ran in run ${first.runId}: its outcomes there are reused`,
    );
    return first;
  } finally {
    const deletions = records.map(({ ref }) => `delete ${ref}\n`).join('');
    if (deletions) await gitRaw(options, ['update-ref', '--stdin'], deletions).catch(() => '');
  }
}

/**
 * The build's validation records fetched from `origin` under FETCHED; none
 * where there is no remote or the fetch fails (the contract's commit then
 * runs). The read token is passed to this one command in its environment,
 * never written to the checkout's config.
 */
async function fetchRecords(
  ctx: AgentContext,
  build: string,
): Promise<{ commit: string; ref: string }[]> {
  const options = { root: ctx.root, env: ctx.toolEnv };
  const auth = ctx.env.GITHUB_TOKEN ? gitAuthEnv(ctx.env.GITHUB_TOKEN) : {};
  const into = `${FETCHED}${build}/`;
  try {
    await gitRaw({ ...options, extraEnv: auth }, [
      'fetch',
      '--no-tags',
      '--quiet',
      '--no-write-fetch-head',
      'origin',
      `+${validationRefPrefix(build)}*:${into}*`,
    ]);
  } catch (error) {
    const why = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    ctx.log(`the validation records could not be fetched (${why}): the contract's commit runs`);
    return [];
  }
  const listed = await gitRaw(options, [
    'for-each-ref',
    '--format=%(objectname) %(refname)',
    into,
  ]).catch(() => '');
  return listed
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [commit = '', ref = ''] = line.split(' ');
      return { commit, ref };
    });
}
