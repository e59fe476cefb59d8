/**
 * One conversation of a session on another engine (engine-registry.ts),
 * under the same contract as Baton's own loop (model-loop.ts): the engine
 * runs whole in the sandbox as the tools user, in the session's work tree,
 * reaching a model only through the model proxy; it hands in by writing a
 * JSON file, which Baton checks with the role's own `submit_*` schema and
 * checks, and (work, fix) with the tests. What is not accepted goes back to
 * the engine as the next run of the same conversation, as the loop sends a
 * rejected submission back; a limit reached at the proxy, a run that ends
 * without a hand-in, or too many rejections end the session `failed`, with
 * the reason.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { SessionRole } from '../../../core/sessions/session.js';
import type { Interjection, Interjections } from '../model/interjection.js';
import type { AgentLimits } from '../model/limits.js';
import type { LoopOutcome } from '../model/model-loop.js';
import type { UsageMeter } from '../model/usage-meter.js';
import type { ModelProxy } from '../model-proxy/model-proxy.js';
import { renderEngineSystemPrompt } from '../prompts/engine-prompt.js';
import type { SubmitTool } from '../tools/submit-tool.js';
import type { Confinement } from './confinement.js';
import type { CodingEngine } from './engine-commands.js';
import { EngineHomeError, prepareEngineHome, writeHomeFile } from './engine-home.js';
import { engineKit } from './engine-registry.js';
import { readHandIn } from './hand-in.js';
import type { InstalledEngine } from './install-engine.js';

/** What the role asks of the engine: the same parts as a conversation of Baton's loop. */
export interface EngineConversation<T> {
  role: SessionRole;
  repository: string;
  model: string;
  prompt: string;
  submit: SubmitTool<T>;
  verify?: ((value: T) => Promise<string | null>) | undefined;
  /** Work and fix: the engine's changes to the work tree are what the session delivers. */
  writes: boolean;
  /** The providers' web tools (research). */
  web: boolean;
  /** Files the session reads that Baton's loop gets through a tool (a review's patches), and what to say of them. */
  extra?: { files: { name: string; content: string }[]; describe: (dir: string) => string } | null;
  /**
   * The environment of the session's commands, scrubbed of every credential
   * (what Baton's loop gives its bash tool), with the egress proxy's variables;
   * the engine's own variables go on top.
   */
  env: Record<string, string>;
  /** What the engine is told while it works (work and fix: a person's `/steer`, the wind-down). */
  interjections?: Interjections | undefined;
}

/** Where and with what the conversation runs. */
export interface EngineSeat {
  installed: InstalledEngine;
  confinement: Confinement;
  proxy: ModelProxy;
  limits: AgentLimits;
  meter: UsageMeter;
  now: () => number;
  log: (line: string) => void;
}

const HAND_IN = 'baton-hand-in.json';

/** Runs the engine until its hand-in is taken, a limit or a failure; never throws for those. */
export async function runEngineConversation<T>(
  conversation: EngineConversation<T>,
  seat: EngineSeat,
): Promise<LoopOutcome<T>> {
  const { installed, confinement, proxy, limits, log } = seat;
  const engine = installed.engine;
  // The engine writes its hand-in in its HOME; Baton reads it from outside.
  const handIn = path.join(confinement.home, HAND_IN);
  let extra: string | null;
  try {
    extra = await writeExtraFiles(confinement, conversation.extra ?? null);
  } catch (error) {
    if (error instanceof EngineHomeError) return { kind: 'failed', reason: error.message };
    throw error;
  }
  const system = renderEngineSystemPrompt({
    engine,
    role: conversation.role,
    repository: conversation.repository,
    workDir: confinement.workDir,
    writes: conversation.writes,
    submit: conversation.submit.definition.name,
    schema: conversation.submit.definition.input_schema,
    handIn,
    extra,
  });
  proxy.allowWeb(conversation.web);
  // The wind-down is checked as the proxy meters each answer: the engine's turns are its own.
  proxy.onMetered(() => conversation.interjections?.checkWindDown());
  const runs: EngineRuns<T> = {
    conversation,
    seat,
    engine,
    system,
    handIn,
    thread: { id: null },
    sent: receiptsAtProxy(conversation, seat),
  };
  const counts = { rejected: 0, nudges: 0 };
  let prompt = conversation.prompt;
  for (let run = 0; ; run++) {
    const ended = await runOnce(runs, { prompt, resume: run > 0 });
    if (ended.kind !== 'continue') return ended;
    const next = await takeHandIn({
      conversation,
      seat,
      handIn,
      handInOutside: outside(confinement, handIn),
      counts,
      report: ended,
    });
    if (next.kind !== 'continue') return next;
    log(`${engine}: ${next.why}; asking it again`);
    prompt = next.prompt;
    if (limits.deadline - seat.now() <= 0) {
      return {
        kind: 'failed',
        reason:
          'ran out of time (session.timeoutMinutes in .github/baton.yml, less a margin for publishing)',
      };
    }
  }
}

