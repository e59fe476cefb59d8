import {
  type Answer,
  doctorProbePrefix,
  type PublishProbe,
} from '../../core/doctor/doctor-session.js';
import type { ScratchRepo } from '../publish/scratch-repo.js';
import { pushRecordRef } from '../publish/write/record-ref.js';
import type { SessionOctokit } from '../session-octokit.js';
import { type DoctorEnv, doctorGraphqlUrl } from './doctor-env.js';

export type ProbeAnswers = Record<PublishProbe, { answer: Answer; detail: string }>;

/** What the probes reach GitHub through. */
export interface ProbeIo {
  octokit: SessionOctokit;
  repo: ScratchRepo;
  remote: string;
  token: string;
  fetch: typeof globalThis.fetch;
  /** How long to wait for a push workflow to start; GitHub starts them within seconds. */
  pushWaitMs: number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * The GitHub behaviours no documentation settles, asked with the token the
 * app minted for this run, on throwaway refs under `refs/baton/<id>/probe/`.
 * Returns the answers and every ref made, for the caller to delete.
 */
export async function runProbes(
  env: DoctorEnv,
  io: ProbeIo,
): Promise<{ answers: ProbeAnswers; made: string[] }> {
  const [owner = '', name = ''] = env.GITHUB_REPOSITORY.split('/');
  const where = { owner, repo: name };
  const prefix = doctorProbePrefix(env.BATON_BUILD);
  const ref = `${prefix}hidden`;
  const made: string[] = [];
  // A new hidden ref whose commit holds no workflow file, pushed as publish pushes records.
  const pushed = await pushRecordRef({ ...io, ref, message: 'baton doctor: a throwaway probe' });
  // What the push said is not enough: the ref must be there.
  const sha = pushed === null ? await refSha(io, { ...where, ref }) : null;
  const refused = sha === null ? (pushed ?? 'the ref is not there after the push') : null;
  const unknown = (detail: string) => ({ answer: 'unknown' as const, detail });
  if (refused !== null) {
    const why = `the push of ${ref} was refused: ${refused}`;
    return {
      answers: {
        'hidden-ref-without-workflows': {
          answer: 'no',
          detail: `${why}; grant the app's installation the workflows permission and report this output`,
        },
        'graphql-hidden-refs': unknown(why),
        'push-starts-workflows': unknown(why),
        'viewer-has-reacted': unknown(why),
        'edit-tag-answers-read': unknown(why),
      },
      made,
    };
  }
  made.push(ref);
  if (sha === null) throw new Error('unreachable: a refused push returned above');
  return {
    answers: {
      'hidden-ref-without-workflows': { answer: 'yes', detail: `pushed ${ref} without workflows` },
      'graphql-hidden-refs': await probeGraphqlRefs(env, io, { prefix, owner, name }),
      'viewer-has-reacted': await probeReaction(env, io, { ...where, sha }),
      'push-starts-workflows': await probePushRuns(io, { ...where, sha }),
      'edit-tag-answers-read': await probeEditTag(io, { ...where, sha }),
    },
    made,
  };
}

async function refSha(
  io: ProbeIo,
  where: { owner: string; repo: string; ref: string },
): Promise<string | null> {
  try {
    const { data } = await io.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      owner: where.owner,
      repo: where.repo,
      ref: where.ref.replace(/^refs\//, ''),
    });
    return data.object.sha;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

async function graphql<T>(
  env: DoctorEnv,
  io: ProbeIo,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const response = await io.fetch(doctorGraphqlUrl(env), {
    method: 'POST',
    headers: { authorization: `bearer ${io.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!response.ok || body.errors?.length || !body.data) {
    throw new Error(
      `GraphQL answered ${response.status}: ${body.errors?.[0]?.message ?? 'no data'}`,
    );
  }
  return body.data;
}

const REFS_QUERY = `query BatonDoctorRefs($owner: String!, $name: String!, $prefix: String!) {
  repository(owner: $owner, name: $name) { refs(refPrefix: $prefix, first: 10) { nodes { name } } }
}`;

async function probeGraphqlRefs(
  env: DoctorEnv,
  io: ProbeIo,
  { prefix, owner, name }: { prefix: string; owner: string; name: string },
): Promise<{ answer: Answer; detail: string }> {
  try {
    const data = await graphql<{ repository: { refs: { nodes: { name: string }[] } | null } }>(
      env,
      io,
      REFS_QUERY,
      { owner, name, prefix },
    );
    const listed = (data.repository.refs?.nodes ?? []).some((node) => node.name === 'hidden');
    return listed
      ? { answer: 'yes', detail: `refs(refPrefix: "${prefix}") listed the probe` }
      : { answer: 'no', detail: `refs(refPrefix: "${prefix}") listed nothing` };
  } catch (error) {
    return { answer: 'unknown', detail: messageOf(error) };
  }
}

const REACTION_QUERY = `query BatonDoctorReaction($id: ID!) {
  node(id: $id) { ... on CommitComment { reactionGroups { content viewerHasReacted } } }
}`;

/** Reacts 👀 as the app on a throwaway commit comment, then reads `viewerHasReacted`; deletes the comment. */
async function probeReaction(
  env: DoctorEnv,
  io: ProbeIo,
  where: { owner: string; repo: string; sha: string },
): Promise<{ answer: Answer; detail: string }> {
  return withThrowawayComment(io, where, async (comment) => {
    await io.octokit.request('POST /repos/{owner}/{repo}/comments/{comment_id}/reactions', {
      owner: where.owner,
      repo: where.repo,
      comment_id: comment.id,
      content: 'eyes',
    });
    const data = await graphql<{
      node: { reactionGroups?: { content: string; viewerHasReacted: boolean }[] } | null;
    }>(env, io, REACTION_QUERY, { id: comment.node_id });
    const eyes = data.node?.reactionGroups?.find((group) => group.content === 'EYES');
    return eyes?.viewerHasReacted
      ? { answer: 'yes', detail: "viewerHasReacted was true for the app's own 👀" }
      : { answer: 'no', detail: "viewerHasReacted was false for the app's own 👀" };
  });
}

/**
 * Edits a throwaway commit comment as the app, then reads it with the tag the
 * edit's answer gave (`If-None-Match`): a 304 says an edit's tag is a read's,
 * as a held status edit's guard read relies on to go uncounted.
 */
async function probeEditTag(
  io: ProbeIo,
  where: { owner: string; repo: string; sha: string },
): Promise<{ answer: Answer; detail: string }> {
  return withThrowawayComment(io, where, async (comment) => {
    const route = '/repos/{owner}/{repo}/comments/{comment_id}';
    const params = { owner: where.owner, repo: where.repo, comment_id: comment.id };
    const edited = await io.octokit.request(`PATCH ${route}`, {
      ...params,
      body: 'baton doctor: a throwaway probe, edited',
    });
    const etag = edited.headers.etag;
    if (!etag) return { answer: 'no', detail: 'the edit was answered without an etag' };
    try {
      await io.octokit.request(`GET ${route}`, { ...params, headers: { 'if-none-match': etag } });
    } catch (error) {
      if ((error as { status?: number }).status === 304)
        return { answer: 'yes', detail: `a read with the edit's tag ${etag} was answered 304` };
      throw error;
    }
    return { answer: 'no', detail: `a read with the edit's tag ${etag} was answered 200` };
  });
}

/** Runs `probe` on a throwaway commit comment of the app's on `sha`, deleted after; unknown if it throws. */
async function withThrowawayComment(
  io: ProbeIo,
  where: { owner: string; repo: string; sha: string },
  probe: (comment: { id: number; node_id: string }) => Promise<{ answer: Answer; detail: string }>,
): Promise<{ answer: Answer; detail: string }> {
  let commentId: number | null = null;
  try {
    const { data: comment } = await io.octokit.request(
      'POST /repos/{owner}/{repo}/commits/{commit_sha}/comments',
      {
        owner: where.owner,
        repo: where.repo,
        commit_sha: where.sha,
        body: 'baton doctor: a throwaway probe',
      },
    );
    commentId = comment.id;
    return await probe(comment);
  } catch (error) {
    return { answer: 'unknown', detail: messageOf(error) };
  } finally {
    if (commentId !== null) {
      await io.octokit
        .request('DELETE /repos/{owner}/{repo}/comments/{comment_id}', {
          owner: where.owner,
          repo: where.repo,
          comment_id: commentId,
        })
        .catch(() => undefined);
    }
  }
}

/** Whether the probe's push started a run of an `on: push` workflow, within `pushWaitMs`. */
async function probePushRuns(
  io: ProbeIo,
  where: { owner: string; repo: string; sha: string },
): Promise<{ answer: Answer; detail: string }> {
  try {
    const deadline = Date.now() + io.pushWaitMs;
    for (;;) {
      const { data } = await io.octokit.request('GET /repos/{owner}/{repo}/actions/runs', {
        owner: where.owner,
        repo: where.repo,
        head_sha: where.sha,
        event: 'push',
        per_page: 1,
      });
      if (data.total_count > 0) {
        return {
          answer: 'yes',
          detail: `run ${data.workflow_runs[0]?.id ?? '?'} started for the probe's push`,
        };
      }
      if (Date.now() >= deadline) {
        return {
          answer: 'no',
          detail: `no push run for the probe within ${Math.round(io.pushWaitMs / 1000)}s (a repository without on: push workflows answers no too)`,
        };
      }
      await io.sleep(Math.min(5_000, io.pushWaitMs));
    }
  } catch (error) {
    return { answer: 'unknown', detail: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
