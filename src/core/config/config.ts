/**
 * `.github/baton.yml`: every key with its default, parsed with zod into a
 * `Config`, or into problems that name the file, the line and the field. The
 * labels Baton uses follow from it (`labels.ts`, `build-labels.ts`).
 */

import { z } from 'zod';
import { MAX_IMPROVE_LOOPS } from '../commands/command-readers.js';
import { RepositoryName } from '../plan/plan.js';
import {
  HOST_PATTERN,
  isIpLiteral,
  SANDBOX_MODEL_PORT,
  SANDBOX_PROXY_PORT,
} from '../sessions/egress.js';
import { callsProvider, EngineSetting, readEngineSettings } from '../sessions/engines.js';
import { renderDidYouMean } from '../vocabulary/nearest.js';
import { findModelPrice } from '../vocabulary/pricing.js';
import { RunawaySettings } from './runaway.js';

/** A model's list price: US dollars per million input and output tokens (cache reads and writes follow input). */
const ModelPriceSetting = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
});

/** The kinds of session `models` names a model for. */
export const MODEL_KINDS = ['plan', 'easy', 'normal', 'complex', 'review'] as const;

/**
 * A budget of extended-thinking tokens: 0 turns thinking off; otherwise at
 * least 1,024 (the API's minimum) and below a request's output limit (16,000).
 * Thinking tokens are billed as output tokens (docs/sessions.md, "What a session costs").
 */
const ThinkingBudget = z
  .number()
  .int()
  .min(0)
  .max(15_000)
  .refine((n) => n === 0 || n >= 1024, 'must be 0 (off) or at least 1024 tokens');

/** Extended thinking per kind of session, in budget tokens per model request. */
const Thinking = z.strictObject({
  /** Plan, adapt, research, summary and synthesis sessions (they run on `models.plan`). */
  plan: ThinkingBudget.default(8000),
  /** Workers whose brief says `complexity: easy`. */
  easy: ThinkingBudget.default(0),
  /** Workers whose brief says `complexity: normal`. */
  normal: ThinkingBudget.default(0),
  /** Workers whose brief says `complexity: complex`. */
  complex: ThinkingBudget.default(8000),
  /** Review sessions. */
  review: ThinkingBudget.default(0),
});

/** A model id for each kind of session, each with its default. */
function modelIds(defaults: Record<'plan' | 'easy' | 'normal' | 'complex' | 'review', string>) {
  return {
    /** Writes the plan (and adapt, research, summary and synthesis sessions). */
    plan: z.string().min(1).default(defaults.plan),
    /** Workers whose brief says `complexity: easy`. */
    easy: z.string().min(1).default(defaults.easy),
    /** Workers whose brief says `complexity: normal`. */
    normal: z.string().min(1).default(defaults.normal),
    /** Workers whose brief says `complexity: complex`. */
    complex: z.string().min(1).default(defaults.complex),
    /** Reviews worker pull requests. */
    review: z.string().min(1).default(defaults.review),
  };
}

/** The OpenAI model Codex runs on, for each kind of session (`session.engine: codex`). */
const OpenAiModels = z.strictObject(
  modelIds({
    plan: 'gpt-5.5',
    easy: 'gpt-5.5',
    normal: 'gpt-5.5',
    complex: 'gpt-5.5',
    review: 'gpt-5.5',
  }),
);

/**
 * Model ids for each kind of session; any id the Messages API accepts (Baton's
 * own loop and Claude Code), and under `openai` the Responses API's (Codex).
 */
const Models = z.strictObject({
  ...modelIds({
    plan: 'claude-opus-5-5',
    easy: 'claude-haiku-5-5',
    normal: 'claude-sonnet-5-5',
    complex: 'claude-opus-5-5',
    review: 'claude-sonnet-5-5',
  }),
  /** Extended thinking budgets per kind of session (0 = off): `models.thinking.complex: 12000`. */
  thinking: Thinking.prefault({}),
  /** The OpenAI models of sessions on the `codex` engine: `models.openai.complex: gpt-5.5`. */
  openai: OpenAiModels.prefault({}),
  /**
   * Prices of model ids the built-in table (src/core/vocabulary/pricing.ts: the opus,
   * sonnet and haiku families) does not know. A model named above with no
   * price here or there is refused: it would count as free, and no budget would stop it.
   */
  prices: z.record(z.string().min(1), ModelPriceSetting).default({}),
});

