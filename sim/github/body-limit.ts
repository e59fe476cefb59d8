/**
 * GitHub's cap on the text of a comment, an issue, a pull request or a
 * release, which the simulated GitHub checks before a route runs
 * (FakeGitHub.handle).
 */
import type { ApiResponse } from './router.js';

/** GitHub's cap on the body of a comment, an issue or a pull request, in characters. */
export const MAX_BODY_CHARS = 65_536;
/**
 * A release's, undocumented but GitHub's answer to a longer one ("body is too
 * long (maximum is 125000 characters)", resource `Release`, code `custom`:
 * softprops/action-gh-release#374, ncipollo/release-action#493).
 */
export const MAX_RELEASE_BODY_CHARS = 125_000;

interface Cap {
  resource: string;
  code: string;
  field: string;
  message: string;
  max: number;
}

/**
 * The routes whose `body` GitHub caps, with the error each answers. GitHub's own
 * answers, as reported against its API: a comment is refused with resource
 * `IssueComment`, field `data` (vebr/jest-lcov-reporter#14, reg-viz/reg-actions#123);
 * an issue or a pull request with resource `Issue`, code `custom`, field `body`
 * (renovatebot/renovate#2032, potproject/code-agent#3).
 */
const CAPPED: Record<string, Cap> = {
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': commentError(),
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': commentError(),
  'POST /repos/{owner}/{repo}/issues': issueError(),
  'PATCH /repos/{owner}/{repo}/issues/{issue_number}': issueError(),
  'POST /repos/{owner}/{repo}/pulls': issueError(),
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}': issueError(),
  'POST /repos/{owner}/{repo}/releases': releaseError(),
  'PATCH /repos/{owner}/{repo}/releases/{release_id}': releaseError(),
};

function commentError() {
  return tooLong({ resource: 'IssueComment', code: 'unprocessable', field: 'data', noun: 'Body' });
}

function issueError() {
  return tooLong({ resource: 'Issue', code: 'custom', field: 'body', noun: 'body' });
}

function releaseError() {
  return tooLong({
    resource: 'Release',
    code: 'custom',
    field: 'body',
    noun: 'body',
    max: MAX_RELEASE_BODY_CHARS,
  });
}

/** One of GitHub's errors for a body over the cap, its message naming the body as `noun`. */
function tooLong({
  resource,
  code,
  field,
  noun,
  max = MAX_BODY_CHARS,
}: {
  resource: string;
  code: string;
  field: string;
  noun: string;
  max?: number;
}): Cap {
  return {
    resource,
    code,
    field,
    message: `${noun} is too long (maximum is ${max} characters)`,
    max,
  };
}

/** GitHub's 422 for a body over its cap on `template`, or null. Characters are code points. */
export function refuseLongBody(template: string, body: unknown): ApiResponse | null {
  const cap = CAPPED[template];
  if (!cap) return null;
  const text = (body as { body?: unknown } | null | undefined)?.body;
  if (typeof text !== 'string' || Array.from(text).length <= cap.max) return null;
  const { max: _max, ...error } = cap;
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
