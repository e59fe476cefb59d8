// `npm run demo`: one whole build on the local simulator, with no credentials
// and no network. Prints every version of the build's status comment as the
// app writes it, and writes its transcript to the system's temporary folder
// (`--write-transcript`: to docs/demo-transcript.md, the committed one).
// `npm run demo -- research` plays a research build instead
// (docs/demo-research-transcript.md); `npm run demo -- improve` plays
// improvement loops (`/improve 3`; docs/demo-improve-transcript.md);
// `npm run demo -- doctor` runs `baton doctor` against the simulator;
// `npm run demo -- page` serves the page with builds and people to sign in as;
// `npm run demo -- change-set` plays a change set across three repositories
// (docs/demo-change-set-transcript.md), and `npm run demo -- steer` a build
// whose running session is talked to (docs/demo-steer-transcript.md);
// `npm run demo -- linear` a Linear epic delivered as a change set
// (docs/demo-linear-transcript.md).
// Each run writes to a folder of its own under $TMPDIR/baton-demo/.
// First, before anything else runs: an older Node is refused in one line.
import '../src/refuse-old-node.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../sim/actions/run-step.js';
import { type Simulation, startSimulation, WHOLE_BUILD_LIMIT_MS } from '../sim/e2e.js';
import type { FakeGitHub } from '../sim/github/fake-github.js';
import type { SimPull } from '../sim/github/records.js';
import { CHANGE_SET_ISSUE, SET_REPOSITORIES } from '../sim/scenario/builds/change-set-scenario.js';
import {
  diamondScenario,
  GREETING_ISSUE,
  setUpWidgets,
} from '../sim/scenario/builds/greeting-scenario.js';
import {
  IMPROVE_COMMAND,
  IMPROVE_ISSUE,
  improveScenario,
} from '../sim/scenario/builds/improve-scenario.js';
import {
  RESEARCH_ISSUE,
  researchScenario,
  setUpResearchRepo,
} from '../sim/scenario/builds/research-scenario.js';
import { type PlayedBuild, playBuild } from '../sim/scenario/play-build.js';
import { playChangeSet } from '../sim/scenario/play-change-set.js';
import { playImprove } from '../sim/scenario/play-improve.js';
import { playLinearEpic } from '../sim/scenario/play-linear-epic.js';
import { playTalk } from '../sim/scenario/play-talk.js';
import type { Scenario } from '../sim/scenario/scenario.js';
import { createScriptedModel, type ScriptedModel } from '../sim/scenario/scripted-model.js';
import {
  DEMO_USAGE,
  dotEnvNotice,
  failureLines,
  makeRunFolder,
  readDemoArgs,
  transcriptPath,
} from './demo-args.js';
import { runDoctorDemo } from './demo-doctor.js';
import { heartbeatLine, startHeartbeat } from './demo-heartbeat.js';
import { runPageDemo } from './demo-page.js';

/**
 * How long a demo's build may take before it counts as hung: a guard, not a
 * measure (the demo goes on as soon as the build does). At a load of 25 on
 * two cores the research build took past three minutes.
 */
const TIME_LIMIT_MS = WHOLE_BUILD_LIMIT_MS;

/** The steer demo's budget: its plan and about fifteen of the work session's turns (test/e2e/build-talk.test.ts). */
const STEER_BUDGET_USD = 0.25;
const STEER = '/steer W1.1 Also write STEERED.md saying: heard while it worked';
const QUEUE = '/queue W1.1 Also write QUEUED.md saying: kept for the next session';

/** What the watchers of a played build are told. */
interface Watchers {
  onStatus: (body: string) => void;
  onNotice: (body: string) => void;
  onComment: (body: string) => void;
  /** What the maintainer does besides commenting: presses merge, raises the budget. */
  onAct: (what: string) => void;
  /** What Baton wrote in a tracker: its comment's new text, or a move of the issue. */
  onLinear: (what: string) => void;
}

/** The simulator's variables for the app in every demo. */
const DEMO_APP_ENV = {
  // The simulated GitHub needs no second between writes; a tenth keeps their order and pace.
  BATON_WRITE_SPACING_MS: '100',
};

/** What a demo that starts its own simulation leaves. */
interface OwnPlay {
  sim: Simulation;
  model: ScriptedModel;
  finalPull: SimPull;
}

/**
 * What the demo plays: the code build (default), a research build, or improvement loops,
 * on a simulation it starts with `scenario` and `setup`; or, with `own`, a play that starts
 * the simulation it needs itself (several repositories, a held session).
 */
