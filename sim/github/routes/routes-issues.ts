import type { GitHubState } from '../github-state.js';
import type { SimComment, SimIssue } from '../records.js';
import { json, notFound, type Router } from '../router.js';
import { isReadOnlyToken } from '../tokens.js';

/** Issues, their comments, reactions and labels, and collaborator permissions. */
export function registerIssueRoutes(router: Router, gh: GitHubState): void {
  const repoPath = '/repos/{owner}/{repo}';
  const issueOf = (number: string | undefined) => gh.issues.get(Number(number));
  router
    .on('POST', `${repoPath}/labels`, (_, request) => {
      const {
        name,
        color = 'ededed',
        description = '',
      } = request.body as {
        name: string;
        color?: string;
        description?: string;
      };
      if (gh.labels.has(name.toLowerCase())) {
        return json(422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
        });
      }
      const label = { name, color, description };
      gh.labels.set(name.toLowerCase(), label);
      return json(201, { id: gh.nextId(), ...label, default: false });
    })
    .on('GET', `${repoPath}/collaborators/{username}/permission`, ({ username = '' }, request) => {
      // `baton doctor` probes whether the agent job's read-only token may ask (docs/doctor.md).
      const token = (request.headers.authorization ?? '').split(/\s+/)[1] ?? null;
      if (isReadOnlyToken(token) && !gh.readOnlyTokenReadsPermissions) {
        return json(403, { message: 'Resource not accessible by integration' });
      }
      const permission = gh.permissions.get(username) ?? 'none';
      if (permission === 'none') return notFound();
      return json(200, { permission, role_name: permission, user: { login: username } });
    })
    .on('GET', `${repoPath}/issues`, (_, request) => {
      // https://docs.github.com/en/rest/issues/issues#list-repository-issues
      const listed = listIssues(gh, request.query);
      return page(
        listed.map((issue) => issueBody(gh, issue)),
        request.query,
        request.path,
      );
    })
    .on('GET', `${repoPath}/issues/{issue_number}/timeline`, ({ issue_number }, request) => {
      const issue = issueOf(issue_number);
      if (!issue) return notFound();
      return page(timelineOf(gh, issue), request.query, request.path);
    })
    .on('GET', `${repoPath}/issues/{issue_number}`, ({ issue_number }) => {
      const issue = issueOf(issue_number);
      return issue ? json(200, issueBody(gh, issue)) : notFound();
    })
    .on('GET', `${repoPath}/issues/{issue_number}/comments`, ({ issue_number }, request) => {
      const all = gh.comments.filter((c) => c.issue === Number(issue_number));
      return page(
        all.map((c) => commentBody(gh, c)),
        request.query,
        request.path,
      );
    })
    .on('POST', `${repoPath}/issues/{issue_number}/comments`, ({ issue_number }, request) => {
      if (!issueOf(issue_number)) return notFound();
      const { body } = request.body as { body: string };
      return json(
        201,
        commentBody(gh, gh.addComment({ issue: Number(issue_number), body, user: gh.botLogin })),
      );
    })
    .on('GET', `${repoPath}/issues/comments/{comment_id}`, ({ comment_id }) => {
      const comment = gh.comments.find((c) => c.id === Number(comment_id));
      return comment ? json(200, commentBody(gh, comment)) : notFound();
    })
    .on('PATCH', `${repoPath}/issues/comments/{comment_id}`, ({ comment_id }, request) => {
      const comment = gh.comments.find((c) => c.id === Number(comment_id));
      if (!comment) return notFound();
      comment.body = (request.body as { body: string }).body;
      comment.updatedAt = gh.now();
      return json(200, commentBody(gh, comment));
    })
    .on('DELETE', `${repoPath}/issues/comments/{comment_id}`, ({ comment_id }) => {
      const index = gh.comments.findIndex((c) => c.id === Number(comment_id));
      if (index < 0) return notFound();
      gh.comments.splice(index, 1);
      return json(204);
    })
    .on('GET', `${repoPath}/issues/comments/{comment_id}/reactions`, ({ comment_id }, request) => {
      const comment = gh.comments.find((c) => c.id === Number(comment_id));
      if (!comment) return notFound();
      const content = request.query.get('content');
      const reactions = comment.reactions.filter((r) => !content || r.content === content);
      return page(
        reactions.map((r, i) => ({ id: i + 1, content: r.content, user: { login: r.login } })),
        request.query,
        request.path,
      );
    })
    .on('POST', `${repoPath}/issues/comments/{comment_id}/reactions`, ({ comment_id }, request) => {
      const comment = gh.comments.find((c) => c.id === Number(comment_id));
      if (!comment) return notFound();
      const { content } = request.body as { content: string };
      const reaction = { id: gh.nextId(), content, user: { login: gh.botLogin } };
      // GitHub answers 200 when this user already reacted so: the lock for taking a command.
      if (comment.reactions.some((r) => r.login === gh.botLogin && r.content === content))
        return json(200, reaction);
      comment.reactions.push({ login: gh.botLogin, content });
      return json(201, reaction);
    })
    .on('POST', `${repoPath}/issues/{issue_number}/labels`, ({ issue_number }, request) => {
      const issue = issueOf(issue_number);
      if (!issue) return notFound();
      for (const label of (request.body as { labels: string[] }).labels) {
        if (!issue.labels.includes(label)) issue.labels.push(label);
      }
      return json(
        200,
        issue.labels.map((name) => ({ name })),
      );
    })
    .on('DELETE', `${repoPath}/issues/{issue_number}/labels/{name}`, ({ issue_number, name }) => {
      const issue = issueOf(issue_number);
      if (!issue?.labels.includes(name ?? '')) return notFound();
      issue.labels = issue.labels.filter((label) => label !== name);
      const removed = { label: name ?? '', actor: gh.botLogin, at: gh.now() };
      issue.unlabelEvents = [...(issue.unlabelEvents ?? []), removed];
      return json(
        200,
        issue.labels.map((label) => ({ name: label })),
      );
    });
}

