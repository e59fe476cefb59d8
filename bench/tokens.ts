import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { type Simulation, startSimulation } from '../sim/e2e.js';
import type { CapturedRequest, FakeMessage, FakeUsage, Respond } from '../sim/fake-anthropic.js';
import { diamondScenario, setUpWidgets } from '../sim/scenario/builds/greeting-scenario.js';
import { playBuild } from '../sim/scenario/play-build.js';
import type { Scenario } from '../sim/scenario/scenario.js';
import { createScriptedModel } from '../sim/scenario/scripted-model.js';

/**
 * Model tokens: what the app itself sends (the target is none) and what each
 * session role spends, over one small whole build in the simulator
 * (sim/e2e.ts): the real app process, real `baton session agent|publish`
 * processes for every session, and the scripted model of sim/scenario
 * answering them. The build: a plan of two workers (W1.1, W1.2), their work
 * sessions and Baton's reviews of their pull requests, to the final PR.
 *
 * Where each request came from is read from the operating system, not
 * assumed: while the fake Messages API holds a request open, the TCP
 * connections to its port (/proc/net/tcp) are traced to the processes that
 * own them (/proc/<pid>/fd), and each owner's environment says what it is.
 * A request counts for a session when its only owner is a `baton session
 * agent` process whose BATON_ROLE is the role its system prompt names; for
 * the app when the app process owns one of them. The runner plays one job at
 * a time, so one agent at most talks to the model.
 *
 * Token counts are those the fake reports (the scripted model's usage: about
 * a token per four characters, the prompt cached as the sessions ask): the
 * input side follows the prompts Baton's sessions really build; the output
 * side is the script's.
 */
export interface TokenReport {
  requests: number;
  /** Requests traced to a session agent process of the role their system prompt names. */
  fromSessions: number;
  /** Requests traced to the app process. */
  fromApp: number;
  /** Tokens of the requests from the app. */
  appTokens: number;
  /** ANTHROPIC_* variables in the app process's environment. */
  appModelVariables: string[];
  roles: RoleTokens[];
  /** Each request: the role its system prompt names, and the process it came from. */
  trace: RequestTrace[];
  seconds: number;
}

/** Where one request came from, as the operating system said while the fake held it. */
export interface RequestTrace {
  index: number;
  /** The role the request's system prompt names. */
  role: string;
  /** `session`: one owner, a session agent; `app`: the app process among the owners. */
  source: 'session' | 'app' | 'other' | 'none';
  /** The owner's BATON_ROLE and GITHUB_RUN_ID, for a session. */
  sessionRole?: string;
  run?: string;
  tokens: number;
}

/** One role's sessions and what the model was sent and answered for them. */
export interface RoleTokens {
  role: string;
  sessions: number;
  requests: number;
  /** Input tokens: plain, read from the cache, written to the cache. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

interface Source {
  /** Processes owning a connection to the fake while it held this request. */
  pids: number[];
  /** The agent sessions among them: BATON_ROLE and GITHUB_RUN_ID. */
  sessions: { role: string; run: string }[];
}

/** Two independent workers of the greeting build, each reviewed. */
function twoWorkerScenario(): Scenario {
  const diamond = diamondScenario();
  return {
    ...diamond,
    plan: {
      ...diamond.plan,
      title: 'greeting and farewell texts',
      summary: 'Two text modules, written in parallel: greeting and farewell.',
    },
    workers: diamond.workers.filter((worker) => worker.id !== 'W2.1'),
  };
}

export async function measureTokens({ timeoutMs = 150_000 } = {}): Promise<TokenReport> {
  const started = Date.now();
  if (!existsSync('/proc/net/tcp')) {
    throw new Error('tracing model requests to their process reads /proc: run this on Linux');
  }
  const model = createScriptedModel(twoWorkerScenario());
  const usages = new Map<number, FakeUsage>();
  const sources = new Map<number, Source>();
  let sim: Simulation | undefined;
  const respond = observed({ respond: model, usages, sources, port: () => portOf(sim) });
  sim = await startSimulation({ respond, setup: setUpWidgets });
  try {
    await playBuild({
      sim,
      issue: {
        title: 'Add greeting and farewell texts',
        body: 'Add `greeting(name)` and `farewell(name)`, each in its own module with a test.',
      },
      timeoutMs,
    });
    if (model.problems.length > 0) {
      throw new Error(`the scripted model met problems:\n${model.problems.join('\n')}`);
    }
    const appModelVariables = await modelVariables(sim.app.pid);
    return tally({ sim, usages, sources, appModelVariables, started });
  } finally {
    await sim.stop();
  }
}

function portOf(sim: Simulation | undefined): number {
  return sim ? Number(new URL(sim.model.url).port) : 0;
}

/** What the observed script keeps of each model request, by its index: its usage and its source. */
interface Traced {
  usages: Map<number, FakeUsage>;
  sources: Map<number, Source>;
}