type DemoBuild = {
  transcript: string;
  heading: string;
  /** What the maintainer does first, for the terminal. */
  start: string;
  story: string;
} & (
  | {
      scenario: () => Scenario;
      setup: (gh: FakeGitHub) => void;
      play: (sim: Simulation, watchers: Watchers) => Promise<Pick<PlayedBuild, 'finalPull'>>;
    }
  | { own: (watchers: Watchers, started: Simulation[]) => Promise<OwnPlay> }
);

const DEMOS: Record<string, DemoBuild> = {
  code: {
    transcript: 'demo-transcript.md',
    heading: 'one build, from the label to the final pull request',
    scenario: () => diamondScenario({ reviewChanges: true }),
    setup: setUpWidgets,
    start: `Labelling issue "${GREETING_ISSUE.title}" with \`orchestrate\`.`,
    play: (sim, watchers) =>
      playBuild({ sim, issue: GREETING_ISSUE, timeoutMs: TIME_LIMIT_MS, ...watchers }),
    story:
      'The build: issue "Add greet and bye commands" on a small JavaScript project is labelled `orchestrate`. The plan splits it into W1.1 and W1.2, which run side by side, and W2.1, which needs both. W1.1\'s first review asks for a change; a fix session makes it, and the second review approves.',
  },
  research: {
    transcript: 'demo-research-transcript.md',
    heading: 'one build, from the label to the final pull request',
    scenario: () => researchScenario({ strayCode: true }),
    setup: setUpResearchRepo,
    start: `Labelling issue "${RESEARCH_ISSUE.title}" with \`${RESEARCH_ISSUE.label}\`.`,
    play: (sim, watchers) =>
      playBuild({
        sim,
        issue: RESEARCH_ISSUE,
        retries: 1,
        followUps: 'approve',
        timeoutMs: TIME_LIMIT_MS,
        ...watchers,
      }),
    story:
      "The build: issue \"Which runtime should widgets support\" is labelled `orchestrate:research`. The plan asks two questions, W1.1 and W1.2, side by side; each worker writes a findings document with its sources and confidence. W1.2's first attempt also writes code: publish refuses it, and the maintainer's `/retry W1.2` brings an attempt that writes findings only. Once both are reviewed and merged, the synthesis session writes REPORT.md, posts its summary on the issue and proposes one follow-up question as worker W2.1; the maintainer's `/approve` runs it, and a second synthesis covers its findings before the final pull request delivers the report.",
  },
  improve: {
    transcript: 'demo-improve-transcript.md',
    heading: 'improvement loops, from `/improve 3` to the final pull request',
    scenario: improveScenario,
    setup: setUpWidgets,
    start: `Commenting \`${IMPROVE_COMMAND}\` on issue "${IMPROVE_ISSUE.title}".`,
    play: (sim, watchers) =>
      playImprove({
        sim,
        issue: IMPROVE_ISSUE,
        command: IMPROVE_COMMAND,
        timeoutMs: 2 * TIME_LIMIT_MS,
        ...watchers,
      }),
    story: `The series: \`${IMPROVE_COMMAND}\` on an issue with no label. Loop 1's research finds no greeting and its plan adds one (W1.1); loop 2's research, reading only loop 1's summary, finds no farewell (W2.1); loop 3's research finds nothing worth doing, which ends the series. Each loop's plan waits for \`/approve\`; one final pull request delivers both loops.`,
  },
  'change-set': {
    transcript: 'demo-change-set-transcript.md',
    heading: 'a change set across three repositories, from the label to /rollback',
    start: `Labelling issue "${CHANGE_SET_ISSUE.title}" of ${SET_REPOSITORIES.service} with \`orchestrate\`.`,
    own: async (watchers, started) => {
      const played = await playChangeSet({
        mode: 'hosted',
        started,
        timeoutMs: WHOLE_BUILD_LIMIT_MS,
        appEnv: DEMO_APP_ENV,
        watchers: {
          onStatus: watchers.onStatus,
          onNotice: watchers.onNotice,
          onMaintainer: watchers.onAct,
        },
      });
      return { sim: played.sim, model: played.model, finalPull: played.finals.service };
    },
    story: `The change set: issue "${CHANGE_SET_ISSUE.title}" in ${SET_REPOSITORIES.service}, whose \`.github/baton.yml\` lists ${SET_REPOSITORIES.lib} (private, sharing its text with the other two) and ${SET_REPOSITORIES.client} under \`changeSets.repositories\`. One plan puts W1.1 in lib, W2.1 and W2.2 in the service (both after W1.1, their re-exports conflicting), and W3.1 in the client (after W2.1); each repository builds its part with its own branch, runs and reviews, and W1.1's first review asks for a change. Each repository's final pull request waits on the check \`baton/change-set\` until the ones it lands after have merged: the maintainer's merge of the client's, pressed too early, is refused; lib, the service and the client then merge in that order. \`/rollback\` opens revert pull requests in the reverse order, the client's first.`,
  },
  linear: {
    transcript: 'demo-linear-transcript.md',
    heading: 'a Linear epic, from its label to the epic moved to done',
    start: 'Alice gives the Linear epic SVC-1 the label `baton`.',
    own: async (watchers, started) => {
      const played = await playLinearEpic({
        started,
        timeoutMs: 2 * WHOLE_BUILD_LIMIT_MS,
        appEnv: DEMO_APP_ENV,
        watchers: {
          onStatus: watchers.onStatus,
          onNotice: watchers.onNotice,
          onMaintainer: watchers.onAct,
          onLinear: watchers.onLinear,
        },
      });
      return { sim: played.sim, model: played.model, finalPull: played.finals.service };
    },
    story: `The epic: SVC-1 "Rename fetchUser to getUser" in Linear, whose three children are LIB-2 (team LIB, mapped to ${SET_REPOSITORIES.lib}) and SVC-3 and SVC-4 (team SVC, mapped to ${SET_REPOSITORIES.service}); LIB-2 blocks both. ${SET_REPOSITORIES.service}'s \`.github/baton.yml\` maps the two teams and Alice to the maintainer's GitHub login, and lists ${SET_REPOSITORIES.lib} under \`changeSets.repositories\`. Linear delivers the label's webhook twice; the app, hosted, checks its signature, reads the children from Linear, and opens one issue in the service that asks one change set, the children quoted as material. Baton comments once on the epic and edits that comment as the build moves. The maintainer approves the plan on GitHub and merges the two final pull requests as the set releases them, the library's first; once both merged, the epic is moved to Done.`,
  },
  steer: {
    transcript: 'demo-steer-transcript.md',
    heading: 'talking to a running session: /queue, /steer, a wind-down and /continue',
    start: 'Labelling issue "Add a greeting" with `orchestrate`.',
    own: async (watchers, started) => {
      const played = await playTalk({
        engine: 'baton',
        budgetUsd: STEER_BUDGET_USD,
        steer: STEER,
        queue: QUEUE,
        // A running session looks for messages every second here, every 15 s in Actions.
        pollSeconds: 1,
        started,
        appEnv: DEMO_APP_ENV,
        watchers,
      });
      return { sim: played.sim, model: played.model, finalPull: played.build.finalPull };
    },
    story: `The build: one worker, W1.1, adds a greeting, with a budget of $${STEER_BUDGET_USD} (\`budget.maxUsd\`). While its work session runs, the maintainer comments \`${QUEUE}\`, which waits for the worker's next session, and \`${STEER}\`, which the running session takes in between two turns: it writes the file, and the status says at which turn. Nearing what the budget has left, the session is told to wind down: it commits what works, writes a hand-off note, and publish opens that partial work as a draft pull request. The maintainer raises the budget and comments \`/continue W1.1\`: a new session starts from the draft and its note, takes in the queued message first, and the worker is reviewed and merged.`,
  },
};