export function issueBody(gh: GitHubState, issue: SimIssue) {
  return {
    id: issue.number,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.stateReason ?? null,
    labels: issue.labels.map((name) => ({ name })),
    user: issue.user,
    created_at: issue.createdAt,
    updated_at: updatedAtOf(gh, issue),
    comments: gh.comments.filter((comment) => comment.issue === issue.number).length,
    repository_url: `https://api.github.com/repos/${gh.fullName}`,
    html_url: `${gh.htmlUrl}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`,
    ...(issue.pull ? { pull_request: { url: '' } } : {}),
  };
}

export function commentBody(gh: GitHubState, comment: SimComment) {
  return {
    id: comment.id,
    body: comment.body,
    user: comment.user,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: `${gh.htmlUrl}/issues/${comment.issue}#issuecomment-${comment.id}`,
    issue_url: `https://api.github.com/repos/${gh.fullName}/issues/${comment.issue}`,
    reactions: reactionRollup(gh, comment),
  };
}

/** GitHub's `reaction-rollup`: each reaction's count, as every comment carries it. */
function reactionRollup(gh: GitHubState, comment: SimComment) {
  const count = (content: string) => comment.reactions.filter((r) => r.content === content).length;
  return {
    url: `https://api.github.com/repos/${gh.fullName}/issues/comments/${comment.id}/reactions`,
    total_count: comment.reactions.length,
    '+1': count('+1'),
    '-1': count('-1'),
    laugh: count('laugh'),
    confused: count('confused'),
    heart: count('heart'),
    hooray: count('hooray'),
    eyes: count('eyes'),
    rocket: count('rocket'),
  };
}

/**
 * GitHub's pagination: `per_page` (30 unless asked, at most 100) and `page`,
 * with a `link` header in GitHub's format (`<url>; rel="next"`, `rel="last"`,
 * and `rel="prev"`, `rel="first"` past the first page), so a caller that does
 * not follow it sees only the first page.
 */
export function page<T>(items: T[], query: URLSearchParams, path = '/next') {
  const perPage = Math.min(Math.max(Number(query.get('per_page') ?? 30) || 30, 1), 100);
  const current = Math.max(Number(query.get('page') ?? 1) || 1, 1);
  const slice = items.slice((current - 1) * perPage, current * perPage);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const at = (n: number) => {
    const next = new URLSearchParams(query);
    next.set('page', String(n));
    return `<https://api.github.com${path}?${next}>`;
  };
  const links = [
    ...(current < last ? [`${at(current + 1)}; rel="next"`, `${at(last)}; rel="last"`] : []),
    ...(current > 1 ? [`${at(current - 1)}; rel="prev"`, `${at(1)}; rel="first"`] : []),
  ];
  return {
    status: 200,
    body: slice,
    ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}),
  };
}

