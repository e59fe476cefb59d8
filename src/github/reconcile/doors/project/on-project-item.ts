/**
 * The project door (docs/intake.md): a person sets the single-select field
 * an installed repository's `.github/baton.yml` names (`events.project`, on
 * its default branch) to the value it names, on an organisation project's item
 * that is an issue of that repository, and asks for a build on the issue
 * through `askForBuild`, as the webhook's `sender`. GitHub sends
 * `projects_v2_item` for organisation projects only, with no repository and no
 * new value: the item's issue and the field's value are read from GitHub
 * (`readProjectItem`, `readFieldValue`), never taken from the payload. Hosted
 * only: no workflow hears an organisation's project.
 */
import type { Context } from 'probot';
import { z } from 'zod';
import { projectRefusal } from '../../../../core/commands/render-replies.js';
import { loadConfig } from '../../../../read-config.js';
import { conditionalReads } from '../../../client/conditional-reads.js';
import type { RepoContext } from '../../../client/types.js';
import {
  type BuildLog,
  type ContextDeps,
  repoContext,
  type ScheduleDeps,
} from '../../queue/handler-deps.js';
import { type AskAnswer, askForBuild, startFromDelivery } from '../ask-for-build.js';
import { readFieldValue, readProjectItem } from './read-project-item.js';

/** What an item's edit came to: not this door's ask (and why), or asked. */
export type ProjectAnswer =
  | { result: 'ignored'; why: string }
  | { result: 'asked'; answer: AskAnswer };

/** A GraphQL node id as GitHub gives them (`PVTI_…`, `PVTSSF_…`). */
const NodeId = z.string().regex(/^[\w-]{1,100}$/);

/** The few fields of `projects_v2_item.edited` the door reads, each by an allowlist. */
const Edited = z.object({
  projects_v2_item: z.object({ node_id: NodeId, content_type: z.string() }),
  changes: z.object({
    field_value: z.object({ field_node_id: NodeId, field_type: z.string().optional() }),
  }),
  organization: z.object({ login: z.string().regex(/^[\w-]{1,100}$/) }),
  sender: z.object({ login: z.string().regex(/^[\w.[\]-]{1,100}$/), type: z.string().optional() }),
  installation: z.object({ id: z.number().int().positive() }),
});

/** `projects_v2_item.edited`: the named field set to the named value asks for a build on the item's issue. */
export async function onProjectItemEdited(
  context: Pick<Context<'projects_v2_item.edited'>, 'id' | 'octokit' | 'payload'> & {
    log: BuildLog;
  },
  deps: ContextDeps & ScheduleDeps,
): Promise<ProjectAnswer> {
  const ignored = (why: string): ProjectAnswer => ({ result: 'ignored', why });
  const parsed = Edited.safeParse(context.payload);
  if (!parsed.success)
    return ignored('no field value changed, or a payload the door does not read');
  const { projects_v2_item: item, changes, organization, sender, installation } = parsed.data;
  // A draft or a pull request has no issue to build on; only a single-select field is the door's.
  if (item.content_type !== 'Issue') return ignored(`an item of type ${item.content_type}`);
  const field = changes.field_value;
  if (field.field_type !== undefined && field.field_type !== 'single_select')
    return ignored('not a single-select field');
  if (sender.type === 'Bot') return ignored('moved by an app, not a person');
  const org: RepoContext = await repoContext(
    {
      id: context.id,
      octokit: context.octokit,
      payload: { installation },
      repo: () => ({ owner: organization.login, repo: '' }),
    },
    deps,
  );
  const issue = await readProjectItem(org, item.node_id);
  if (issue.kind !== 'issue') return ignored(issue.why);
  // Node ids are global: an issue of another account's repository is never this installation's to build.
  if (issue.owner.toLowerCase() !== organization.login.toLowerCase())
    return ignored("an issue of another account's repository");
  const ctx: RepoContext = { ...org, owner: issue.owner, repo: issue.repo };
  if (!(await isInstalledOn(ctx, installation.id)))
    return ignored('an issue of a repository the app is not installed on');
  const config = await loadConfig(ctx.octokit, { owner: ctx.owner, repo: ctx.repo });
  const door = config.ok ? config.config.events.project : undefined;
  if (!door) return ignored('the repository does not name the door');
  const now = await readFieldValue(ctx, { itemId: item.node_id, field: door.field });
  // Another field's edit, or the named one set to another value, asks nothing.
  if (now?.fieldId !== field.field_node_id || now.value !== door.value)
    return ignored(`${door.field} is not ${door.value}`);
  const delivery = {
    id: context.id,
    log: context.log,
    payload: { repository: { default_branch: issue.defaultBranch } },
  };
  const answer = await askForBuild(
    ctx,
    {
      asker: sender.login,
      issue: { number: issue.number, title: issue.title },
      what: { kind: 'build', type: 'code' },
      how: { way: 'project', key: item.node_id },
      at: deps.now(),
      ...(issue.project.startsWith('https://') ? { link: issue.project } : {}),
      refusal: projectRefusal(sender.login, door),
      ...(deps.onAudit ? { heard: { issueUrl: issue.url, onAudit: deps.onAudit } } : {}),
    },
    startFromDelivery(ctx, delivery, deps, config),
  );
  return { result: 'asked', answer };
}

/**
 * Whether the installation lists the repository: a public repository any token
 * reads, so reading it proves nothing. Asked conditionally (an unchanged list
 * answers 304, which GitHub does not count).
 */
async function isInstalledOn(ctx: RepoContext, installationId: number): Promise<boolean> {
  const names = await conditionalReads.paginate(ctx.octokit, {
    route: 'GET /installation/repositories',
    params: { per_page: 100 },
    scope: `installation ${installationId}`,
    pick: (data) =>
      ((data as { repositories?: { full_name: string }[] } | null)?.repositories ?? []).map(
        (repository) => repository.full_name.toLowerCase(),
      ),
  });
  return names.includes(`${ctx.owner}/${ctx.repo}`.toLowerCase());
}