/**
 * The receipts of what the engine is told: the first model request the proxy
 * forwards that carries an interjection's marker is the turn it was taken in
 * at, whatever the engine's own wording around it (a tool result's reminder,
 * a user message of its own). Answers what was sent and not carried yet.
 */
function receiptsAtProxy<T>(
  conversation: EngineConversation<T>,
  seat: EngineSeat,
): Map<string, Interjection> {
  const sent = new Map<string, Interjection>();
  seat.proxy.onModelRequest((body, turn) => {
    for (const [id, interjection] of sent) {
      if (!body.includes(interjection.marker)) continue;
      sent.delete(id);
      seat.log(`${seat.installed.engine}: took ${id} in at turn ${turn}`);
      conversation.interjections?.took(interjection, turn);
    }
  });
  return sent;
}

/** The session stopped at the proxy: why, and the limit when one stopped it. */
function stoppedOutcome(proxy: ModelProxy, reason: string): LoopOutcome<never> {
  const limit = proxy.stoppedAt();
  return { kind: 'failed', reason, ...(limit ? { limit } : {}) };
}

type RunEnd<T> =
  | LoopOutcome<T>
  | { kind: 'continue'; finished: boolean; error: string | null; code: number | null };

/** What every run of one conversation shares. */
interface EngineRuns<T> {
  conversation: EngineConversation<T>;
  seat: EngineSeat;
  engine: CodingEngine;
  system: string;
  handIn: string;
  /** The engine's thread or session (Codex's, Copilot's), kept across the runs of one conversation. */
  thread: { id: string | null };
  /** What was sent to the engine and no model request has carried yet. */
  sent: Map<string, Interjection>;
}

/** One run of the engine, to its end; a limit the proxy reached ends it at once. */
async function runOnce<T>(
  runs: EngineRuns<T>,
  { prompt, resume }: { prompt: string; resume: boolean },
): Promise<RunEnd<T>> {
  const { conversation, seat, engine, system, handIn, thread, sent } = runs;
  const { installed, confinement, proxy, limits, log } = seat;
  const exceeded = proxy.stopped();
  if (exceeded) return stoppedOutcome(proxy, exceeded);
  await rm(outside(confinement, handIn), { force: true });
  const command = engineKit(engine).command({
    binary: installed.binary,
    pathDirs: installed.pathDirs,
    basePath: conversation.env.PATH ?? '',
    prompt,
    model: conversation.model,
    system,
    workDir: confinement.workDir,
    home: confinement.home,
    modelUrl: confinement.modelUrl,
    token: proxy.token,
    web: conversation.web,
    maxTurns: limits.maxTurns,
    resume,
  });
  try {
    await prepareHome(confinement, command.files);
  } catch (error) {
    if (error instanceof EngineHomeError) return { kind: 'failed', reason: error.message };
    throw error;
  }
  const controller = new AbortController();
  proxy.onStop(() => controller.abort());
  const started = seat.now();
  const interjections = conversation.interjections;
  const talk = engineKit(engine).talk({
    prompt,
    model: conversation.model,
    workDir: confinement.workDir,
    resume,
    thread,
    log,
  });
  const unlisten = interjections?.listen((interjection) => {
    if (talk.send(interjection)) sent.set(interjection.id, interjection);
    else interjections.later(interjection);
  });
  const run = await confinement
    .run(
      {
        program: installed.binary,
        args: command.args,
        env: { ...conversation.env, ...command.env },
        timeoutMs: Math.max(1_000, limits.deadline - started),
        talk: { start: (stdin) => talk.start(stdin), line: (line) => talk.line(line) },
      },
      controller.signal,
    )
    .finally(() => {
      unlisten?.();
      // What the engine was sent and no request carried is told again.
      for (const interjection of sent.values()) interjections?.later(interjection);
      sent.clear();
    });
  // Nothing of the engine's runs while Baton reads what it left.
  await confinement.stop();
  const report = talk.report();
  for (const [tool, count] of report.tools)
    seat.meter.tools.set(tool, (seat.meter.tools.get(tool) ?? 0) + count);
  log(
    `${engine} ${installed.version} ${resume ? 'went on' : 'ran'} for ${Math.round((seat.now() - started) / 1000)} s: exit code ${run.code ?? 'none (stopped)'}${report.error ? `, ${report.error}` : ''}`,
  );
  const stopped = proxy.stopped();
  if (stopped) return stoppedOutcome(proxy, stopped);
  if (run.timedOut) {
    return {
      kind: 'failed',
      reason:
        'ran out of time (session.timeoutMinutes in .github/baton.yml, less a margin for publishing)',
    };
  }
  return { kind: 'continue', finished: report.finished, error: report.error, code: run.code };
}

