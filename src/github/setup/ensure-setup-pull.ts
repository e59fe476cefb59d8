import { decideSetupPull } from '../../core/setup/decide-setup-pull.js';
import type { ExistingFile, SetupFile } from '../../core/setup/plan-setup.js';
import { isSetupChange, planSetup } from '../../core/setup/plan-setup.js';
import { type BatonSource, renderSetupPullBody } from '../../core/setup/render-setup-pull.js';
import { createRef, moveBranch } from '../act/locks/refs.js';
import type { RepoContext } from '../client/types.js';
import { commitFiles, type FileRead, readBranchHead, readFilesAt } from './setup-git.js';
import {
  createSetupPull,
  findSetupPulls,
  SETUP_BRANCH,
  type SetupPullInfo,
  updateSetupPullBody,
} from './setup-pulls.js';
import { actionPinPattern, fingerprintTemplate, type SetupTemplates } from './setup-templates.js';
import { cliCommand } from './source-ref.js';

/** A setup pull request, as a status comment links it. */
export interface SetupPullLink {
  number: number;
  url: string;
}

/**
 * Makes sure the repository has Baton's files or one open "Set up Baton" pull
 * request that brings them (docs/design-notes.md, "Onboarding"). Missing files are added,
 * earlier shipped versions updated, customised ones left alone and listed.
 * Idempotent: with nothing to add or update it opens nothing (and returns the
 * open one, if any); an open one that is already current is left as it is.
 * A pull request closed without merging is the repository's "no": none is
 * opened again until someone asks again (see `decideSetupPull`).
 */
export async function ensureSetupPull(
  ctx: RepoContext,
  {
    defaultBranch,
    templates,
    askedAgain = false,
    labelledAt = null,
  }: {
    defaultBranch: string;
    templates: SetupTemplates;
    /** The app was installed on the repository, or the repository added, just now. */
    askedAgain?: boolean;
    /** When a person last labelled the issue of a build that found the workflow missing. */
    labelledAt?: string | null;
  },
): Promise<SetupPullLink | null> {
  const base = await readBranchHead(ctx, defaultBranch);
  if (!base) return null; // An empty repository has nothing a pull request could target.
  const { files, pinOnly } = await inspectSetupAt(ctx, { ref: base, templates });
  const changes = changesOf(files);
  const [open] = await findSetupPulls(ctx, 'open');
  // The closed ones are read only when they could matter: a new pull request would be due.
  const due = !open && pinOnly.length < Object.keys(changes).length;
  const [lastClosed] = due ? await findSetupPulls(ctx, 'closed') : [];
  const decision = decideSetupPull({
    changes: Object.keys(changes).length,
    pinOnly: pinOnly.length,
    open: Boolean(open),
    lastClosed: lastClosed
      ? { merged: lastClosed.mergedAt !== null, closedAt: lastClosed.closedAt }
      : null,
    askedAgain,
    labelledAt,
  });
  const body = renderSetupPullBody({ files, source: templates.source, cli: cliCommand() });
  const message = commitMessage(templates.source);
  switch (decision) {
    case 'none':
    case 'declined':
      return open ? linkOf(open) : null;
    case 'refresh':
      if (!open) return null;
      await refreshSetupPull(ctx, { pull: open, templates, changes, body, message });
      return linkOf(open);
    case 'open': {
      const opened = await openSetupPull(ctx, { base, defaultBranch, changes, body, message });
      return opened ? linkOf(opened) : null;
    }
    default: {
      const _exhaustive: never = decision;
      return _exhaustive;
    }
  }
}

/** Each template classified against what `ref` holds. */
export async function planSetupAt(
  ctx: RepoContext,
  { ref, templates }: { ref: string; templates: SetupTemplates },
): Promise<SetupFile[]> {
  return (await inspectSetupAt(ctx, { ref, templates })).files;
}

/**
 * Each template classified against what `ref` holds, and the changes among
 * them that would only move the pinned commit: what the pull request would
 * write there has the fingerprint of what is there (the pin is what
 * fingerprints leave out) and names the same release. A new release's pin
 * is an update; a new commit of the same release is not.
 */
async function inspectSetupAt(
  ctx: RepoContext,
  { ref, templates }: { ref: string; templates: SetupTemplates },
): Promise<{ files: SetupFile[]; pinOnly: string[] }> {
  const reads = await readFilesAt(ctx, { ref, paths: templates.files.map((file) => file.path) });
  // A create-only file (the repository's own setup) that exists is theirs: never compared.
  const wanted = templates.files.filter(
    (file) => !file.createOnly || (reads.get(file.path) ?? { kind: 'absent' }).kind === 'absent',
  );
  const existing = new Map(
    wanted.map((file) => [
      file.path,
      fingerprinted(reads.get(file.path) ?? { kind: 'absent' }, templates.source),
    ]),
  );
  const planned = planSetup(
    wanted.map((file) => ({
      path: file.path,
      content: file.content,
      existing: existing.get(file.path) ?? { kind: 'absent' },
      shipped: templates.shipped[file.path] ?? [],
    })),
  );
  const files = planned.map((file): SetupFile => {
    const read = reads.get(file.path);
    if (file.state !== 'customised' || read?.kind !== 'file') return file;
    const bumped = bumpActionPins(read.content, {
      current: file.content,
      source: templates.source,
    });
    if (bumped === null) return file;
    return { path: file.path, state: 'pinned', content: bumped };
  });
  const pinOnly = files.filter(isSetupChange).flatMap((file) => {
    const read = reads.get(file.path);
    const same =
      read?.kind === 'file' &&
      fingerprintTemplate(read.content, templates.source) ===
        fingerprintTemplate(file.content, templates.source) &&
      releaseOf(read.content, templates.source) === releaseOf(file.content, templates.source);
    return same ? [file.path] : [];
  });
  return { files, pinOnly };
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

/** The release a file's session action pin names (`# v1.2.3`), or null without one. */
function releaseOf(content: string, source: BatonSource): string | null {
  const [pin] = content.matchAll(actionPinPattern(source.repository));
  return pin?.[3] ?? null;
}
