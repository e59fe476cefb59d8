/**
 * `.github/baton.yml`: every key with its default, parsed with zod into a
 * `Config`, or into problems that name the file, the line and the field. The
 * labels Baton uses follow from it (`labels.ts`, `build-labels.ts`).
 */

import { z } from 'zod';
import { MAX_IMPROVE_LOOPS } from '../commands/command-readers.js';
import { RepositoryName } from '../plan/plan.js';
import { callsProvider, readEngineSettings } from '../sessions/engines.js';
import { PROVIDER_TRAITS, type ProviderTraits } from '../sessions/providers.js';
import { findNearest } from '../vocabulary/nearest.js';
import { findModelPrice, LISTED_MODEL_IDS } from '../vocabulary/pricing.js';
import { PROVIDERS } from '../vocabulary/provider-names.js';
import type { AppliedPolicy } from './config-problems.js';
import { type ConfigProblem, problemsOf, withoutBrokenSections } from './config-problems.js';
import { EventDoors } from './event-doors.js';
import { MemorySettings } from './memory-settings.js';
import { MODEL_KINDS, Models } from './model-settings.js';
import { RunawaySettings } from './runaway.js';
import { Schedules } from './schedules.js';
import { Session } from './session-settings.js';
import { Trackers } from './trackers.js';
import { VerificationSettings } from './verification-settings.js';

const Review = z.strictObject({
  /** A review session on every worker PR, in the run of the session that pushed its head. Off: a human's review decides. */
  enabled: z.boolean().default(true),
  /** Fix sessions per PR before Baton asks a person (label `baton:needs-human`). */
  maxFixRounds: z.number().int().min(0).max(10).default(2),
  /** Baton's own approval never merges alone; a person must approve too. */
  requireHuman: z.boolean().default(false),
});

const Merge = z.strictObject({
  /** How worker PRs are merged into the build branch. */
  method: z.enum(['squash', 'merge', 'rebase']).default('squash'),
  /** Merge only when every check run and commit status on the PR's head has passed. */
  requireChecks: z.boolean().default(true),
});

/** What `budget.maxUsd` is when `.github/baton.yml` does not say: a cap worth a person's look. */
export const DEFAULT_MAX_USD = 50;

const Budget = z.strictObject({
  /**
   * Pause the build once its sessions have cost this many US dollars, and tell
   * the people it notifies. `null` or `0` turns the cap off.
   */
  maxUsd: z
    .number()
    .nonnegative()
    .nullable()
    .default(DEFAULT_MAX_USD)
    .transform((usd) => (usd === 0 ? null : usd)),
  /**
   * Pause every build of the repository once its sessions, all builds
   * together, have cost this many US dollars on one UTC day (until the next
   * day). `null` or `0`: no daily cap.
   */
  dailyUsd: z
    .number()
    .nonnegative()
    .nullable()
    .default(null)
    .transform((usd) => (usd === 0 ? null : usd)),
  /**
   * A worker whose session the build's budget or the daily cap stopped keeps
   * its partial work as a draft pull request; with this on, a session goes on
   * from it by itself once the budget or cap is raised (or the day turns),
   * without waiting for `/continue`.
   */
  continuePartial: z.boolean().default(false),
});

/** A GitHub login, as `@login` mentions it. */
const Login = z
  .string()
  .trim()
  .regex(/^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'is not a GitHub login')
  .transform((login) => login.replace(/^@/, ''));

const Final = z.strictObject({
  /** Enable auto-merge on the final pull request. */
  autoMerge: z.boolean().default(false),
  /**
   * Keep `.baton/builds/<build>/` in the final PR, so the repository keeps how
   * it was built. Removing it in a last commit is not supported yet, so only
   * `true` is accepted (rather than a `false` that would silently do nothing).
   */
  keepRecord: z
    .literal(true, {
      error:
        'can only be true for now (removing the record from the final PR is not supported yet): delete this line',
    })
    .default(true),
});

const LabelName = z.string().trim().min(1).max(50);

/**
 * The labels that start a build of each type other than `code` (which `label`
 * starts); docs/build-types.md.
 */
const Types = z.strictObject({
  /** Starts a research build: findings, a synthesis, a report. */
  research: LabelName.default('orchestrate:research'),
  /** Starts a content build: documents written to their declared outputs. */
  content: LabelName.default('orchestrate:content'),
});

const PlanSettings = z.strictObject({
  /**
   * Mirror a planned build as sub-issues of its issue, one per worker, with
   * "blocked by" links for its dependencies; each is closed when its worker
   * merges. Off by default: it costs about five API requests per worker
   * (docs/sub-issues.md).
   */
  mirrorSubIssues: z.boolean().default(false),
});

