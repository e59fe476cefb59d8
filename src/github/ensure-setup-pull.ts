import type { ExistingFile, SetupFile } from '../core/plan-setup.js';
import { isSetupChange, planSetup } from '../core/plan-setup.js';
import { type BatonSource, renderSetupPullBody } from '../core/render-setup-pull.js';
import { createRef, moveBranch } from './refs.js';
import { commitFiles, type FileRead, readBranchHead, readFilesAt } from './setup-git.js';
import {
  createSetupPull,
  findSetupPulls,
  SETUP_BRANCH,
  type SetupPullInfo,
  updateSetupPullBody,
} from './setup-pulls.js';
import { actionPinPattern, fingerprintTemplate, type SetupTemplates } from './setup-templates.js';
import type { RepoContext } from './types.js';

/** A setup pull request, as a status comment links it. */
export interface SetupPullLink {
  number: number;
  url: string;
}

/**
 * Makes sure the repository has Baton's files or one open "Set up Baton" pull
 * request that brings them (DESIGN §6 "Onboarding"). Missing files are added,
 * earlier shipped versions updated, customised ones left alone and listed.
 * Idempotent: with nothing to add or update it opens nothing (and returns the
 * open one, if any); an open one that is already current is left as it is.
 */
export async function ensureSetupPull(
  ctx: RepoContext,
  { defaultBranch, templates }: { defaultBranch: string; templates: SetupTemplates },
): Promise<SetupPullLink | null> {
  const base = await readBranchHead(ctx, defaultBranch);
  if (!base) return null; // An empty repository has nothing a pull request could target.
  const files = await planSetupAt(ctx, { ref: base, templates });
  const changes = changesOf(files);
  const [open] = await findSetupPulls(ctx, 'open');
  if (Object.keys(changes).length === 0) return open ? linkOf(open) : null;
  const body = renderSetupPullBody({ files, source: templates.source });
  const message = commitMessage(templates.source);
  if (open) {
    await refreshSetupPull(ctx, { pull: open, templates, changes, body, message });
    return linkOf(open);
  }
  const opened = await openSetupPull(ctx, { base, defaultBranch, changes, body, message });
  return opened ? linkOf(opened) : null;
}

/** Each template classified against what `ref` holds. */
export async function planSetupAt(
  ctx: RepoContext,
  { ref, templates }: { ref: string; templates: SetupTemplates },
): Promise<SetupFile[]> {
  const reads = await readFilesAt(ctx, { ref, paths: templates.files.map((file) => file.path) });
  // A create-only file (the repository's own setup) that exists is theirs: never compared.
  const wanted = templates.files.filter(
    (file) => !file.createOnly || (reads.get(file.path) ?? { kind: 'absent' }).kind === 'absent',
  );
  const planned = planSetup(
    wanted.map((file) => ({
      path: file.path,
      content: file.content,
      existing: fingerprinted(reads.get(file.path) ?? { kind: 'absent' }, templates.source),
      shipped: templates.shipped[file.path] ?? [],
    })),
  );
  return planned.map((file) => {
    const read = reads.get(file.path);
    if (file.state !== 'customised' || read?.kind !== 'file') return file;
    const bumped = bumpActionPins(read.content, {
      current: file.content,
      source: templates.source,
    });
    if (bumped === null) return file;
    return { path: file.path, state: 'pinned', content: bumped };
  });
}

/**
 * A customised file with Baton's session action pins moved to the ones of
 * `current` (the way Dependabot bumps `uses:`), every other line as it was;
 * null when it has no such pin to move or all are current already.
 */
export function bumpActionPins(
  content: string,
  { current, source }: { current: string; source: BatonSource },
): string | null {
  const pattern = actionPinPattern(source.repository);
  const wanted = [...current.matchAll(pattern)][0];
  if (!wanted) return null;
  const [, , ref, version] = wanted;
  const bumped = content.replace(
    pattern,
    (_line, prefix: string) => `${prefix}${source.repository}/action@${ref} # ${version}`,
  );
  return bumped === content ? null : bumped;
}

function fingerprinted(read: FileRead, source: BatonSource): ExistingFile {
  if (read.kind !== 'file') return read;
  return { ...read, fingerprint: fingerprintTemplate(read.content, source) };
}

/**
 * A setup pull request that is behind gets a new commit on its branch, never a
 * force-push. Its files are classified as the default branch's are, so one a
 * person edited in the pull request is theirs and stays.
 */
async function refreshSetupPull(
  ctx: RepoContext,
  {
    pull,
    templates,
    changes,
    body,
    message,
  }: {
    pull: SetupPullInfo;
    templates: SetupTemplates;
    changes: Record<string, string>;
    body: string;
    message: string;
  },
): Promise<void> {
  const wanted = { ...templates, files: templates.files.filter((file) => file.path in changes) };
  const onBranch = await planSetupAt(ctx, { ref: pull.headSha, templates: wanted });
  const behind = changesOf(onBranch);
  if (Object.keys(behind).length > 0) {
    const sha = await commitFiles(ctx, { parent: pull.headSha, files: behind, message });
    // Refused when the branch moved meanwhile (another replica, a person): the next pass looks again.
    await moveBranch(ctx, { branch: SETUP_BRANCH, sha, force: false });
  }
  if (pull.body !== body) await updateSetupPullBody(ctx, { number: pull.number, body });
}

async function openSetupPull(
  ctx: RepoContext,
  {
    base,
    defaultBranch,
    changes,
    body,
    message,
  }: {
    base: string;
    defaultBranch: string;
    changes: Record<string, string>;
    body: string;
    message: string;
  },
): Promise<SetupPullInfo | null> {
  const sha = await commitFiles(ctx, { parent: base, files: changes, message });
  const ref = `refs/heads/${SETUP_BRANCH}`;
  if (!(await createRef(ctx, { ref, sha }))) {
    // The branch exists: another replica is opening the pull request, or an earlier one
    // was closed or merged and its branch left behind.
    const [open] = await findSetupPulls(ctx, 'open');
    if (open) return open;
    await reclaimLeftBranch(ctx, { sha, ref });
  }
  return createSetupPull(ctx, { base: defaultBranch, body });
}

/**
 * A branch whose head a closed or merged pull request already had is left
 * over, and Baton's own: it is moved to the new commit. Any other head is a
 * replica's that just won the lock (or died before opening the pull request,
 * which the caller then opens on it; a later pass brings it up to date).
 */
async function reclaimLeftBranch(
  ctx: RepoContext,
  { sha, ref }: { sha: string; ref: string },
): Promise<void> {
  const head = await readBranchHead(ctx, SETUP_BRANCH);
  if (!head) {
    await createRef(ctx, { ref, sha });
    return;
  }
  const closed = await findSetupPulls(ctx, 'closed');
  if (closed.some((pull) => pull.headSha === head)) {
    await moveBranch(ctx, { branch: SETUP_BRANCH, sha, force: true });
  }
}

function changesOf(files: readonly SetupFile[]): Record<string, string> {
  return Object.fromEntries(files.filter(isSetupChange).map((file) => [file.path, file.content]));
}

function commitMessage(source: BatonSource): string {
  return `Set up Baton\n\nBaton's files, with the session workflow pinned to ${source.repository}@${source.ref}.`;
}

function linkOf(pull: SetupPullInfo): SetupPullLink {
  return { number: pull.number, url: pull.url };
}
