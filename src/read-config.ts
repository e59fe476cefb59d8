import type { ProbotOctokit } from 'probot';
import { LineCounter, parseDocument } from 'yaml';
import { type ParsedConfig, parseConfig } from './core/config/config.js';
import type { ConfigProblem, IgnoredSetting } from './core/config/config-problems.js';
import {
  applyPolicy,
  deepMerge,
  type EffectiveSetting,
  effectiveSettings,
  isPlainObject,
  POLICY_FILE,
} from './core/config/org-policy.js';
import { CONFIG_FILE } from './core/vocabulary/ids.js';
import type { PolicySource } from './core/vocabulary/trailers.js';
import { remembered } from './process-memory.js';
import { clearPolicies, readPolicy } from './read-policy.js';

/** Where a repository keeps its Baton settings (on the default branch). */
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * Reads `.github/baton.yml` the way Probot's `context.config` does (the org's
 * `.github` repository as a fallback, `_extends` followed; parsed with the
 * `yaml` package), merges it over the defaults and checks it. A broken file
 * is a value naming the file, the line and the field, never an exception.
 */
export async function loadConfig(
  octokit: ProbotOctokit,
  { owner, repo }: RepoRef,
): Promise<ParsedConfig> {
  return (await readConfig(octokit, { owner, repo })).config;
}

/** The repository's settings as read, before any policy: the merged YAML, or what makes it no config. */
type RepoRead = { raw: unknown } | { broken: ParsedConfig };

/** `loadConfig`, and whether the repository's own file alone made it (no `_extends`, no org fallback). */
async function readConfig(
  octokit: ProbotOctokit,
  where: RepoRef,
): Promise<{ config: ParsedConfig; ownFileOnly: boolean }> {
  const { read, ownFileOnly } = await readRepoFile(octokit, where);
  return { config: await underPolicy(octokit, where, read), ownFileOnly };
}

/** `.github/baton.yml` as read: the settings, whether its own file alone gave them, and the repositories whose files did. */
interface RepoFile {
  read: RepoRead;
  ownFileOnly: boolean;
  /** `owner/name` of each repository whose `.github/baton.yml` gave settings: its own, an `_extends` base, the organisation's `.github`. */
  files: string[];
}

/**
 * `.github/baton.yml` as Probot's `context.config` reads it, merged, not yet
 * checked: on the default branch, or at `ref` (the repository's own file
 * only: an `_extends` base and the organisation's fallback are read on their
 * default branches).
 */
async function readRepoFile(
  octokit: ProbotOctokit,
  { owner, repo }: RepoRef,
  ref?: string,
): Promise<RepoFile> {
  try {
    const { config, files } = await octokit.config.get({
      owner,
      repo,
      path: CONFIG_PATH,
      ...(ref ? { branch: ref } : {}),
      defaults: (configs: Record<string, unknown>[]) =>
        configs.reduce<Record<string, unknown>>((acc, next) => deepMerge(acc, next), {}),
    });
    const ownFileOnly =
      files.length > 0 && files.every((file) => file.owner === owner && file.repo === repo);
    const from = files.filter((file) => file.config).map((file) => `${file.owner}/${file.repo}`);
    return { read: { raw: config }, ownFileOnly, files: from };
  } catch (error) {
    const problem = yamlProblem(error);
    if (!problem) throw error;
    return {
      read: { broken: { ok: false, problems: [problem] } },
      ownFileOnly: false,
      files: [`${owner}/${repo}`],
    };
  }
}

/**
 * The repository's settings under its organisation's policy (`baton-policy.yml`
 * of the owner's `.github` repository, read every ten minutes, `readPolicy`):
 * its file over the policy's defaults, every setting that loosens a limit
 * ignored (`applyPolicy`). A policy that is not one makes this no config: the
 * build says why and starts nothing, never running under looser limits.
 */
