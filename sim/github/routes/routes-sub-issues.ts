import type { GitHubState } from '../github-state.js';
import type { SimIssue } from '../records.js';
import { json, notFound, type Router } from '../router.js';
import { issueBody, page } from './routes-issues.js';

/**
 * Sub-issues and "blocked by" links, and opening, closing or retitling an issue, as
 * GitHub's REST routes do them. An issue's `id` is its number here, so the
 * ids these routes take (`sub_issue_id`, `issue_id`) are issue numbers.
 * GitHub's documented limits are refused as it refuses them (422): 100
 * sub-issues a parent, open or closed; 50 issues an issue is blocked by.
 */
const SUB_ISSUES_PER_PARENT = 100;
const BLOCKED_BY_PER_ISSUE = 50;

function refused(message: string) {
  return json(422, {
    message: 'Validation Failed',
    errors: [{ resource: 'Issue', code: 'custom', message }],
  });
}

export function registerSubIssueRoutes(router: Router, gh: GitHubState): void {
  const issuePath = '/repos/{owner}/{repo}/issues/{issue_number}';
  const issueOf = (number: string | undefined) => {
    const issue = gh.issues.get(Number(number));
    return issue && !issue.pull ? issue : undefined;
  };
  router
    .on('POST', '/repos/{owner}/{repo}/issues', (_, request) => {
      const { title, body = '' } = (request.body ?? {}) as { title?: string; body?: string };
      if (!title) return json(422, { message: 'Validation Failed' });
      const number = gh.openIssue({ title, body, user: gh.botLogin });
      const issue = gh.issues.get(number);
      return issue ? json(201, issueBody(gh, issue)) : notFound();
    })
    .on('PATCH', issuePath, ({ issue_number }, request) => {
      const issue = issueOf(issue_number);
      if (!issue) return notFound();
      const { state, state_reason, title } = (request.body ?? {}) as {
        state?: 'open' | 'closed';
        state_reason?: string | null;
        title?: string;
      };
      if (title !== undefined) issue.title = title;
      if (state !== undefined && state !== issue.state) {
        const reason = state_reason ?? 'completed';
        gh.setIssueState(issue.number, state, { by: gh.botLogin, reason });
      }
      return json(200, issueBody(gh, issue));
    })
    .on('GET', `${issuePath}/sub_issues`, ({ issue_number }, request) => {
      const issue = issueOf(issue_number);
      if (!issue) return notFound();
      const foreign = gh.foreignSubIssues.get(issue.number) ?? [];
      return page([...listed(gh, issue.subIssues ?? []), ...foreign], request.query, request.path);
    })
    .on('POST', `${issuePath}/sub_issues`, ({ issue_number }, request) => {
      const parent = issueOf(issue_number);
      const { sub_issue_id } = (request.body ?? {}) as { sub_issue_id?: number };
      const child = issueOf(String(sub_issue_id));
      if (!parent || !child) return notFound();
      if (child.parent !== undefined || child.number === parent.number)
        return refused('Issue may only have one parent');
      if ((parent.subIssues ?? []).length >= SUB_ISSUES_PER_PARENT)
        return refused(`Parent issue may have at most ${SUB_ISSUES_PER_PARENT} sub-issues`);
      gh.addSubIssue(parent.number, child.number);
      return json(201, issueBody(gh, parent));
    })
    .on('GET', `${issuePath}/parent`, ({ issue_number }) => {
      const parent = issueOf(String(issueOf(issue_number)?.parent));
      return parent ? json(200, issueBody(gh, parent)) : notFound();
    })
    .on('GET', `${issuePath}/dependencies/blocked_by`, ({ issue_number }, request) => {
      const issue = issueOf(issue_number);
      if (!issue) return notFound();
      return page(listed(gh, issue.blockedBy ?? []), request.query, request.path);
    })
    .on('POST', `${issuePath}/dependencies/blocked_by`, ({ issue_number }, request) => {
      const issue = issueOf(issue_number);
      const { issue_id } = (request.body ?? {}) as { issue_id?: number };
      const blocker = issueOf(String(issue_id));
      if (!issue || !blocker) return notFound();
      const links = issue.blockedBy ?? [];
      if (!links.includes(blocker.number) && links.length >= BLOCKED_BY_PER_ISSUE)
        return refused(`Issue may be blocked by at most ${BLOCKED_BY_PER_ISSUE} issues`);
      gh.addBlockedBy(issue.number, blocker.number);
      return json(201, issueBody(gh, blocker));
    })
    .on('GET', `${issuePath}/dependencies/blocking`, ({ issue_number }, request) => {
      const issue = issueOf(issue_number);
      if (!issue) return notFound();
      const blocking = [...gh.issues.values()]
        .filter((other) => other.blockedBy?.includes(issue.number))
        .map((other) => other.number);
      return page(listed(gh, blocking), request.query, request.path);
    });
}

function listed(gh: GitHubState, numbers: number[]) {
  return numbers
    .map((n) => gh.issues.get(n))
    .filter((issue): issue is SimIssue => issue !== undefined)
    .map((issue) => issueBody(gh, issue));
}
