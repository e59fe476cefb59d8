/**
 * An organisation's policy (docs/governance.md): `baton-policy.yml` in the
 * organisation's `.github` repository, read above every repository's
 * `.github/baton.yml`. `defaults` are settings each repository inherits and
 * may change; `limits` are what no repository may loosen. `applyPolicy` is the
 * whole merge: the repository's file over the policy's defaults, then each
 * setting that loosens a limit ignored (the value the policy's defaults give
 * stands in) and named, so the status and `baton check` can say which.
 */
import { z } from 'zod';
import { Engine, readEngineSettings } from '../sessions/engines.js';
import type { PolicySource } from '../vocabulary/trailers.js';
import { type Config, type ParsedConfig, parseConfig } from './config.js';
import type { AppliedPolicy, IgnoredSetting } from './config-problems.js';
import { renderConfigPath } from './config-problems.js';
import { MODEL_KINDS } from './model-settings.js';
import { RiskClass } from './verification-settings.js';

/** The policy's file name, in the organisation's `.github` repository. */
export const POLICY_FILE = 'baton-policy.yml';

const Limits = z.strictObject({
  /** The only engines a session may run on. */
  engines: z.array(Engine).min(1).optional(),
  /** The only model ids a session may run on. */
  models: z.array(z.string().trim().min(1).max(100)).min(1).max(50).optional(),
  /** Risk classes that always wait for a person: every repository's `verification.autonomy.waitFor` holds them. */
  waitFor: z.array(RiskClass).optional(),
  /** The most `budget.maxUsd` a build may set (a build with no cap gets this one). */
  maxUsd: z.number().positive().optional(),
  /** What one asker's builds may spend in a UTC day, across every repository of the installation. */
  perAskerDailyUsd: z.number().positive().optional(),
  /**
   * `false`: only a writer's label may start a build without `/approve` (with
   * `approval: none`); a build asked through any other door (a schedule, a red
   * default branch, a tracker, a pull request's label, `/improve`) waits for one.
   */
  otherDoorsApprove: z.boolean().optional(),
  /** `false`: no session reads lessons (`memory.enabled` is off everywhere). */
  memory: z.boolean().optional(),
});
export type PolicyLimits = z.infer<typeof Limits>;

/** `baton-policy.yml`: `defaults` (any `.github/baton.yml` setting) and `limits`. */
export const OrgPolicy = z.strictObject({
  defaults: z.record(z.string(), z.unknown()).default({}),
  limits: Limits.prefault({}),
});
export type OrgPolicy = z.infer<typeof OrgPolicy>;

/** A policy read and checked: its source, and what it sets. */
export interface ReadPolicy {
  source: PolicySource;
  policy: OrgPolicy;
}

/** A policy file's problems, each under `defaults.` or `limits.`; [] when it is sound. */
export function checkPolicy(raw: unknown): { policy: OrgPolicy | null; problems: string[] } {
  const parsed = OrgPolicy.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      policy: null,
      problems: parsed.error.issues.map(
        (issue) =>
          `${renderConfigPath(issue.path as (string | number)[]) || 'the file'} ${issue.message}`,
      ),
    };
  }
  const base = parseConfig(parsed.data.defaults);
  if (!base.ok) {
    return {
      policy: null,
      problems: base.problems.map((problem) => `defaults.${problem.field} ${problem.message}`),
    };
  }
  const own = enforceLimits(base.config, parsed.data.limits, null);
  // Defaults that break their own limits, and models the limits leave with no allowed default, cannot stand
  // in for a repository's ignored setting; a budget, classes, memory and an engine the defaults leave unset follow the limits.
  const broken = own.ignored.filter(
    (one) =>
      one.field.startsWith('models.') ||
      one.field === 'verification.validation.model' ||
      has(parsed.data.defaults, one.field.split('.')),
  );
  return {
    policy: broken.length === 0 ? parsed.data : null,
    problems: broken.map(
      (one) => `defaults.${one.field} (${one.value}) breaks the policy's own limit: ${one.limit}`,
    ),
  };
}

/**
 * A repository's config under a policy: its file (`repoRaw`, as read) over
 * the policy's defaults, checked, then every setting that loosens a limit
 * replaced by what the policy's defaults give and named. No policy: the file
 * alone, as before. A config with problems stays one.
 */
export function applyPolicy(
  repoRaw: unknown,
  read: ReadPolicy | null,
): { config: ParsedConfig; applied: AppliedPolicy | null } {
  if (!read) return { config: parseConfig(repoRaw), applied: null };
  const { policy, source } = read;
  const merged = parseConfig(deepMerge(policy.defaults, isPlainObject(repoRaw) ? repoRaw : {}));
  if (!merged.ok) return { config: merged, applied: null };
  const base = parseConfig(policy.defaults);
  // A checked policy's defaults parse; were they not, the limits alone stand in (Baton's defaults under them).
  const fallback = enforceLimits(
    base.ok ? base.config : parseConfigOk({}),
    policy.limits,
    null,
  ).config;
  const { config, ignored } = enforceLimits(merged.config, policy.limits, fallback);
  // Baton's own defaults follow the limits silently: only what the repository's file set is named.
  const named = ignored.filter((one) => has(repoRaw, one.field.split('.')));
  const applied: AppliedPolicy = {
    source,
    ignored: named,
    perAskerDailyUsd: policy.limits.perAskerDailyUsd ?? null,
    otherDoorsWait: policy.limits.otherDoorsApprove === false,
  };
  return { config: { ok: true, config, policy: applied }, applied };
}

function parseConfigOk(raw: unknown): Config {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error('Baton’s defaults do not parse');
  return parsed.config;
}

