/**
 * The audit trail as a download (docs/governance.md, "The audit trail"):
 * `GET /audit.jsonl?org=acme` (or `?repo=acme/shop`, and `&since=2026-03-01`),
 * the events `baton audit` prints, one JSON object a line, of the builds the
 * page holds. Only to an owner of the organisation, as GitHub answers for the
 * reader's own token (`OrgOwners`), and only the events of repositories that
 * reader may read (`auditTrail` with their access): an owner GitHub lists no
 * private repository for learns nothing of it. Anyone else gets 403 and nothing
 * of the trail.
 */
import type { ServerResponse } from 'node:http';
import { auditTrail, isAuditDate } from '../core/audit/audit-trail.js';
import type { BuildRead } from '../core/overview/build-read.js';
import type { OrgOwners } from './org-owners.js';
import { sendJson, sendJsonLines } from './respond.js';
import type { SignedIn } from './sign-in-flow.js';

/** GitHub's logins: letters, digits and single hyphens, at most 39 characters. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** A repository's name as GitHub allows it. */
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** What the query asks for: an organisation, maybe one repository of it, maybe a date; or what is wrong. */
export function auditQueryOf(
  query: URLSearchParams,
): { org: string; repo: string | null; since: string | null } | { problem: string } {
  const repo = query.get('repo');
  const [owner = '', name = '', ...rest] = repo?.split('/') ?? [];
  if (repo !== null && (!LOGIN.test(owner) || !NAME.test(name) || rest.length > 0))
    return { problem: 'repo takes owner/name' };
  const org = query.get('org') ?? (repo === null ? null : owner);
  if (org === null || !LOGIN.test(org))
    return { problem: 'ask for ?org=<organisation> or ?repo=owner/name' };
  if (repo !== null && owner.toLowerCase() !== org.toLowerCase())
    return { problem: `${repo} is not a repository of ${org}` };
  const since = query.get('since');
  if (since !== null && !isAuditDate(since))
    return { problem: 'since takes a date (2026-03-01 or 2026-03-01T12:00:00Z)' };
  return { org, repo, since };
}

/** Answers `GET /audit.jsonl` for a signed-in reader. */
export async function sendAuditTrail({
  res,
  url,
  signedIn,
  reads,
  owners,
  log,
}: {
  res: ServerResponse;
  url: URL;
  signedIn: SignedIn;
  reads: readonly BuildRead[];
  owners: OrgOwners;
  log: { warn(message: string): void };
}): Promise<true> {
  const query = auditQueryOf(url.searchParams);
  if ('problem' in query) return sendJson(res, 400, { message: query.problem });
  const { org, repo, since } = query;
  const ownership = await owners.ownershipOf(signedIn.session, org);
  if (ownership === 'unknown') {
    log.warn(`baton: the page could not ask GitHub whether ${signedIn.session.login} owns ${org}`);
    return sendJson(res, 502, { message: `GitHub did not say whether you own ${org}: try again` });
  }
  if (ownership !== 'owner')
    return sendJson(res, 403, {
      message: `the audit trail of ${org} is for its owners, and GitHub does not list you as one`,
    });
  const within = (repository: string) =>
    repo === null
      ? repository.toLowerCase().startsWith(`${org.toLowerCase()}/`)
      : repository.toLowerCase() === repo.toLowerCase();
  const events = auditTrail({
    reads: reads.filter((read) => within(read.repository)),
    access: signedIn.access,
    ...(since ? { since } : {}),
  }).filter((event) => within(event.repository));
  const filename = `baton-audit-${(repo ?? org).replace('/', '-')}.jsonl`;
  return sendJsonLines(res, { lines: events, filename });
}
