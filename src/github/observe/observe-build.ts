import { contractPath } from '../../core/plan/contract.js';
import { validationRefPrefix } from '../../core/plan/validation.js';
import { adaptationRefPrefix, adaptationsOf } from '../../core/records/adaptation.js';
import { usageRefPrefix } from '../../core/records/usage.js';
import { messageRefPrefix } from '../../core/sessions/messages.js';
import { type AskRecord, buildBaseBranch, parseAskRecord } from '../../core/snapshot/ask-record.js';
import type { BuildSnapshot, MemoryPull } from '../../core/snapshot/snapshot.js';
import { usageOf } from '../../core/snapshot/usage-ties.js';
import { validationsOf } from '../../core/snapshot/validation-ties.js';
import {
  buildDir,
  integrationBranch,
  memoryBranch,
  parseBatonBranch,
  subIssueGraphPath,
} from '../../core/vocabulary/ids.js';
import type { RepoContext } from '../client/types.js';
import type { BuildQueryResult } from './build-query.js';
import { hiddenRefReadingFrom, readHiddenRecords } from './hidden-records.js';
import {
  type BuildGraphVariables,
  type ReadAlongside,
  readBuildGraph,
} from './read-build-graph.js';
import { collectComments, commentLists } from './read-comments.js';
import {
  latestClose,
  readFinalPull,
  readLabelEvents,
  readStateChanges,
} from './read-issue-state.js';
import { readPulls } from './read-pulls.js';
import { readRecord } from './read-record.js';
import { readRuns } from './read-runs.js';

export interface ObservedBuild {
  snapshot: BuildSnapshot;
  /** When the build's issue was opened: its runs are listed from that day (`readRuns`). */
  runsSince: string;
  /** Status comments of this build beyond the oldest, left by a race between replicas. */
  duplicateStatusIds: number[];
  /** What was read alongside the build in its call (`ReadAlongside`), in the order asked. */
  alongside?: unknown[];
}

/**
 * One build's truth, read from GitHub (docs/design-notes.md, "Cost of a reconcile"): one GraphQL
 * query for the issue, branches, PRs, record and how far the build branch is
 * behind the default branch (and one more per further page of PRs or refs),
 * and one REST listing for the workflow runs.
 * Nothing here writes.
 */
export async function observeBuild(
  ctx: RepoContext,
  {
    build,
    issue,
    defaultBranch,
    freshFrom,
    alongside,
    ask: asked,
  }: {
    build: string;
    issue: number;
    defaultBranch: string;
    /** The ask that starts the build, where its status comment is still to record it: it names the base. */
    ask?: AskRecord;
    /** When the reconcile began (ms): a listing of the repository's runs begun since shows it all. */
    freshFrom?: number;
    /** Other repositories to read in the build's own call (a change set's members). */
    alongside?: ReadAlongside;
  },
): Promise<ObservedBuild> {
  const read = await readBuildGraph(
    ctx,
    buildGraphVariables(ctx, { build, issue, defaultBranch }),
    alongside,
  );
  const { repository } = read;
  const issueNode = repository.issue;
  if (!issueNode) throw new Error(`issue #${issue} of ${ctx.owner}/${ctx.repo} is gone`);
  const branches = branchesOf(build, repository);
  const defaultSha = repository.defaultRef?.target.oid ?? '';
  const comments = await collectComments(ctx, {
    build,
    lists: await commentLists(ctx, { issue, repository }),
  });
  const ask = askOf(comments.statusComment).ask ?? asked;
  const base = await readBase(ctx, { build, issue, defaultBranch, ask, repository });
  const against = base?.repository ?? repository;
  const containsDefault = (against.integrationRef?.compare?.aheadBy ?? 0) === 0;
  const upToDateRule = (repository.integrationRef?.rules?.nodes ?? []).some(
    (rule) => rule.parameters?.strictRequiredStatusChecksPolicy === true,
  );
  const [runsRead, pulls] = await Promise.all([
    readRuns(ctx, {
      build,
      since: issueNode.createdAt,
      ...(freshFrom === undefined ? {} : { freshFrom }),
    }),
    readPulls(ctx, { build, pulls: repository.pullRequests.nodes }),
  ]);
  const hidden = await readHiddenRecords(ctx, {
    build,
    usage: repository.usageRefs?.nodes ?? [],
    adapt: repository.adaptRefs?.nodes ?? [],
    messages: repository.messageRefs?.nodes ?? [],
    validation: repository.validationRefs?.nodes ?? [],
    reading: hiddenRefReadingFrom(process.env),
  });
  const record = branches.integration
    ? readRecord({ build, repository })
    : {
        plan: { kind: 'missing' as const },
        completions: {},
        research: {},
        contract: { kind: 'missing' as const },
      };
  const finalPull = await readFinalPull(ctx, {
    build,
    defaultBranch: base?.base.branch ?? defaultBranch,
    repository: against,
  });
  const states = await readStateChanges(ctx, {
    issue,
    events: issueNode.stateEvents,
    finalPull: finalPull?.number ?? null,
  });
  const open = (issueNode.state ?? issueNode.pullState) === 'OPEN';
  const snapshot: BuildSnapshot = {
    build,
    issue: {
      number: issue,
      title: issueNode.title,
      state: open ? 'open' : 'closed',
      labels: issueNode.labels.nodes.map((label) => label.name),
      url: issueNode.url,
      ...(open ? {} : { closed: latestClose(states.changes) }),
      ...(states.changes.length > 0 ? { stateChanges: states.changes } : {}),
      ...(states.cut ? { stateChangesCut: true } : {}),
    },
    repo: { owner: ctx.owner, name: ctx.repo, defaultBranch, defaultSha },
    workflowInstalled: runsRead.installed,
    integration: branches.integration
      ? { sha: branches.integration, containsDefault, ...(upToDateRule ? { upToDateRule } : {}) }
      : null,
    ...(base ? { base: base.base } : {}),
    plan: record.plan,
    ...(record.contract.kind === 'missing' ? {} : { contract: record.contract }),
    completions: record.completions,
    research: record.research,
    branches: branches.workers,
    pulls,
    runs: runsRead.installed ? runsRead.runs : [],
    commands: comments.commands,
    finalPull,
    ...memoryPullOf(repository),
    statusComment: comments.statusComment,
    ...askOf(comments.statusComment),
    ...(comments.ledgerParts ? { ledgerParts: comments.ledgerParts } : {}),
    notices: comments.notices,
    ...(comments.notes.length > 0 ? { notes: comments.notes } : {}),
    ...(comments.posted.length > 0 ? { posted: comments.posted } : {}),
    labelledBy: await readLabelEvents(ctx, issueNode),
    ...usageOf(build, hidden.usage, runsRead.installed ? runsRead.runs : []),
    adaptations: adaptationsOf(hidden.adapt),
    ...(hidden.messages.length > 0 ? { messageRefs: hidden.messages } : {}),
    ...validationsOf(build, hidden.validation, runsRead.installed ? runsRead.runs : []),
  };
  return {
    snapshot,
    runsSince: issueNode.createdAt,
    duplicateStatusIds: comments.duplicateStatusIds,
    ...(read.alongside ? { alongside: read.alongside } : {}),
  };
}

