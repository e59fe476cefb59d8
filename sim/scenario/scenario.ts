import type { BuildType, Complexity } from '../../src/core/plan/plan.js';
import type { SessionRole } from '../../src/core/sessions/session.js';
import type { Engine } from '../../src/core/vocabulary/engine-names.js';

/**
 * What a scripted build does, from the plan to the last review: the workers the
 * planner hands in, what each one writes and runs, how its attempts end, and
 * the reviewer's verdict in each round. `createScriptedModel` plays it.
 */
export interface Scenario {
  plan: {
    title: string;
    summary: string;
    /** The build type the planner hands in; left out for a code build. */
    type?: BuildType;
    /** Files the planner reads after the skill and the listing; default `README.md`. */
    reads?: string[];
    /**
     * The build's own acceptance criteria. With these, or a contract's worker
     * (`W0.1` among the workers, played by the contract session), the planner
     * hands in each worker's `criteria` too.
     */
    criteria?: string[];
  };
  /**
   * Every worker; in an improvement series (`loops`), each with its `loop` and
   * its id as Baton renumbers it (loop 2's first worker after loop 1's W1.1 is W2.1).
   */
  workers: ScenarioWorker[];
  /** An improvement series (`/improve`): what each loop's research and summary sessions hand in. */
  loops?: ScenarioLoop[];
  /** Answers the first request of this session's turn with `529 overloaded`, once; the SDK retries it. */
  overloadedOnce?: { role: SessionRole; worker?: string; turn?: number };
  /** Output tokens each turn spends before it answers, as a real model's reasoning does; default 300. */
  thinkingTokens?: number;
  /** A research build's synthesis: the report and the summary it submits. */
  synthesis?: {
    report: string;
    summary: string;
    follow_up?: { title: string; question: string }[];
  };
  /**
   * What the plan session in adapt mode after a merged worker hands in: by that
   * worker's id, the new brief body of each worker it revises (only those the
   * session's first message lists are submitted).
   */
  adaptations?: Record<string, Record<string, string>>;
  /**
   * A milestone's validation session, asked only when the contract's command
   * failed: the checks (criterion ids) it names as failing, by milestone; none
   * named, it hands in the check `command`.
   */
  validation?: Record<number, { check: string; brief: string }[]>;
  /**
   * What a build's learn session proposes from the corrections its first message
   * quotes: these lessons, each citing the lines given and linking every correction
   * listed. Left out, it proposes none.
   */
  learn?: ScenarioLesson[];
}

/** A lesson a scripted learn session proposes (the evidence is every correction's link). */
export interface ScenarioLesson {
  slug: string;
  rule: string;
  why: string;
  paths?: string[];
  citations: { path: string; line: number }[];
}

/** Stands for the build id in a worker's paths and check, which the scenario cannot know. */
export const BUILD_TOKEN = '{build}';

/** A path or command of the scenario with the build id put in. */
export function withBuild(text: string, build: string): string {
  return text.replaceAll(BUILD_TOKEN, build);
}

/** One improvement loop: its research's findings (or nothing worth doing) and its summary. */
export interface ScenarioLoop {
  findings: string;
  nothingWorthDoing?: boolean;
  /** The plan's title and summary for this loop; the scenario's `plan` otherwise. */
  plan?: { title: string; summary: string };
  summary?: string;
}

/** One worker: its brief, its work, and how its sessions go. */
export interface ScenarioWorker {
  id: string;
  /** The improvement loop that plans it, in a series. */
  loop?: number;
  /**
   * A research build's follow-up worker: the round whose synthesis proposes it
   * (from the synthesis's `follow_up`, in order); the planner leaves it out.
   */
  followUp?: number;
  title: string;
  depends_on?: string[];
  complexity?: Complexity;
  /**
   * A fix worker that a failed validation of milestone `fix` adds to the plan
   * (`Fix: <check> fails`, docs/verification.md); the planner leaves it out.
   */
  fix?: number;
  /** The coding engine the plan names for it (`engine` in plan.json); none: the role's. */
  engine?: Engine;
  /** A change set's worker: the repository it changes (`owner/name`); none: the plan's own. */
  repository?: string;
  /** The brief's parts. */
  mission: string;
  context: string;
  requirements: string[];
  criteria: string[];
  reportBack?: string[];
  /** What the worker writes with the editor, path → content, in order. */
  files: Record<string, string>;
  /**
   * What it writes instead when its first message gives the lesson `lesson`: a
   * model that read the lesson follows it (the same paths as `files`).
   */
  followed?: { lesson: string; files: Record<string, string> };
  /**
   * A research worker that searches the web first: the provider's `web_search`
   * runs (scripted here: its result is this page) in the reply before the files are written.
   */
  web?: { query: string; url: string; title: string };
  /** The bash command that shows the work does what the brief asks (run at the workspace root). */
  check: string;
  /** The completion report. */
  summary: string;
  /**
   * The contract's worker (`W0.1`, docs/verification.md): its files are the
   * checks, `check` the command that runs them (it fails until the workers'
   * code is there), and these the contract it hands in with its report.
   */
  contract?: {
    checks: { criterion: string; file: string; name: string }[];
    unchecked?: { criterion: string; why: string }[];
  };
  decisions?: string[];
  concerns?: string[];
  learnings?: string[];
  follow_up?: string[];
  /** Later workers its completion names in `affects`, whose briefs an adapt session revises. */
  affects?: string[];
  /** How attempts end before the one that delivers: the model reports `failed`, or its API errors. */
  failures?: AttemptFailure[];
  /**
   * What an `attack` attempt writes instead of its files, and the command it shows
   * passing (default `check`): a way to make the contract's checks pass whatever the
   * code does. A fix session a `/retry` asks for on its open pull request writes
   * `files`, the honest work.
   */
  attack?: { files: Record<string, string>; check?: string; summary: string };
  /**
   * What an `impossible` attempt hands in: the criteria it says cannot be met
   * (ids; `{build}` allowed nowhere, they are the plan's), why, and its evidence
   * (the check's output is added to it).
   */
  impossible?: { criteria: string[]; reason: string; evidence: string[] };
  /**
   * What a fix session for failing checks (its first message says "These
   * checks failed on") writes before it runs the check again, and how it
   * reports it; without this, such a fix only runs the check.
   */
  checksFix?: { files: Record<string, string>; summary: string };
  /** Round n (from 1) of Baton's review of this worker's PR; rounds not listed approve. */
  reviews?: ReviewRound[];
  /**
   * A worker people talk to while it works (sim/scenario/turns/talk-turns.ts):
   * its work session writes its first file, waits for a `/steer` and does what
   * it asks, then works on until told to wind down and hands in partial work;
   * the continuation writes the rest and what a `/queue` asked.
   */
  talk?: TalkScript;
}