const ARGS = readDemoArgs(process.argv.slice(2));
const KIND = ARGS.kind;
const DEMO = DEMOS[KIND];
const MARKER = /^<!-- baton:status [^>]*-->\n/;
const NOTICE_MARKER = /^<!-- baton:notice [^>]*-->\n/;

/** One thing that happened on the issue, for the terminal and the transcript. */
type Entry =
  | { kind: 'status'; body: string; seconds: number }
  | { kind: 'notice'; body: string; seconds: number }
  | { kind: 'comment'; body: string; seconds: number }
  | { kind: 'act'; body: string; seconds: number }
  | { kind: 'linear'; body: string; seconds: number };

async function main(): Promise<number> {
  if (ARGS.unknown.length > 0) {
    console.error(`Unknown option ${ARGS.unknown.join(', ')}\n\n${DEMO_USAGE}`);
    return 2;
  }
  if (ARGS.help) {
    console.log(DEMO_USAGE);
    return 0;
  }
  const notice = dotEnvNotice(REPO_ROOT);
  if (notice) console.log(notice);
  if (KIND === 'doctor' && !ARGS.writeTranscript) {
    return runDoctorDemo(await makeRunFolder({ temp: tmpdir(), kind: KIND }));
  }
  if (KIND === 'page' && !ARGS.writeTranscript) {
    const runFolder = await makeRunFolder({ temp: tmpdir(), kind: KIND });
    return runPageDemo(runFolder, { hold: process.stdin.isTTY === true });
  }
  if (!DEMO) {
    console.error(
      `No demo called "${KIND}"${KIND === 'doctor' || KIND === 'page' ? ' with --write-transcript' : ''}: run \`npm run demo\`, or \`npm run demo -- KIND\` with KIND research, improve, change-set, linear, steer, doctor or page.`,
    );
    return 2;
  }
  const runFolder = await makeRunFolder({ temp: tmpdir(), kind: KIND });
  const TRANSCRIPT = transcriptPath({
    name: DEMO.transcript,
    write: ARGS.writeTranscript,
    docs: fileURLToPath(new URL('../docs/', import.meta.url)),
    runFolder,
  });
  const DIAGNOSTICS = join(runFolder, 'diagnostics.txt');
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const entries: Entry[] = [];
  console.log('Starting the simulator: GitHub, the OIDC issuer, the scripted model, the app…');
  let sim: Simulation | null = null;
  const simulations: Simulation[] = [];
  const watchers: Watchers = {
    onStatus: (body) =>
      show(entries, { kind: 'status', body: body.replace(MARKER, ''), seconds: seconds() }),
    onNotice: (body) =>
      show(entries, {
        kind: 'notice',
        body: body.replace(NOTICE_MARKER, ''),
        seconds: seconds(),
      }),
    onComment: (body) => show(entries, { kind: 'comment', body, seconds: seconds() }),
    onAct: (body) => show(entries, { kind: 'act', body, seconds: seconds() }),
    onLinear: (body) => show(entries, { kind: 'linear', body, seconds: seconds() }),
  };
  // The status comment is quiet for minutes while sessions run: say what runs meanwhile.
  const stopHeartbeat = startHeartbeat({
    quietFor: () => Date.now() - lastShown,
    line: () =>
      heartbeatLine(
        [sim, ...simulations]
          .flatMap((one) => (one ? [one.gh, ...one.peers] : []))
          .flatMap((gh) => gh.runs),
        seconds(),
      ),
    print: (text) => {
      lastShown = Date.now();
      console.log(text);
    },
  });
  try {
    let model: ScriptedModel;
    let played: Pick<PlayedBuild, 'finalPull'>;
    if ('own' in DEMO) {
      console.log(DEMO.start);
      const own = await DEMO.own(watchers, simulations);
      ({ sim, model } = own);
      played = { finalPull: own.finalPull };
    } else {
      model = createScriptedModel(DEMO.scenario());
      sim = await startSimulation({
        respond: model,
        setup: DEMO.setup,
        parallel: 3,
        appEnv: DEMO_APP_ENV,
      });
      console.log(DEMO.start);
      played = await DEMO.play(sim, watchers);
    }
    if (model.problems.length > 0) {
      throw new Error(
        `the scripted model met turns it had no answer for:\n- ${model.problems.join('\n- ')}`,
      );
    }
    const summary = describeRun({ sim, model, played, seconds: seconds() });
    await mkdir(dirname(TRANSCRIPT), { recursive: true });
    await writeFile(
      TRANSCRIPT,
      renderTranscript({ entries, played, summary, heading: DEMO.heading, story: DEMO.story }),
    );
    console.log(`\n${summary}\nTranscript: ${TRANSCRIPT}`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failed = sim ?? simulations[0];
    await writeFile(DIAGNOSTICS, `${message}\n\n${failed?.diagnostics() ?? ''}`).catch(
      () => undefined,
    );
    console.error(failureLines({ error, diagnostics: DIAGNOSTICS }));
    return 1;
  } finally {
    stopHeartbeat();
    await sim?.stop();
    for (const one of simulations) if (one !== sim) await one.stop();
  }
}

/** When the demo last printed a line of the build: the heartbeat speaks only after a silence. */
let lastShown = Date.now();

function show(entries: Entry[], entry: Entry): void {
  entries.push(entry);
  lastShown = Date.now();
  const at = `${new Date().toLocaleTimeString('en-GB')} · +${entry.seconds.toFixed(1)} s`;
  if (entry.kind === 'comment') {
    console.log(`\n>>> ${at} · maintainer comments: ${entry.body}`);
    return;
  }
  if (entry.kind === 'act') {
    console.log(`\n>>> ${at} · maintainer ${entry.body}`);
    return;
  }
  if (entry.kind === 'linear') {
    console.log(`\n📋 ${at} · in Linear, Baton writes on the epic:\n${entry.body}`);
    return;
  }
  if (entry.kind === 'notice') {
    console.log(`\n🔔 ${at} · Baton posts a new comment (people are notified):\n${entry.body}`);
    return;
  }
  const version = entries.filter((e) => e.kind === 'status').length;
  const title = ` ${at} · status comment, version ${version} `;
  console.log(`\n${'═'.repeat(8)}${title}${'═'.repeat(Math.max(8, 72 - title.length))}\n`);
  console.log(entry.body.trimEnd());
}

/** One line on what the build took: time, sessions, tokens and cost as the final report counts them. */
function describeRun({
  sim,
  model,
  played,
  seconds,
}: {
  sim: Simulation;
  model: ScriptedModel;
  played: Pick<PlayedBuild, 'finalPull'>;
  seconds: number;
}): string {
  const roles = new Map<string, number>();
  for (const session of model.sessions) roles.set(session.role, (roles.get(session.role) ?? 0) + 1);
  const sessions = [...roles].map(([role, count]) => `${count} ${role}`).join(', ');
  const totals = /\*\*Total\*\* \| \| [^|]+ \| \| ([\d,]+) \| (\$[\d.]+) \|/.exec(
    played.finalPull.body,
  );
  const requests = sim.model.requests;
  const thinking = requests.filter((r) => r.body.thinking).length;
  const web = requests.filter((r) => r.body.tools?.some((t) => t.name === 'web_search')).length;
  const features = `${thinking} of ${requests.length} model requests asked for extended thinking, ${web} offered web search and fetch`;
  return `Delivered in ${seconds.toFixed(0)} s: final pull request #${played.finalPull.number} into ${sim.gh.defaultBranch}, after ${model.sessions.length} sessions (${sessions}); ${totals?.[1] ?? '?'} tokens, ${totals?.[2] ?? '?'} as the scripted model reported them; ${features}.`;
}

function renderTranscript({
  entries,
  played,
  summary,
  heading,
  story,
}: {
  entries: Entry[];
  played: Pick<PlayedBuild, 'finalPull'>;
  summary: string;
  heading: string;
  story: string;
}): string {
  const command = `npm run demo${KIND === 'code' ? '' : ` -- ${KIND}`}`;
  let version = 0;
  const sections = entries.map((entry) => {
    switch (entry.kind) {
      case 'comment':
        return `> **+${entry.seconds.toFixed(1)} s** · the maintainer comments \`${entry.body}\``;
      case 'act':
        return `> **+${entry.seconds.toFixed(1)} s** · the maintainer ${entry.body}`;
      case 'notice':
        return `### 🔔 Notice: a new comment by Baton (+${entry.seconds.toFixed(1)} s)\n\nA new comment notifies the people it mentions; an edit of the status comment notifies nobody.\n\n${entry.body
          .trim()
          .split('\n')
          .map((line) => `> ${line}`)
          .join('\n')}`;
      case 'linear':
        return `### 📋 In Linear: Baton on the epic (+${entry.seconds.toFixed(1)} s)\n\n${entry.body
          .trim()
          .split('\n')
          .map((line) => `> ${line}`)
          .join('\n')}`;
      case 'status':
        return `## Status comment, version ${++version} (+${entry.seconds.toFixed(1)} s)\n\n${entry.body.trim()}`;
      default: {
        const _exhaustive: never = entry;
        return _exhaustive;
      }
    }
  });
  return [
    `# Demo transcript: ${heading}`,
    '',
    `Written by \`${command}\` ([scripts/demo.ts](../scripts/demo.ts)). It runs with no credentials and no network, on the local simulator ([docs/simulator.md](simulator.md)): the real app process, the real \`baton session agent\` and \`baton session publish\` jobs, and git over HTTP on a real bare repository, all on 127.0.0.1. Only the model is scripted ([sim/scenario/](../sim/scenario/)): it reads each request as a model would, and answers with tool calls and usage.`,
    '',
    story,
    '',
    `Run it yourself: \`npm ci\`, then \`${command}\`. It prints each version of the status comment as the app writes it and writes a transcript like this one to your temporary folder (\`-- --write-transcript\` writes this file again). Times, links and numbers differ from run to run; the story does not.`,
    '',
    `${summary}`,
    '',
    ...sections.flatMap((section) => [section, '']),
    `## The final pull request: #${played.finalPull.number} ${played.finalPull.title}`,
    '',
    played.finalPull.body.trim(),
    '',
  ].join('\n');
}

process.exitCode = await main();