async function underPolicy(
  octokit: ProbotOctokit,
  where: RepoRef,
  read: RepoRead,
): Promise<ParsedConfig> {
  if ('broken' in read) return read.broken;
  const policy = await readPolicy(octokit, where.owner);
  if (!policy.ok) {
    const file = `${policy.source}: ${POLICY_FILE} at ${policy.commit.slice(0, 7)}`;
    return {
      ok: false,
      problems: policy.problems.map((message) => ({ field: '(policy)', message, file })),
    };
  }
  const { config } = applyPolicy(read.raw, policy.policy);
  if (config.ok) return config;
  return { ok: false, problems: await findFieldLines(octokit, where, config.problems) };
}

const CONFIG_TTL_MS = 10 * 60_000;
const configs = remembered(new Map<string, { at: number; read: Promise<RepoFile> }>());

/**
 * The config as of a default-branch head: the repository's file read once per
 * head. One that came from the repository's own file alone is that head's for
 * good; one with an `_extends` base or the organisation's `.github` fallback
 * is read again after ten minutes (those live in another repository and
 * change on their own). The organisation's policy over it is read every ten
 * minutes (`readPolicy`). A cache, not state: losing it costs a read.
 */
export async function loadConfigAt(
  ctx: RepoRef & { octokit: ProbotOctokit },
  defaultSha: string,
  now = Date.now(),
): Promise<ParsedConfig> {
  const where = { owner: ctx.owner, repo: ctx.repo };
  const key = `${ctx.owner}/${ctx.repo}@${defaultSha}`;
  const { read } = await cachedRepoFile(ctx.octokit, where, { key, now });
  return underPolicy(ctx.octokit, where, read);
}

/** `readRepoFile` kept under `key`: for good where its own file alone gave it, else ten minutes. */
async function cachedRepoFile(
  octokit: ProbotOctokit,
  where: RepoRef,
  { key, ref, now }: { key: string; ref?: string; now: number },
): Promise<RepoFile> {
  const hit = configs.get(key);
  if (hit) {
    const kept = await hit.read;
    if (kept.ownFileOnly || now - hit.at < CONFIG_TTL_MS) return kept;
  }
  const read = readRepoFile(octokit, where, ref);
  configs.set(key, { at: now, read });
  // A failed read is not remembered.
  read.catch(() => configs.delete(key));
  if (configs.size > 500) configs.delete(configs.keys().next().value ?? key);
  return read;
}

/** A repository's settings in effect and where each came from (the page's settings view, docs/governance.md). */
export interface SettingsInEffect {
  /** The newest commit of the default branch that changed `.github/baton.yml`; null where none did. */
  fileCommit: string | null;
  /** `owner/name` of each repository whose `.github/baton.yml` gave settings ([] where none did). */
  files: string[];
  /** The organisation's policy read above them, at its commit; null where there is none. */
  policy: PolicySource | null;
  /**
   * Every setting in effect with where it came from, and the repository's
   * settings the policy ignored, each with the limit it loosens; or why there
   * is no config, in the words a build says them (Baton starts nothing).
   */
  outcome:
    | { ok: true; settings: EffectiveSetting[]; ignored: IgnoredSetting[] }
    | { ok: false; problems: ConfigProblem[] };
}

/**
 * The settings in effect for a repository, read as a build reads them: its
 * `.github/baton.yml` as Probot reads it, at `fileCommit` (the newest commit
 * of its default branch that changed the file, which the caller read) and
 * kept as `loadConfigAt` keeps a head's, under its organisation's policy
 * (`readPolicy`, shared with the reconciles), merged by `applyPolicy` and
 * told leaf by leaf by `effectiveSettings`, as `baton check --effective` tells them.
 */