/**
 * `config` with every setting that loosens a limit replaced: by `fallback`'s
 * value where one is given (the policy's defaults), else made to hold (a
 * budget lowered to the limit, the classes added, memory off, the first engine
 * allowed). Each replacement is named.
 */
function enforceLimits(
  config: Config,
  limits: PolicyLimits,
  fallback: Config | null,
): { config: Config; ignored: IgnoredSetting[] } {
  const out = structuredClone(config);
  const ignored: IgnoredSetting[] = [];
  const note = (field: string, value: unknown, limit: string): void => {
    ignored.push({ field, value: oneLine(value), limit });
  };
  if (limits.engines) {
    const allowed = limits.engines;
    const named = readEngineSettings(out.session.engine).allow;
    if (named.some((engine) => !allowed.includes(engine))) {
      note('session.engine', out.session.engine, `engines allowed: ${allowed.join(', ')}`);
      out.session.engine = fallback ? fallback.session.engine : (allowed[0] ?? 'baton');
    }
    const validator = out.verification.validation.engine;
    if (validator && !allowed.includes(validator)) {
      note('verification.validation.engine', validator, `engines allowed: ${allowed.join(', ')}`);
      const instead = fallback?.verification.validation.engine;
      if (instead) out.verification.validation.engine = instead;
      else delete out.verification.validation.engine;
    }
  }
  if (limits.models) {
    const allowed = limits.models;
    const limit = `models allowed: ${allowed.join(', ')}`;
    for (const kind of MODEL_KINDS) {
      if (!allowed.includes(out.models[kind])) {
        note(`models.${kind}`, out.models[kind], limit);
        if (fallback) out.models[kind] = fallback.models[kind];
      }
      if (!allowed.includes(out.models.openai[kind]) && fallback) {
        // Codex's models count only where the policy's defaults name allowed ones.
        if (allowed.includes(fallback.models.openai[kind])) {
          if (out.models.openai[kind] !== fallback.models.openai[kind])
            note(`models.openai.${kind}`, out.models.openai[kind], limit);
          out.models.openai[kind] = fallback.models.openai[kind];
        }
      }
    }
    const validator = out.verification.validation.model;
    if (validator && !allowed.includes(validator)) {
      note('verification.validation.model', validator, limit);
      const instead = fallback?.verification.validation.model;
      if (instead) out.verification.validation.model = instead;
      else delete out.verification.validation.model;
    }
  }
  if (limits.waitFor) {
    const waitFor = out.verification.autonomy.waitFor;
    const missing = limits.waitFor.filter((risk) => !waitFor.includes(risk));
    if (missing.length > 0) {
      note(
        'verification.autonomy.waitFor',
        waitFor,
        `always wait for a person: ${limits.waitFor.join(', ')}`,
      );
      out.verification.autonomy.waitFor = [...waitFor, ...missing];
    }
  }
  if (limits.maxUsd !== undefined) {
    const { maxUsd } = out.budget;
    if (maxUsd === null || maxUsd > limits.maxUsd) {
      note('budget.maxUsd', maxUsd, `at most ${limits.maxUsd} US dollars a build`);
      const instead = fallback?.budget.maxUsd;
      out.budget.maxUsd =
        instead !== undefined && instead !== null && instead <= limits.maxUsd
          ? instead
          : limits.maxUsd;
    }
  }
  if (limits.memory === false && out.memory.enabled) {
    note('memory.enabled', true, 'memory is off');
    out.memory.enabled = false;
  }
  return { config: out, ignored };
}

/** A value in one line, as YAML's flow style writes it. */
function oneLine(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Where an effective setting came from. */
export type SettingOrigin = 'repository' | 'policy' | 'policy limit' | 'default';

/** One setting in effect: its path, its value in one line, and where it came from. */
export interface EffectiveSetting {
  field: string;
  value: string;
  origin: SettingOrigin;
}

/**
 * Every setting in effect, leaf by leaf (a list is one leaf), with where it
 * came from: a limit that replaced the repository's, the repository's file,
 * the policy's defaults, or Baton's default.
 */
export function effectiveSettings({
  config,
  repoRaw,
  policy,
  ignored,
}: {
  config: Config;
  repoRaw: unknown;
  policy: OrgPolicy | null;
  ignored: readonly IgnoredSetting[];
}): EffectiveSetting[] {
  const limited = new Set(ignored.map((one) => one.field));
  const batons = parseConfig({});
  const out: EffectiveSetting[] = [];
  const walk = (value: unknown, path: string[]): void => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
      return;
    }
    const field = path.join('.');
    const origin: SettingOrigin = limited.has(field)
      ? 'policy limit'
      : has(repoRaw, path)
        ? 'repository'
        : policy && has(policy.defaults, path)
          ? 'policy'
          : // A default the limits changed (memory off, a lower budget) is the limit's.
            batons.ok && oneLine(valueAt(batons.config, path) ?? null) !== oneLine(value ?? null)
            ? 'policy limit'
            : 'default';
    out.push({ field, value: oneLine(value ?? null), origin });
  };
  walk(config, []);
  return out;
}

function valueAt(raw: unknown, path: readonly string[]): unknown {
  let here: unknown = raw;
  for (const key of path) here = isPlainObject(here) ? here[key] : undefined;
  return here;
}

/** Whether `raw` sets the setting at `path`, or a value above it that holds it whole. */
function has(raw: unknown, path: readonly string[]): boolean {
  let here: unknown = raw;
  for (const key of path) {
    if (!isPlainObject(here)) return here !== undefined && here !== raw;
    if (!(key in here)) return false;
    here = here[key];
  }
  return true;
}

/** `override` over `base`, object by object; a list or a value replaces. */
export function deepMerge(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