const Improve = z.strictObject({
  /**
   * An issue label that starts improvement loops like `/improve` does, with
   * the issue's description as the focus; null: only `/improve` starts them.
   */
  label: LabelName.nullable().default(null),
  /** How many loops that label asks for. */
  loops: z.number().int().min(1).max(MAX_IMPROVE_LOOPS).default(3),
  /**
   * With `approval: plan`, which loops of `/improve` wait for `/approve`:
   * `every-loop`, or `first-loop` (later loops start as soon as they are planned).
   */
  approval: z.enum(['every-loop', 'first-loop']).default('every-loop'),
});

const Domain = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.-]+(?:\/[^\s]*)?$/, 'must be a domain such as docs.python.org (no https://)');

/**
 * Web search and web fetch (the model provider's server tools) for research
 * sessions: research-build workers and improvement-loop research. Each search
 * is billed by the provider on top of tokens (docs/sessions.md). They are an
 * egress route past the session's proxy: a query or a fetched address can
 * carry what the model read (docs/security.md, "Egress").
 */
const Research = z
  .strictObject({
    /**
     * `auto`: on where the repository is public (its code is no secret), off
     * where it is private or internal, or where the session cannot tell;
     * `true`: on; `false`: research sessions read only the repository.
     */
    web: z.union([z.literal('auto'), z.boolean()]).default('auto'),
    /** Only these domains are searched and fetched (empty: any). Not with `blockedDomains`. */
    allowedDomains: z.array(Domain).max(50).default([]),
    /** These domains are never searched or fetched. Not with `allowedDomains`. */
    blockedDomains: z.array(Domain).max(50).default([]),
    /** Web searches one session may make, and likewise web fetches. */
    maxUses: z.number().int().min(1).max(100).default(10),
  })
  .refine((r) => r.allowedDomains.length === 0 || r.blockedDomains.length === 0, {
    message: 'set allowedDomains or blockedDomains, not both (the API accepts one)',
  });

/** The most repositories one change set may list besides the issue's own (docs/change-sets.md). */
export const MAX_CHANGE_SET_REPOSITORIES = 10;

/**
 * Change sets (docs/change-sets.md): one build whose workers live in several
 * repositories of the app's installation.
 */
const ChangeSets = z.strictObject({
  /**
   * The repositories a build of this repository may change besides this one,
   * each installed in the same installation and set up for Baton. Listing a
   * repository also lets this repository's text (the plan's briefs, its
   * workers' reports) reach it.
   */
  repositories: z
    .array(RepositoryName)
    .max(MAX_CHANGE_SET_REPOSITORIES)
    .default([])
    .refine((names) => new Set(names).size === names.length, 'lists a repository twice'),
  /**
   * The repositories that may see this repository's text through a change set
   * (the plan's read of it, its workers' reports): needed where this repository
   * is private or internal; a public one's text is anyone's.
   */
  shareWith: z.array(RepositoryName).max(50).default([]),
});

/** A repository's visibility, as GitHub names it (`repository.visibility`). */
export type RepositoryVisibility = 'public' | 'private' | 'internal';

/**
 * Whether research sessions get the web: `research.web`, with `auto` on only
 * for a repository known to be public (null: not known).
 */
export function isWebResearchOn(
  research: { web: boolean | 'auto' },
  visibility: RepositoryVisibility | null,
): boolean {
  return research.web === 'auto' ? visibility === 'public' : research.web;
}