const Review = z.strictObject({
  /** Dispatch a review session on every worker PR. Off: a human's review decides. */
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

/** `session.timeoutMinutes` unless `.github/baton.yml` says otherwise. */
export const DEFAULT_SESSION_TIMEOUT_MINUTES = 60;

const Session = z.strictObject({
  /** A session still running after this long is cancelled and marked failed. */
  timeoutMinutes: z.number().int().min(5).max(360).default(DEFAULT_SESSION_TIMEOUT_MINUTES),
  /** A run still queued after this long is cancelled and marked failed. */
  queuedMinutes: z.number().int().min(1).max(1440).default(30),
  /** Model requests one session may make. */
  maxTurns: z.number().int().min(1).max(1000).default(80),
  /** Let sessions change files under `.github/workflows/` (refused by default). */
  allowWorkflowChanges: z.boolean().default(false),
  /**
   * The runner label session jobs run on (the workflow's `runs-on`, passed as
   * the `runner` dispatch input when not the default). A self-hosted runner
   * needs Actions runner v2.327.1 or later (node24 actions) and sudo for the
   * session's tools user.
   */
  runsOn: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be one runner label (letters, digits, - _ .)')
    .default('ubuntu-latest'),
  /**
   * The command work and fix sessions run (as the tools user, in their copy of
   * the repository) before they hand in: `npm test`, `make check`. Null: found
   * from the repository (package.json `scripts.test`, a pytest configuration,
   * go.mod, Cargo.toml); `false` runs none.
   */
  test: z
    .union([z.string().trim().min(1).max(500), z.literal(false)])
    .nullable()
    .default(null),
  /**
   * The coding engine of each kind of session (docs/sessions.md, "Engines"):
   * `baton` (Baton's own loop, the default), `claude-code` or `codex`, for
   * every role; or a table: `{ default: baton, work: claude-code, review: codex,
   * allow: [baton, claude-code, codex] }`. A plan may name an allowed engine
   * per worker, and `/retry W2.1 engine=codex` one for a worker's next attempt.
   */
  engine: EngineSetting,
  /**
   * What the model's commands may reach on the network (docs/security.md,
   * "Egress"). By default (`allow: []`) only the package registries of the
   * ecosystems the repository uses (npm, PyPI, crates.io, the Go module proxy,
   * Maven Central, RubyGems) and the distribution's package archive, through
   * the session's proxy; every other connection is refused and counted in the
   * worker's pull request. `allow` adds host names (`*.example.com` for every
   * subdomain of example.com) or IP addresses; `ports` the ports of services
   * on the runner's own loopback (a database the setup started) that the
   * commands reach at `127.0.0.1:<port>`, which the sandbox's network
   * otherwise hides. `open`: the runner's network, any host (the status
   * comment says so); without a tools user (local runs) the only setting that
   * lets the commands run unconfined.
   */
  network: z
    .union([
      z.literal('open'),
      z.strictObject({
        allow: z
          .array(
            z
              .string()
              .trim()
              .toLowerCase()
              .refine(
                (host) => HOST_PATTERN.test(host) || isIpLiteral(host),
                'must be a host name, *.domain for its subdomains, or an IP address',
              ),
          )
          .max(200)
          .default([]),
        ports: z
          .array(
            z
              .number()
              .int()
              .min(1)
              .max(65535)
              .refine(
                (port) => port !== SANDBOX_PROXY_PORT,
                `${SANDBOX_PROXY_PORT} is where the sandbox reaches the egress proxy`,
              )
              .refine(
                (port) => port !== SANDBOX_MODEL_PORT,
                `${SANDBOX_MODEL_PORT} is where an engine in the sandbox reaches the model proxy`,
              ),
          )
          .max(20)
          .default([]),
      }),
    ])
    .default({ allow: [], ports: [] }),
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
     * open). Empty: the person who labelled the issue.
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
    /**
     * When a worker counts as a runaway, warned of on the page and in a notice on
     * the issue: its sessions failing in a row (`runaway.failures`), or costing
     * more than `runaway.usdPerHour` within an hour.
     */
    runaway: RunawaySettings.prefault({}),
  })
  .superRefine((config, ctx) => {
    const openai = callsProvider(readEngineSettings(config.session.engine).allow, 'openai');
    const named = [
      ...MODEL_KINDS.map((kind) => ({ model: config.models[kind], path: ['models', kind] })),
      // OpenAI's models are priced only where an engine that calls OpenAI may run.
      ...(openai
        ? MODEL_KINDS.map((kind) => ({
            model: config.models.openai[kind],
            path: ['models', 'openai', kind],
          }))
        : []),
    ];
    for (const { model, path } of named) {
      if (findModelPrice(model, config.models.prices)) continue;
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${model} has no price, so its sessions would count as free and no budget would stop them: add its list price under models.prices (${model}: { input: <USD per million input tokens>, output: <USD per million output tokens> }), or use a model of the opus, sonnet or haiku family (gpt-5.5 for Codex)`,
      });
    }
  });
export type Config = z.infer<typeof Config>;

/** One thing wrong with a config file, by the path of its field as a person writes it. */
export interface ConfigProblem {
  /** `review.maxFixRounds`, `changeSets.repositories, item 3` (items counted from 1), or `(file)` for the whole file. */
  field: string;
  message: string;
  /** The field's keys and list indexes (from 0), where it has one: what finds its line. */
  path?: (string | number)[];
  /** The value found there, quoted (`"acme/lib.git"`, `25`), where it is one word or number. */
  value?: string;
  /** 1-based line in the file, where the loader could tell. */
  line?: number;
}

export type ParsedConfig = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

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
  const problems = parsed.error.issues.flatMap((issue) => problemsOf(issue, [], raw));
  const sound = withoutBrokenSections(raw, parsed.error.issues);
  const across = sound ? Config.safeParse(sound) : null;
  if (across && !across.success) {
    const seen = new Set(problems.map((problem) => `${problem.field} ${problem.message}`));
    for (const problem of across.error.issues.flatMap((issue) => problemsOf(issue, [], raw)))
      if (!seen.has(`${problem.field} ${problem.message}`)) problems.push(problem);
  }
  return { ok: false, problems };
}

type Issue = z.core.$ZodIssue;

/**
 * A field's path as a person writes it: keys joined by dots, a list's item
 * counted from 1 (`changeSets.repositories, item 3`).
 */
export function renderConfigPath(path: readonly (string | number)[]): string {
  const parts: string[] = [];
  let keys: string[] = [];
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (keys.length > 0) parts.push(keys.join('.'));
      keys = [];
      parts.push(`item ${segment + 1}`);
    } else keys.push(segment);
  }
  if (keys.length > 0) parts.push(keys.join('.'));
  return parts.join(', ');
}

/** The value at `path` in what the file holds; undefined where there is none. */
function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** A value as a person reads it: text quoted, a number or true/false as is, a list or table by its kind. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value))
    return value.length === 0 ? 'an empty list' : `a list of ${countOf(value.length, 'item')}`;
  return 'a table of settings';
}

/** A scalar value quoted for the field's line; undefined for a list, a table or nothing. */
function quotedScalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? describeValue(value)
    : undefined;
}

function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** zod's name of a type as a person writes it in YAML. */
function typeWord(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
    case 'map':
      return 'a table of settings';
    default:
      return expected;
  }
}

/** zod's default wording, which a person should never read: a schema's own message is kept. */
function isZodsOwnWording(message: string): boolean {
  return /^(Invalid|Too (big|small)|Unrecognized|Expected)/.test(message);
}

/** What is wrong with the value, in words, for the issues whose wording is zod's. */
function rewordIssue(issue: Issue, value: unknown): string {
  if (!isZodsOwnWording(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `must be set, to ${typeWord(issue.expected)}`
        : `must be ${typeWord(issue.expected)}, not ${describeValue(value)}`;
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      const inclusive = issue.inclusive !== false;
      const limit =
        issue.code === 'too_big'
          ? inclusive
            ? 'at most'
            : 'fewer than'
          : inclusive
            ? 'at least'
            : 'more than';
      if (Array.isArray(value))
        return `lists ${countOf(value.length, 'item')}; ${limit} ${String(bound)} may be listed`;
      if (typeof value === 'string')
        return `is ${countOf(value.length, 'character')} long; ${limit} ${String(bound)}`;
      return `must be ${limit === 'fewer than' ? 'less than' : limit} ${String(bound)}`;
    }
    case 'invalid_format':
      return `is not a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message;
  }
}

/** One zod issue as the problems a person reads, under the path `at` (a union's option's issues sit below it). */
function problemsOf(issue: Issue, at: readonly PropertyKey[], raw: unknown): ConfigProblem[] {
  const path = [...at, ...issue.path].map((segment) =>
    typeof segment === 'number' ? segment : String(segment),
  );
  const field = renderConfigPath(path) || '(file)';
  const value = valueAt(raw, path);
  const quoted = quotedScalar(value);
  const problem = (message: string): ConfigProblem => ({
    field,
    message,
    path,
    // Quoted beside the field unless the message already says it (`acme-1 has no price`).
    ...(quoted !== undefined && !message.startsWith(String(value)) && !message.includes(quoted)
      ? { value: quoted }
      : {}),
  });
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = settingKeysAt(path.map(String));
      return issue.keys.map((key) => ({
        field: renderConfigPath([...path, key]),
        message: `is not a Baton setting${renderDidYouMean(key, known) || ' (check the spelling)'}`,
        path: [...path, key],
      }));
    }
    case 'invalid_value': {
      // zod's own words list the values as JSON; a schema's own message stays.
      const own =
        !issue.message.startsWith('Invalid option') && !issue.message.startsWith('Invalid input');
      return [problem(own ? issue.message : `must be one of: ${issue.values.join(', ')}`)];
    }
    case 'invalid_union': {
      // The option of the value's own shape (a table whose fields are wrong,
      // else a name that is not a type error) says what is wrong with it.
      const deeper = issue.errors.filter((option) => option.some((inner) => inner.path.length > 0));
      const shaped = deeper.length > 0 ? deeper : issue.errors.filter((o) => !o.every(isWrongType));
      const only = shaped.length === 1 ? (shaped[0] ?? []) : [];
      // One literal (`auto`) beside a type (`true or false`) is said as both.
      const [first] = only;
      const literal =
        only.length === 1 && first?.code === 'invalid_value' && first.values.length === 1;
      if (only.length > 0 && !literal) return only.flatMap((inner) => problemsOf(inner, path, raw));
      const words = unionWords(issue.errors);
      return [
        problem(quoted ? `must be ${words}` : `must be ${words}, not ${describeValue(value)}`),
      ];
    }
    default:
      return [problem(rewordIssue(issue, value))];
  }
}

/** What a union's options accept, in words (`true or false, or "auto"`). */
function unionWords(options: readonly (readonly Issue[])[]): string {
  const words = options.flatMap((option) =>
    option.flatMap((inner) => {
      if (inner.code === 'invalid_type') return [typeWord(inner.expected)];
      if (inner.code === 'invalid_value') return inner.values.map((v) => JSON.stringify(v));
      return [];
    }),
  );
  return [...new Set(words)].join(', or ') || 'another kind of value';
}

function isWrongType(issue: Issue): boolean {
  return issue.code === 'invalid_type' && issue.path.length === 0;
}

/** The top-level sections of `raw` with no problem of their own, or null when that leaves nothing to check. */
function withoutBrokenSections(raw: unknown, issues: readonly Issue[]): object | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const broken = new Set<string>();
  for (const issue of issues) {
    const [section] = issue.path.map(String);
    if (section !== undefined) broken.add(section);
    else if (issue.code === 'unrecognized_keys') for (const key of issue.keys) broken.add(key);
    else return null;
  }
  const sound = Object.fromEntries(Object.entries(raw).filter(([key]) => !broken.has(key)));
  return Object.keys(sound).length > 0 ? sound : null;
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