/** The script, with each request's source traced and its usage made explicit and kept. */
function observed({
  respond,
  usages,
  sources,
  port,
}: Traced & { respond: Respond; port: () => number }): Respond {
  return async (request, index) => {
    sources.set(index, await traceSource(port()));
    const reply = await respond(request, index);
    if (!('message' in reply)) return reply;
    const usage: FakeUsage = { ...estimatedUsage(request, reply.message), ...reply.message.usage };
    usages.set(index, usage);
    return { message: { ...reply.message, usage } };
  };
}

/** The fake's own default usage, for a reply the script gave none. */
function estimatedUsage(request: CapturedRequest, message: FakeMessage): FakeUsage {
  const { system, tools, messages } = request.body;
  return {
    input_tokens: Math.ceil(JSON.stringify([system, tools, messages]).length / 4),
    output_tokens: Math.ceil(JSON.stringify(message.content).length / 4),
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
  };
}

/** The processes owning a TCP connection to 127.0.0.1:`port`, and which of them are sessions. */
async function traceSource(port: number): Promise<Source> {
  const inodes = new Set<string>();
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const table = await readFile('/proc/net/tcp', 'utf8');
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // Columns: sl, local, remote, state (01 established), …, inode (10th).
    if (cols[2] === remote && cols[3] === '01' && cols[9]) inodes.add(`socket:[${cols[9]}]`);
  }
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => []);
    for (const fd of fds) {
      const target = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      if (inodes.has(target)) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  const sessions: Source['sessions'] = [];
  for (const pid of pids) {
    const env = await environment(pid);
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (env.BATON_ROLE && isAgent(cmdline, env)) {
      sessions.push({ role: env.BATON_ROLE, run: env.GITHUB_RUN_ID ?? '' });
    }
  }
  return { pids, sessions };
}

async function environment(pid: number): Promise<Record<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
  return Object.fromEntries(
    raw
      .split('\0')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

async function modelVariables(pid: number): Promise<string[]> {
  const env = await environment(pid);
  if (Object.keys(env).length === 0) throw new Error(`cannot read the environment of app ${pid}`);
  return Object.keys(env).filter((name) => name.startsWith('ANTHROPIC_'));
}

function tally({
  sim,
  usages,
  sources,
  appModelVariables,
  started,
}: Traced & { sim: Simulation; appModelVariables: string[]; started: number }): TokenReport {
  const roles = new Map<string, RoleTokens & { runs: Set<string> }>();
  const trace: RequestTrace[] = [];
  for (const { index, body } of sim.model.requests) {
    const role = roleOf(body.system);
    const source = sources.get(index) ?? { pids: [], sessions: [] };
    const usage = usages.get(index);
    const tokens = usage ? totalOf(usage) : 0;
    const session = source.pids.length === 1 ? source.sessions[0] : undefined;
    trace.push({
      index,
      role,
      source: sourceKind(source, sim.app.pid),
      ...(session ? { sessionRole: session.role, run: session.run } : {}),
      tokens,
    });
    const entry = roles.get(role) ?? {
      role,
      runs: new Set<string>(),
      sessions: 0,
      requests: 0,
      input: 0,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
    };
    entry.requests++;
    if (session) entry.runs.add(session.run);
    entry.input += usage?.input_tokens ?? 0;
    entry.cacheRead += usage?.cache_read_input_tokens ?? 0;
    entry.cacheWrite += usage?.cache_creation_input_tokens ?? 0;
    entry.output += usage?.output_tokens ?? 0;
    roles.set(role, entry);
  }
  const fromApp = trace.filter((t) => t.source === 'app');
  return {
    requests: trace.length,
    fromSessions: trace.filter((t) => t.source === 'session' && t.sessionRole === t.role).length,
    fromApp: fromApp.length,
    appTokens: fromApp.reduce((sum, t) => sum + t.tokens, 0),
    appModelVariables,
    roles: [...roles.values()].map(({ runs, ...entry }) => ({ ...entry, sessions: runs.size })),
    trace,
    seconds: Math.round((Date.now() - started) / 1000),
  };
}

function sourceKind(source: Source, appPid: number): RequestTrace['source'] {
  if (source.pids.includes(appPid)) return 'app';
  if (source.pids.length === 1 && source.sessions.length === 1) return 'session';
  return source.pids.length > 0 ? 'other' : 'none';
}

function totalOf(usage: FakeUsage): number {
  return (
    usage.input_tokens +
    usage.cache_read_input_tokens +
    usage.cache_creation_input_tokens +
    usage.output_tokens
  );
}

/** The role a request's system prompt names (every session prompt starts by naming it). */
function roleOf(system: unknown): string {
  const text = typeof system === 'string' ? system : JSON.stringify(system ?? '');
  return /You are a Baton session in the (\w+) role/.exec(text)?.[1] ?? 'unknown';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await measureTokens();
  console.log(JSON.stringify(report, null, process.argv.includes('--json') ? 0 : 2));
}

/** `baton session agent`, or the session action's bundle with `command: agent`. */
function isAgent(cmdline: string, env: Record<string, string | undefined>): boolean {
  if (/\0session\0agent(\0|$)/.test(cmdline)) return true;
  return env.INPUT_COMMAND === 'agent' && cmdline.includes('baton-session.cjs');
}