export async function loadSettingsInEffect(
  octokit: ProbotOctokit,
  where: RepoRef,
  { fileCommit, now = Date.now() }: { fileCommit: string | null; now?: number },
): Promise<SettingsInEffect> {
  const key = `${where.owner}/${where.repo}@file ${fileCommit ?? 'none'}`;
  const { read, files } = await cachedRepoFile(octokit, where, {
    key,
    ...(fileCommit ? { ref: fileCommit } : {}),
    now,
  });
  const policy = await readPolicy(octokit, where.owner, now);
  const source = policy.ok
    ? (policy.policy?.source ?? null)
    : { source: policy.source, commit: policy.commit };
  const base = { fileCommit, files, policy: source };
  if ('raw' in read && policy.ok) {
    const { config, applied } = applyPolicy(read.raw, policy.policy);
    if (config.ok) {
      const ignored = applied?.ignored ?? [];
      const settings = effectiveSettings({
        config: config.config,
        repoRaw: read.raw,
        policy: policy.policy?.policy ?? null,
        ignored,
      });
      return { ...base, outcome: { ok: true, settings, ignored } };
    }
  }
  const config = await underPolicy(octokit, where, read);
  return { ...base, outcome: { ok: false, problems: config.ok ? [] : config.problems } };
}

/** Forgets every cached config and policy; tests start from a clean slate. */
export function clearConfigCache(): void {
  configs.clear();
  clearPolicies();
}

function yamlProblem(error: unknown): ConfigProblem | null {
  if (!(error instanceof Error) || !error.message.includes('invalid YAML')) return null;
  const cause = error.cause as YamlError | undefined;
  return cause?.message ? invalidYaml(cause) : { field: '(file)', message: 'is not valid YAML' };
}

/** An error of the `yaml` package: its message, and where in the text it is. */
interface YamlError {
  message: string;
  linePos?: [{ line: number; col: number }, ...{ line: number; col: number }[]] | undefined;
}

/**
 * The problem of a file that is not YAML, whole: what is wrong, at which line
 * and column. The `yaml` package's message is that, then a colon and an
 * excerpt of the text with a caret under the place, which a line of text
 * cannot show: the excerpt goes, and the colon before it.
 */
function invalidYaml(error: YamlError): ConfigProblem {
  const [head = ''] = error.message.split('\n');
  const where = error.linePos?.[0];
  const said = head.replace(/:\s*$/, '');
  const reason =
    where && !/ at line \d+, column \d+$/.test(said)
      ? `${said} at line ${where.line}, column ${where.col}`
      : said;
  return {
    field: '(file)',
    message: `is not valid YAML: ${reason}`,
    ...(where ? { line: where.line } : {}),
  };
}

/** Adds line numbers to schema problems, from the repository's own file where the field is there. */
async function findFieldLines(
  octokit: ProbotOctokit,
  { owner, repo }: RepoRef,
  problems: ConfigProblem[],
): Promise<ConfigProblem[]> {
  let text: string;
  try {
    const response = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner,
      repo,
      path: CONFIG_PATH,
      mediaType: { format: 'raw' },
    });
    text = String(response.data);
  } catch {
    return problems; // The field came from an `_extends` base: no line to show.
  }
  return withLines(text, problems);
}

/**
 * Checks a `.github/baton.yml` as text, offline (`baton check`): not valid
 * YAML, or the problems `parseConfig` finds, each with its line in the text,
 * in the order of their lines. An `_extends` base is not followed (it lives
 * in another repository).
 */
export function checkConfigText(text: string): ConfigProblem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const [error] = doc.errors;
  if (error) return [invalidYaml(error)];
  const raw = doc.toJS() as unknown;
  const own = isPlainObject(raw)
    ? Object.fromEntries(Object.entries(raw).filter(([key]) => key !== '_extends'))
    : raw;
  const parsed = parseConfig(own);
  return parsed.ok ? [] : inLineOrder(withLines(text, parsed.problems));
}

/** Problems by line, those of no line (the whole file) first. */
function inLineOrder(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.toSorted((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** Each problem with the line of its field in `text`, where the field is there. */
function withLines(text: string, problems: ConfigProblem[]): ConfigProblem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return problems.map((problem) => {
    const path = problem.path ?? (problem.field === '(file)' ? [] : problem.field.split('.'));
    const line = lineOfPath(doc, path, lineCounter);
    return line ? { ...problem, line } : problem;
  });
}

function lineOfPath(
  doc: ReturnType<typeof parseDocument>,
  path: (string | number)[],
  lineCounter: LineCounter,
): number | undefined {
  // An unknown key has no value node of its own to point at; its parent's key line is close enough.
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