/** How a talked-to worker's sessions go, and what the test holds them on. */
export interface TalkScript {
  /** The file a `/steer` asks for: its text says `<steered> saying: <content>`. */
  steered: string;
  /** The file a `/queue` asks for, the same way. */
  queued: string;
  /** Resolves once the session has read the `/steer`: the work session's first waiting turn answers then. */
  held: () => Promise<void>;
  /** Told when the work session first waits (the test posts its messages then). */
  waiting?: () => void;
  /**
   * A paced session instead (the bench's): each turn runs `sleep 1`, as a real
   * session's turns take time, no turn is held and no wind-down awaited; each
   * `/steer` asks for `<n>-<steered>`, which it writes when it reads it, and it
   * hands in `complete` once it has written `steers` of them.
   */
  paced?: { steers: number };
}

/**
 * `failed`: the model writes part of the work, then submits status `failed`.
 * `error`: the Messages API answers `400` mid-session, which the SDK does not retry.
 * `code-change`: the model writes its files and a code file too, and submits `complete`.
 * `weaken-contract`: the model writes its files, deletes a contract check file
 * of another worker's criterion (the contract worker's, `W0.1`), and submits
 * `complete`, which publish refuses.
 * `attack`: the model writes the worker's `attack` files instead, shows its
 * check passing and submits `complete`.
 * `impossible`: the model reads its brief, runs its check, writes nothing and
 * hands in status `impossible` with the worker's `impossible` (a contract's
 * session: `submit_contract` so, with no contract).
 */
export type AttemptFailure =
  | 'failed'
  | 'error'
  | 'code-change'
  | 'weaken-contract'
  | 'attack'
  | 'impossible';

/** What a `code-change` attempt writes besides its files: code, which a research build refuses. */
export const STRAY_CODE = { path: 'src/stray.js', text: 'export const stray = true;\n' };

/** Where the reviewer's one inline comment goes: the first added line holding `on` (default: the first added line) of `path` (default: the worker's first file). */
interface CommentPlace {
  comment: string;
  on?: string;
  path?: string;
}

/** A review round: approve, or ask for changes that the next fix session makes. */
export type ReviewRound =
  | ({ verdict: 'approve' } & Partial<CommentPlace>)
  | ({
      verdict: 'changes-requested';
      /** What the fix session replaces in the commented file, and how it reports it. */
      fix: { old: string; new: string; summary: string };
    } & CommentPlace);

/** The worker of a scenario, or an error that names the scenario's workers. */
export function scenarioWorker(scenario: Scenario, id: string): ScenarioWorker {
  const found = scenario.workers.find((worker) => worker.id === id);
  if (!found) {
    throw new Error(
      `the scenario has no worker ${id}; it has ${scenario.workers.map((w) => w.id).join(', ')}`,
    );
  }
  return found;
}

/** The brief body the planner writes: mission, output paths, context, requirements, criteria, report. */
export function renderBriefBody(worker: ScenarioWorker, build = BUILD_TOKEN): string {
  const bullets = (items: readonly string[]) => items.map((item) => `- ${item}`).join('\n');
  const report = worker.reportBack ?? [
    'What you built and where, in one paragraph.',
    'Decisions you made where this brief left room.',
    'Anything a later worker or the reviewer should know.',
  ];
  return [
    `## Mission\n\n${worker.mission}`,
    `## Output paths\n\n${bullets(Object.keys(worker.files).map((path) => `\`${withBuild(path, build)}\``))}`,
    `## Context\n\n${worker.context}`,
    `## Requirements\n\n${bullets(worker.requirements)}`,
    `## Success criteria\n\n${worker.criteria.map((item) => `- [ ] ${item}`).join('\n')}\n- [ ] \`${withBuild(worker.check, build)}\` succeeds`,
    `## Report back\n\n${bullets(report)}`,
  ].join('\n\n');
}

/** The review round `round` (from 1) of a worker; unlisted rounds approve. */
export function reviewRound(worker: ScenarioWorker, round: number): ReviewRound {
  return worker.reviews?.[round - 1] ?? { verdict: 'approve' };
}

/** The fix asked for by the `n`-th (from 1) round that requested changes. */
export function requestedFix(
  worker: ScenarioWorker,
  n: number,
): Extract<ReviewRound, { verdict: 'changes-requested' }> | null {
  const asked = (worker.reviews ?? []).filter(
    (round): round is Extract<ReviewRound, { verdict: 'changes-requested' }> =>
      round.verdict === 'changes-requested',
  );
  return asked[n - 1] ?? null;
}
