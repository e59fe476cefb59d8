import { batchIn, readBlobs } from '../../cat-file-batch.js';
import type { ScratchRepo } from '../../scratch-repo.js';
import { type PushedRange, readPushedCommits, readRawDiff } from '../read-pushed-commits.js';
import { fileText, InflatedTooLarge } from './encoded-text.js';
import { findSecretsIn, maskSecret } from './secret-rules.js';

/** A binary file larger than this cannot be looked through for secrets, so it is refused. */
export const BINARY_SCAN_MAX_BYTES = 1024 * 1024;

/**
 * Files that hold keys by their kind, whatever is in them: key stores,
 * certificates with keys, SSH private keys, password databases, env files
 * (`.env`, `.env.local`, `.env-prod`, direnv's `.envrc`; not the examples).
 */
const KEY_FILE =
  /(?:^|\/)(?:id_(?:rsa|dsa|ecdsa|ed25519)|\.env(?:rc)?(?:[.\-_](?!(?:[\w.-]*[.\-_])?(?:example|sample|template)$)[\w.-]+)?|[^/]+\.(?:p12|pfx|jks|keystore|pem|key|ppk|kdbx|asc|gpg))$/i;

/** One refusal: where a secret is, which rule, and the value masked. */
export interface SecretHit {
  commit: string;
  path: string;
  /** 1-based; 0 when the whole file is refused (its kind, or a binary too large to look through). */
  line: number;
  rule: string;
  masked: string;
}

/**
 * Looks through every commit publish would push (the bundle's head back to the
 * dispatched base, the build branch's own commits left out) for secrets: its
 * message, the names of the files it changes, the lines it adds, and every
 * file it adds, under any name (a rename is an added file), with what they
 * hold in base64, hex, UTF-16 or gzip (`encoded-text.ts`). A commit that a
 * later commit reverts still counts: it is pushed, and its history is
 * readable. A merge is looked at for what it brought itself (paths that differ
 * from every parent). Binary files are refused by kind and by size, and looked
 * through as text below that.
 */
export async function scanCommits(range: PushedRange): Promise<SecretHit[]> {
  const hits: SecretHit[] = [];
  for (const { commit, sides } of await readPushedCommits(range)) {
    hits.push(...(await scanCommit(range.repo, commit, sides)));
  }
  return dedupe(hits);
}

interface Changed {
  path: string;
  oldSha: string | null;
  newSha: string;
}

async function scanCommit(
  repo: ScratchRepo,
  commit: string,
  sides: string[],
): Promise<SecretHit[]> {
  const perParent = await Promise.all(sides.map((side) => changedBlobs(repo, side, commit)));
  const [first = [], ...others] = perParent;
  const inEvery = others.map((list) => new Set(list.map((change) => change.path)));
  const own = first.filter((change) => inEvery.every((paths) => paths.has(change.path)));
  const hits: SecretHit[] = await scanMessage(repo, commit);
  // Every file's content by one git, not one a file.
  const blobs = await readBlobs(
    batchIn(repo),
    own.map((change) => change.newSha),
  );
  for (const [i, change] of own.entries()) {
    hits.push(...(await scanName(commit, change.path)));
    const blob = blobs[i];
    if (!blob) throw new Error(`git cat-file could not read ${change.newSha} (${change.path})`);
    hits.push(...(await scanChange(repo, commit, change, blob)));
  }
  return hits;
}

/** A commit's message is pushed with it: a secret there is refused like one in a file. */
async function scanMessage(repo: ScratchRepo, commit: string): Promise<SecretHit[]> {
  const message = await repo.must({ args: ['log', '-1', '--format=%B', commit] });
  const findings = await findSecretsIn('COMMIT_MSG', message);
  return findings.map((finding) => ({
    commit,
    path: '(commit message)',
    line: finding.line,
    rule: finding.rule,
    masked: maskSecret(finding.value),
  }));
}

/** A file's name is text on GitHub too: a token as a name is refused, reported by its folder. */
async function scanName(commit: string, path: string): Promise<SecretHit[]> {
  const findings = await findSecretsIn('name.txt', path.split('/').join('\n'));
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  return findings.map((finding) => ({
    commit,
    path: `${folder}(a file name)`,
    line: 0,
    rule: `${finding.rule} (name)`,
    masked: maskSecret(finding.value),
  }));
}

async function scanChange(
  repo: ScratchRepo,
  commit: string,
  change: Changed,
  bytes: Buffer,
): Promise<SecretHit[]> {
  const { path } = change;
  const at = { commit, path };
  if (KEY_FILE.test(path)) return [{ ...at, line: 0, rule: 'key-file', masked: '(whole file)' }];
  let read: ReturnType<typeof fileText>;
  try {
    read = fileText(bytes);
  } catch (error) {
    if (!(error instanceof InflatedTooLarge)) throw error;
    return [{ ...at, line: 0, rule: 'gzip-too-large-to-scan', masked: '(whole file)' }];
  }
  if (read.binary && bytes.length > BINARY_SCAN_MAX_BYTES) {
    return [{ ...at, line: 0, rule: 'binary-too-large-to-scan', masked: '(whole file)' }];
  }
  // Lines are the file's own only when it was read as it is: a zero-context diff tells added ones.
  const asIs = !read.binary && read.how.length === 0;
  const added = !asIs || change.oldSha === null ? null : await addedLines(repo, change);
  const findings = await findSecretsIn(path, read.text);
  const how = read.how.length > 0 ? ` (${read.how.join(', ')})` : '';
  return findings
    .filter((finding) => added === null || added.has(finding.line))
    .map((finding) => ({
      ...at,
      line: asIs ? finding.line : 0,
      rule: `${finding.rule}${how}`,
      masked: maskSecret(finding.value),
    }));
}

/** Paths a commit adds or changes against one parent, with their blobs (renames as adds). */
async function changedBlobs(repo: ScratchRepo, parent: string, commit: string): Promise<Changed[]> {
  return (
    (await readRawDiff(repo, { from: parent, to: commit }))
      // Deleted paths and submodules carry no content of the session's.
      .filter(({ newMode }) => newMode !== '000000' && newMode !== '160000')
      .map(({ path, oldMode, oldSha, newSha }) => ({
        path,
        oldSha: oldMode === '000000' ? null : oldSha,
        newSha,
      }))
  );
}

/** The new blob's line numbers that its change adds (a zero-context diff of the two blobs). */
async function addedLines(repo: ScratchRepo, change: Changed): Promise<Set<number>> {
  const diff = await repo.run({
    args: [
      'diff',
      '-U0',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      change.oldSha ?? '',
      change.newSha,
    ],
  });
  const lines = new Set<number>();
  for (const hunk of diff.stdout.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    for (let line = start; line < start + count; line++) lines.add(line);
  }
  return lines;
}

function dedupe(hits: SecretHit[]): SecretHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    const key = `${hit.path}:${hit.line}:${hit.rule}:${hit.masked}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/** One refusal line for the job summary. */
export function describeHit(hit: SecretHit): string {
  return `${shortHit(hit)}, commit ${hit.commit.slice(0, 12)}: remove it from every commit of the session (a later commit that deletes it is not enough), rotate it, and run the session again`;
}

/** The hit in a few words, for the worker's row: file, line, rule, the value masked. */
export function shortHit(hit: SecretHit): string {
  const where = hit.line > 0 ? `${hit.path}:${hit.line}` : hit.path;
  return `a secret in ${where} (rule ${hit.rule}, ${hit.masked})`;
}
