/**
 * GitHub's cap on the text of a comment, an issue or a pull request, which
 * the simulated GitHub checks before a route runs (FakeGitHub.handle).
 */
import type { ApiResponse } from './router.js';

/** GitHub's cap on the body of a comment, an issue or a pull request, in characters. */
export const MAX_BODY_CHARS = 65_536;

/**
 * The routes whose `body` GitHub caps, with the error each answers. GitHub's own
 * answers, as reported against its API: a comment is refused with resource
 * `IssueComment`, field `data` (vebr/jest-lcov-reporter#14, reg-viz/reg-actions#123);
 * an issue or a pull request with resource `Issue`, code `custom`, field `body`
 * (renovatebot/renovate#2032, potproject/code-agent#3).
 */
const CAPPED: Record<string, { resource: string; code: string; field: string; message: string }> = {
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': commentError(),
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': commentError(),
  'POST /repos/{owner}/{repo}/issues': issueError(),
  'PATCH /repos/{owner}/{repo}/issues/{issue_number}': issueError(),
  'POST /repos/{owner}/{repo}/pulls': issueError(),
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}': issueError(),
};

function commentError() {
  return tooLong({ resource: 'IssueComment', code: 'unprocessable', field: 'data', noun: 'Body' });
}

function issueError() {
  return tooLong({ resource: 'Issue', code: 'custom', field: 'body', noun: 'body' });
}

/** One of GitHub's errors for a body over the cap, its message naming the body as `noun`. */
function tooLong({
  resource,
  code,
  field,
  noun,
}: {
  resource: string;
  code: string;
  field: string;
  noun: string;
}): { resource: string; code: string; field: string; message: string } {
  return {
    resource,
    code,
    field,
    message: `${noun} is too long (maximum is ${MAX_BODY_CHARS} characters)`,
  };
}

/** GitHub's 422 for a body over its cap on `template`, or null. Characters are code points. */
export function refuseLongBody(template: string, body: unknown): ApiResponse | null {
  const error = CAPPED[template];
  if (!error) return null;
  const text = (body as { body?: unknown } | null | undefined)?.body;
  if (typeof text !== 'string' || Array.from(text).length <= MAX_BODY_CHARS) return null;
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [error],
      documentation_url: 'https://docs.github.com/rest',
      status: '422',
    },
  };
}