/** What the hand-in says: taken, or what to ask the engine next, or a failure. */
async function takeHandIn<T>({
  conversation,
  seat,
  handIn,
  handInOutside,
  counts,
  report,
}: {
  conversation: EngineConversation<T>;
  seat: EngineSeat;
  handIn: string;
  handInOutside: string;
  counts: { rejected: number; nudges: number };
  report: { finished: boolean; error: string | null; code: number | null };
}): Promise<LoopOutcome<T> | { kind: 'continue'; prompt: string; why: string }> {
  const { limits, installed } = seat;
  const submit = conversation.submit.definition.name;
  const read = await readHandIn(handInOutside, { owner: seat.confinement.uid });
  if (read.kind === 'missing') {
    if (!report.finished) {
      return {
        kind: 'failed',
        reason: `${installed.engine} ended without a usable result (exit code ${report.code ?? 'none'}): ${report.error ?? 'no reason given'}`,
      };
    }
    if (counts.nudges >= limits.maxNudges) {
      return {
        kind: 'failed',
        reason: `${installed.engine} ended without writing its hand-in (${submit})`,
      };
    }
    counts.nudges += 1;
    return {
      kind: 'continue',
      why: 'it ended without a hand-in',
      prompt: `You ended without writing your hand-in to \`${handIn}\`. Finish the task if anything is left, then write it: it is the only way to hand in your work.`,
    };
  }
  const accepted =
    read.kind === 'refused'
      ? { ok: false as const, problems: [read.problem] }
      : conversation.submit.accept(read.value);
  if (!accepted.ok) {
    counts.rejected += 1;
    const problems = accepted.problems.map((p) => `- ${p}`).join('\n');
    if (counts.rejected >= limits.maxInvalidSubmissions) {
      return {
        kind: 'failed',
        reason: `the hand-in (${submit}) was rejected ${counts.rejected} times; last problems:\n${problems}`,
      };
    }
    return {
      kind: 'continue',
      why: 'its hand-in was not accepted',
      prompt: `Your hand-in was not accepted:\n${problems}\nCorrect all of these and write \`${handIn}\` again.`,
    };
  }
  const sentBack = conversation.verify ? await conversation.verify(accepted.value) : null;
  if (sentBack === null) return { kind: 'submitted', value: accepted.value };
  return { kind: 'continue', why: 'the tests failed', prompt: sentBack };
}

/** Where a path of the engine's HOME (as the engine sees it) is for this process. */
function outside(confinement: Confinement, inside: string): string {
  return path.join(confinement.homeOutside, inHome(confinement, inside));
}

/** A path of the engine's HOME (as the engine sees it), relative to the HOME. */
function inHome(confinement: Confinement, inside: string): string {
  const relative = path.relative(confinement.home, inside);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative))
    throw new Error(`${inside} is not in the engine's HOME ${confinement.home}`);
  return relative;
}

/**
 * The engine's HOME: its temp folder and config folder, and the files its
 * command needs first; prepared again before every run, as the job's user, in
 * a folder the tools user has written since: so through engine-home.ts, which
 * follows nothing the tools user left (an EngineHomeError when it finds one).
 */
async function prepareHome(
  confinement: Confinement,
  files: { path: string; content: string }[],
): Promise<void> {
  await prepareEngineHome(
    confinement.homeOutside,
    files.map((file) => ({ relative: inHome(confinement, file.path), content: file.content })),
  );
}

/** Writes the extra files into the engine's HOME (the same way); answers what the prompt says of them. */
async function writeExtraFiles(
  confinement: Confinement,
  extra: EngineConversation<unknown>['extra'],
): Promise<string | null> {
  if (!extra) return null;
  const dir = path.join(confinement.home, '.baton', 'files');
  for (const file of extra.files) {
    await writeHomeFile(confinement.homeOutside, {
      relative: inHome(confinement, path.join(dir, file.name)),
      content: file.content,
    });
  }
  return extra.describe(dir);
}