/**
 * "List repository issues": `state` (`open` unless asked; `closed`, `all`),
 * `labels` (a comma-separated list: an issue is listed only when it carries
 * every one), `sort` (`created` unless asked; `updated`, `comments`) and
 * `direction` (`desc` unless asked), `since` (updated at or after). Pull
 * requests are issues too and are listed with a `pull_request` key.
 * https://docs.github.com/en/rest/issues/issues#list-repository-issues
 */
function listIssues(gh: GitHubState, query: URLSearchParams): SimIssue[] {
  const state = query.get('state') ?? 'open';
  const labels = (query.get('labels') ?? '')
    .split(',')
    .map((label) => label.trim().toLowerCase())
    .filter((label) => label !== '');
  const since = query.get('since');
  const sort = query.get('sort') ?? 'created';
  const sign = query.get('direction') === 'asc' ? 1 : -1;
  const key = (issue: SimIssue): string | number =>
    sort === 'updated'
      ? updatedAtOf(gh, issue)
      : sort === 'comments'
        ? gh.comments.filter((comment) => comment.issue === issue.number).length
        : issue.createdAt;
  return [...gh.issues.values()]
    .filter((issue) => state === 'all' || issue.state === state)
    .filter((issue) =>
      labels.every((label) => issue.labels.some((name) => name.toLowerCase() === label)),
    )
    .filter((issue) => !since || updatedAtOf(gh, issue) >= since)
    .sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      return (ka < kb ? -1 : ka > kb ? 1 : a.number - b.number) * sign;
    });
}

/**
 * When an issue last changed as GitHub's `updated_at` counts it: its comments, labels added or
 * removed, closes and reopens, edits and renames.
 */
function updatedAtOf(gh: GitHubState, issue: SimIssue): string {
  const times = [
    issue.createdAt,
    ...gh.comments.filter((c) => c.issue === issue.number).map((c) => c.updatedAt),
    ...(issue.labelEvents ?? []).map((event) => event.at ?? issue.createdAt),
    ...(issue.unlabelEvents ?? []).map((event) => event.at),
    ...(issue.closedEvents ?? []).map((event) => event.at),
    ...(issue.reopenedEvents ?? []).map((event) => event.at),
    ...(issue.renames ?? []).map((rename) => rename.at),
    ...(issue.lastEdit ? [issue.lastEdit.at] : []),
  ];
  return times.reduce((latest, at) => (at > latest ? at : latest));
}

/**
 * "List timeline events for an issue", oldest first: its comments (`commented`, with
 * the body and author), labels added and removed (`labeled`, `unlabeled`, with the
 * label and who did it), closes and reopens.
 * https://docs.github.com/en/rest/issues/timeline#list-timeline-events-for-an-issue
 * https://docs.github.com/en/rest/using-the-rest-api/issue-event-types
 */
function timelineOf(gh: GitHubState, issue: SimIssue) {
  const actor = (login: string) => ({ login, type: login.endsWith('[bot]') ? 'Bot' : 'User' });
  const labelEvent =
    (event: 'labeled' | 'unlabeled') => (one: { label: string; actor: string; at?: string }) => ({
      event,
      actor: actor(one.actor),
      created_at: one.at ?? issue.createdAt,
      label: { name: one.label, color: gh.labels.get(one.label.toLowerCase())?.color ?? 'ededed' },
    });
  const events = [
    ...gh.comments
      .filter((comment) => comment.issue === issue.number)
      .map((comment) => ({
        ...commentBody(gh, comment),
        event: 'commented',
        actor: comment.user,
      })),
    ...(issue.labelEvents ?? []).map(labelEvent('labeled')),
    ...(issue.unlabelEvents ?? []).map(labelEvent('unlabeled')),
    ...(issue.closedEvents ?? []).map((one) => ({
      event: 'closed',
      actor: actor(one.actor),
      created_at: one.at,
    })),
    ...(issue.reopenedEvents ?? []).map((one) => ({
      event: 'reopened',
      actor: actor(one.actor),
      created_at: one.at,
    })),
  ];
  return events
    .map((event, order) => ({ event, order }))
    .sort((a, b) => a.event.created_at.localeCompare(b.event.created_at) || a.order - b.order)
    .map(({ event }) => event);
}