type Repository = BuildQueryResult['repository'];

/**
 * The build's base where it is not the default branch (`buildBaseBranch` of its ask): the
 * build query read again against that branch, for its head, how far the build branch is
 * behind it and the final pull request into it. One more query, for such builds only.
 */
async function readBase(
  ctx: RepoContext,
  {
    build,
    issue,
    defaultBranch,
    ask,
    repository,
  }: {
    build: string;
    issue: number;
    defaultBranch: string;
    ask: AskRecord | undefined;
    repository: Repository;
  },
): Promise<{ base: NonNullable<BuildSnapshot['base']>; repository: Repository } | null> {
  if (ask?.how.way !== 'pull-label') return null;
  const branch = buildBaseBranch(ask, defaultBranch);
  const against =
    branch === defaultBranch
      ? repository
      : (
          await readBuildGraph(
            ctx,
            buildGraphVariables(ctx, { build, issue, defaultBranch: branch }),
          )
        ).repository;
  const sha = against.defaultRef?.target.oid ?? null;
  return { base: { branch, sha, pull: ask.how.pull }, repository: against };
}

/** The build branch's head and each worker branch's, from the refs under `baton/<build>/`. */
/** What the build query asks of one build of `ctx`'s repository: its issue, branches, record files and hidden refs. */
export function buildGraphVariables(
  { owner, repo }: Pick<RepoContext, 'owner' | 'repo'>,
  { build, issue, defaultBranch }: { build: string; issue: number; defaultBranch: string },
): BuildGraphVariables {
  const integration = integrationBranch(build);
  return {
    owner,
    repo,
    issue,
    integration,
    defaultBranch,
    refPrefix: `refs/heads/baton/${build}/`,
    planPath: `${integration}:${buildDir(build)}/plan.json`,
    workersPath: `${integration}:${buildDir(build)}/workers`,
    completionsPath: `${integration}:${buildDir(build)}/completions`,
    subIssuesPath: `${integration}:${subIssueGraphPath(build)}`,
    loopsPath: `${integration}:${buildDir(build)}/loops`,
    usagePrefix: usageRefPrefix(build),
    adaptPrefix: adaptationRefPrefix(build),
    messagePrefix: messageRefPrefix(build),
    validationPrefix: validationRefPrefix(build),
    contractPath: `${integration}:${contractPath(build)}`,
    memoryBranch: memoryBranch(build),
  };
}

export function branchesOf(build: string, repository: Pick<Repository, 'refs'>) {
  let integration: string | null = null;
  const workers: Record<string, string> = {};
  for (const ref of repository.refs.nodes) {
    const branch = parseBatonBranch(`baton/${build}/${ref.name}`);
    if (branch?.kind === 'integration') integration = ref.target.oid;
    else if (branch?.kind === 'worker') workers[branch.worker] = ref.target.oid;
  }
  return { integration, workers };
}

/**
 * The build's learn pull request: the newest from its memory branch whose head is in this
 * repository (a fork's branch of the same name is never the build's).
 */
function memoryPullOf(repository: Repository): { memoryPull?: MemoryPull } {
  const pull = repository.memoryPulls?.nodes.find((node) => node.isCrossRepository === false);
  if (!pull) return {};
  const state = pull.merged ? 'merged' : pull.state === 'OPEN' ? 'open' : 'closed';
  return {
    memoryPull: { number: pull.number, state, url: pull.url, lessons: pull.changedFiles },
  };
}

/** The ask the status comment records (Baton's own comment: `readComments` keeps no other). */
function askOf(status: BuildSnapshot['statusComment']): { ask?: AskRecord } {
  const ask = status ? parseAskRecord(status.body) : null;
  return ask ? { ask } : {};
}