/** `.github/baton.yml`: every key is optional; the defaults are below. */
export const Config = z
  .strictObject({
    /** The issue label that starts a build. */
    label: LabelName.default('orchestrate'),
    /** The labels of the other build types: `types.research`, `types.content`. */
    types: Types.prefault({}),
    /** `plan`: wait for `/approve` after the plan; `none`: start at once. */
    approval: z.enum(['plan', 'none']).default('plan'),
    /** Workers running at the same time, at most. */
    maxParallel: z.number().int().min(1).max(20).default(4),
    /**
     * Who Baton mentions when a build needs a person (the plan waits for
     * `/approve`, a worker needs help, the budget is reached, the final PR is
     * open). Empty: the person who asked for the build (their label, or `/improve`).
     */
    notify: z.array(Login).max(10).default([]),
    models: Models.prefault({}),
    review: Review.prefault({}),
    merge: Merge.prefault({}),
    session: Session.prefault({}),
    budget: Budget.prefault({}),
    final: Final.prefault({}),
    plan: PlanSettings.prefault({}),
    improve: Improve.prefault({}),
    research: Research.prefault({}),
    changeSets: ChangeSets.prefault({}),
    runaway: RunawaySettings.prefault({}),
    verification: VerificationSettings.prefault({}),
    /** Lessons sessions read from `.baton/memory/`, and an ended build proposes (docs/memory.md). */
    memory: MemorySettings.prefault({}),
    /**
     * Scheduled builds (docs/intake.md): read only from this repository's own
     * file on its default branch; each build's asker is the author of the
     * commit that last changed its schedule there, who must have write access.
     */
    schedules: Schedules,
    /** Builds events ask for, each off unless named here (docs/intake.md). */
    events: EventDoors.prefault({}),
    /**
     * The tracker doors (docs/intake.md): read only from the home repository's
     * file on its default branch; elsewhere they map nothing.
     */
    trackers: Trackers.prefault({}),
  })
  .superRefine((config, ctx) => {
    const { validation } = config.verification;
    const allowed = readEngineSettings(config.session.engine, validation.engine).allow;
    const named = [
      ...MODEL_KINDS.map((kind) => ({ model: config.models[kind], path: ['models', kind] })),
      ...(validation.model
        ? [{ model: validation.model, path: ['verification', 'validation', 'model'] }]
        : []),
      // A provider's own models (`models.openai`) are priced only where an engine that calls it may run.
      ...PROVIDERS.flatMap((provider) => {
        const key: ProviderTraits['modelsKey'] = PROVIDER_TRAITS[provider].modelsKey;
        return key !== null && callsProvider(allowed, provider)
          ? MODEL_KINDS.map((kind) => ({
              model: config.models[key][kind],
              path: ['models', key, kind],
            }))
          : [];
      }),
    ];
    for (const { model, path } of named) {
      if (findModelPrice(model, config.models.prices)) continue;
      // A near miss of a known id is most likely a typo of it: named first, then what else to do.
      const nearest = findNearest(model, [
        ...knownModelIds(),
        ...Object.keys(config.models.prices),
      ]);
      const lead = nearest
        ? `${model} has no price; did you mean \`${nearest}\`? As it is, its sessions`
        : `${model} has no price, so its sessions`;
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${lead} would count as free and no budget would stop them: add its list price under models.prices (${model}: { input: <USD per million input tokens>, output: <USD per million output tokens> }), or use a model of the opus, sonnet or haiku family (gpt-5.5 for Codex)`,
      });
    }
  });
export type Config = z.infer<typeof Config>;

/** The model ids Baton knows by name: its default models, and those its price lists name. */
function knownModelIds(): string[] {
  const defaults = Models.parse({});
  const ids = [
    ...MODEL_KINDS.map((kind) => defaults[kind]),
    ...MODEL_KINDS.map((kind) => defaults.openai[kind]),
    ...LISTED_MODEL_IDS,
  ];
  return [...new Set(ids)];
}

export type ParsedConfig =
  | {
      ok: true;
      config: Config;
      /** The organisation's policy the config is under (org-policy.ts); absent: none applies. */
      policy?: AppliedPolicy;
    }
  | { ok: false; problems: ConfigProblem[] };

export function defaultConfig(): Config {
  return Config.parse({});
}

/**
 * Checks a config already read from YAML (`null` for an empty or missing
 * file). The checks across sections (a model with no price) run on the
 * sections with no problem of their own too, so one round names them all.
 */
export function parseConfig(raw: unknown): ParsedConfig {
  const parsed = Config.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems = parsed.error.issues.flatMap((issue) =>
    problemsOf(issue, { raw, keysAt: settingKeysAt }),
  );
  const sound = withoutBrokenSections(raw, parsed.error.issues);
  const across = sound ? Config.safeParse(sound) : null;
  if (across && !across.success) {
    const seen = new Set(problems.map((problem) => `${problem.field} ${problem.message}`));
    for (const problem of across.error.issues.flatMap((issue) =>
      problemsOf(issue, { raw, keysAt: settingKeysAt }),
    ))
      if (!seen.has(`${problem.field} ${problem.message}`)) problems.push(problem);
  }
  return { ok: false, problems };
}

/** The internals of a zod 4 schema that `settingKeysAt` walks: a wrapper's inner schema, an object's keys. */
interface SchemaDef {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  in?: unknown;
  valueType?: unknown;
}

/**
 * The settings Baton knows at a path of `.github/baton.yml` (`['budget']`:
 * `maxUsd`, `dailyUsd`), read off the schema itself, so a "did you mean"
 * can never suggest a key that is not there; [] where the path names no object.
 */
export function settingKeysAt(path: readonly string[]): string[] {
  let schema: unknown = Config;
  for (const segment of [...path, null]) {
    let def = defOf(schema);
    // Defaults, prefaults, optionals and transforms wrap the schema that has the keys.
    while (def && def.type !== 'object' && def.type !== 'record') {
      const inner = def.innerType ?? def.in;
      if (inner === undefined) return [];
      def = defOf(inner);
    }
    if (!def) return [];
    if (segment === null) return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
    schema = def.type === 'record' ? def.valueType : def.shape?.[segment];
    if (schema === undefined) return [];
  }
  return [];
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
}
