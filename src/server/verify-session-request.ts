import type { IncomingMessage } from 'node:http';
import { errors, type JWTPayload, jwtVerify } from 'jose';
import { z } from 'zod';
import { parseBatonBranch, WORKFLOW_PATH } from '../core/vocabulary/ids.js';
import type { KeyResolver } from './oidc-keys.js';

/** Seconds of clock skew tolerated between the runner, GitHub and the app. */
const CLOCK_TOLERANCE_SECONDS = 60;

/** The claims of a GitHub Actions OIDC token that the endpoint relies on. */
export const ActionsClaims = z.object({
  repository: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  repository_id: z.string().regex(/^\d+$/),
  repository_owner: z.string(),
  ref: z.string(),
  workflow_ref: z.string(),
  /** The commit the run's workflow file was read from. */
  workflow_sha: z.string().regex(/^[0-9a-f]{40}$/),
  /** The workflow file the job itself comes from (differs from workflow_ref in a reusable workflow). */
  job_workflow_ref: z.string(),
  /** Who started the run: the app's bot for a run Baton dispatched. */
  actor: z.string(),
  event_name: z.string(),
  run_id: z.string().regex(/^\d+$/),
  run_attempt: z.string().regex(/^\d+$/),
  /** The job's check run, where GitHub adds it. */
  check_run_id: z.string().regex(/^\d+$/).optional(),
});
export type ActionsClaims = z.infer<typeof ActionsClaims>;

/** 401: not a valid token of the issuer; 403: valid, but not a run that may write; 503: keys unreachable. */
export type SessionRequestVerdict =
  | { status: 200; claims: ActionsClaims }
  | { status: 401 | 403 | 503; message: string };

/**
 * Verifies the request's bearer token against the issuer's published keys
 * (signature, issuer, audience, expiry) with jose, then checks that it comes
 * from Baton's own workflow, dispatched on a Baton branch.
 */
export async function verifySessionRequest({
  req,
  issuer,
  audience,
  keys,
}: {
  req: IncomingMessage;
  issuer: string;
  audience: string;
  keys: KeyResolver;
}): Promise<SessionRequestVerdict> {
  const jwt = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!jwt)
    return { status: 401, message: 'Send the run’s OIDC token as `Authorization: Bearer <jwt>`.' };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jwt, await keys(), {
      issuer,
      audience,
      algorithms: ['RS256'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'iat'],
    }));
  } catch (error) {
    return describeVerifyError(error);
  }
  const claims = ActionsClaims.safeParse(payload);
  if (!claims.success) {
    const message =
      'The token lacks the claims of a GitHub Actions run (repository, repository_owner, ref, workflow_ref, workflow_sha, job_workflow_ref, actor, event_name, run_id, run_attempt).';
    return { status: 401, message };
  }
  const refused = checkClaims(claims.data);
  return refused ? { status: 403, message: refused } : { status: 200, claims: claims.data };
}

/**
 * Why a verified run may still not have a token, or null when it may: what
 * the claims alone tell, before anything is asked of GitHub. Claims that
 * disagree with one another are refused here.
 */
export function checkClaims(claims: ActionsClaims): string | null {
  const [owner] = claims.repository.split('/');
  if (claims.repository_owner !== owner) {
    return `The token names ${claims.repository} but owner ${claims.repository_owner}.`;
  }
  if (claims.event_name !== 'workflow_dispatch') {
    return `Only runs started by workflow_dispatch get a token; this one came from ${claims.event_name}.`;
  }
  // A doctor session runs on the default branch: which that is, and the run's name, are
  // GitHub's to tell (bindToRun); every other branch is refused here.
  if (!parseBatonBranch(claims.ref) && !claims.ref.startsWith('refs/heads/')) {
    return notOnBatonBranch(claims.ref);
  }
  const expected = `${claims.repository}/${WORKFLOW_PATH}@${claims.ref}`;
  if (claims.workflow_ref !== expected) {
    return `The run's workflow is ${claims.workflow_ref}; only ${expected} gets a token.`;
  }
  if (claims.job_workflow_ref !== expected) {
    return `The job comes from ${claims.job_workflow_ref}, not from ${expected}.`;
  }
  return null;
}

function describeVerifyError(error: unknown): SessionRequestVerdict {
  if (error instanceof errors.JWTExpired) return { status: 401, message: 'The token has expired.' };
  if (error instanceof errors.JWTClaimValidationFailed) {
    return {
      status: 401,
      message: `The token's "${error.claim}" claim is not accepted: ${error.reason}.`,
    };
  }
  const unverifiable =
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys;
  if (unverifiable)
    return { status: 401, message: 'The token is malformed or not signed by the issuer.' };
  const reason = error instanceof Error ? error.message : String(error);
  return {
    status: 503,
    message: `The issuer's keys could not be fetched; try again later (${reason}).`,
  };
}

export function notOnBatonBranch(ref: string): string {
  return `The run is on ${ref}, not on a Baton branch (refs/heads/baton/<build>/...).`;
}
