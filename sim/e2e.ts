import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  CONDUCTOR_WORKFLOW_FILE,
  CONDUCTOR_WORKFLOW_PATH,
  CONFIG_FILE,
} from '../src/core/vocabulary/ids.js';
import { renderTemplates } from '../src/templates.js';
import { type ConductorTrigger, startConductorTrigger } from './actions/conductor-trigger.js';
import type { CodeSource } from './actions/run-step.js';
import { type ActionsRunner, isConductorRun, startActionsRunner } from './actions/runner.js';
import { canConfineSimJobs } from './actions/tool-user.js';
import { type FakeAnthropic, type Respond, startFakeAnthropic } from './fake-anthropic.js';
import { type FakeOpenAi, type RespondResponses, startFakeOpenAi } from './fake-openai.js';
import { FakeGitHub, joinInstallation } from './github/fake-github.js';
import { GitRepoStore } from './github/git/git-repo-store.js';
import type { SimComment } from './github/records.js';
import { type MachineLimit, pollWithin, wallCeiling } from './machine-time.js';
import { type OidcIssuer, startOidcIssuer } from './oidc/issuer.js';
import type { FaultSettings } from './server/faults.js';
import { type GitHubServer, startGitHubServer } from './server/github-server.js';
import type { WebhookRecord } from './server/webhooks.js';
import {
  type AppProcess,
  freePort,
  READY_LIMIT_MS,
  startAppProcessOnFreePort,
} from './start-app.js';

/**
 * How the repository runs Baton: `hosted`, the app as a process GitHub sends
 * webhooks to, and publish trading its OIDC token there; `serverless`, no app
 * process at all: the events start the conductor workflow, which reconciles
 * as the app with a token it mints from the app's key in the repository's
 * secrets, as publish does (docs/serverless.md).
 */
export type SimulationMode = 'hosted' | 'serverless';

/**
 * The Node a whole build's hosted app runs on where a test asks for another than its own:
 * `BATON_TEST_APP_NODE`, a Node binary (`.ci/run` gives its Node 22, the oldest the app
 * supports, while sessions run on Node 24 as a runner's do); unset, the tests' own. Its
 * version is what a test names: the binary is asked.
 */
export function appNode(env: Record<string, string | undefined> = process.env): {
  path: string | undefined;
  version: string;
} {
  const path = env.BATON_TEST_APP_NODE || undefined;
  if (!path) return { path, version: process.version };
  try {
    return { path, version: execFileSync(path, ['--version'], { encoding: 'utf8' }).trim() };
  } catch (error) {
    throw new Error(
      `BATON_TEST_APP_NODE=${path} does not run (${(error as Error).message.split('\n')[0]}): set it to a Node binary, or unset it to run the app on the tests' own Node`,
    );
  }
}

/** How a simulation is set up. */
export interface SimulationOptions {
  /** The scripted model every agent job talks to (sim/fake-anthropic.ts): Baton's loop and Claude Code. */
  respond: Respond;
  /** The scripted OpenAI Responses API (sim/fake-openai.ts), for sessions on Codex; default: none scripted. */
  openai?: RespondResponses;
  /** Default `hosted`. */
  mode?: SimulationMode;
  /** Prepares the repository before anything starts; default `installBaton`. */
  setup?: (gh: FakeGitHub) => void;
  faults?: Partial<FaultSettings>;
  seed?: number;
  /**
   * How the app and the sessions run: by default the app from the sources
   * through tsx and the sessions on the session action's committed bundle;
   * `source` runs the sessions from the sources too; `bin` both built.
   */
  code?: CodeSource;
  /** Whether the workflow has its review jobs (`ActionsRunnerOptions.reviewJobs`); default true. */
  reviewJobs?: boolean;
  /** The app's LOG_LEVEL; default `warn`. */
  logLevel?: string;
  /** Runs at the same time; default 1. */
  parallel?: number;
  keepFolders?: boolean;
  /** App processes behind the webhook URL, as replicas; default 1. */
  replicas?: number;
  /** More variables for the app process (they win). */
  appEnv?: Record<string, string>;
  /** The Node binary the app processes run on (`appNode`); default the tests' own. */
  appNode?: string;
  /** More variables for every job of every run. */
  jobEnv?: Record<string, string>;
  /** How long a job may run before the runner ends it as cancelled; default `JOB_LIMIT_MS` (ten minutes). */
  jobTimeoutMs?: number;
  /**
   * The simulated repository's `owner/name`; default `octo-org/widgets`.
   */
  name?: string;
  /**
   * More repositories of the same installation, served beside it (a change
   * set's, docs/change-sets.md): each on a git repository of its own, set up by
   * its `setup` (default `installBaton`, and the conductor with nothing hosted),
   * with its own webhooks, runner and conductor.
   */
  peers?: PeerRepository[];
  /**
   * The app's public https URL, as a deployment behind a proxy has one: the
   * repository variable `BATON_APP_URL` holds it, and jobs that read it reach
   * the app process, as the proxy would send them (`baton doctor` checks the
   * variable is public https). Unset: the variable is the app's local URL.
   */
  publicAppUrl?: string;
}

/** Another repository of the simulation's installation. */
export interface PeerRepository {
  /** `owner/name`. */
  name: string;
  setup?: (gh: FakeGitHub) => void;
}

/** Everything of one simulation, started and wired together. */
export interface Simulation {
  gh: FakeGitHub;
  /** The installation's other repositories (`peers`), in the order asked. */
  peers: FakeGitHub[];
  /** Each peer's runner, in the same order (`runner` is `gh`'s). */
  peerRunners: ActionsRunner[];
  server: GitHubServer;
  issuer: OidcIssuer;
  model: FakeAnthropic;
  openai: FakeOpenAi;
  app: AppProcess;
  /** Every app process, `app` first (more than one with `replicas`). */
  apps: AppProcess[];
  /** The app's private key (PKCS#8 PEM): what its processes run with, and `baton doctor` signs with. */
  appPrivateKey: string;
  mode: SimulationMode;
  /** What starts the conductor's runs from the events (server-less mode only). */
  conductor: ConductorTrigger | null;
  runner: ActionsRunner;
  /** Opens an issue and labels it (the label webhook included); answers its number. */
  labelIssue(issue: {
    title: string;
    body?: string;
    label?: string;
    user?: string;
    /** Runs on the new issue before it is labelled (to give it sub-issues, say). */
    prepare?: (issue: number) => void;
  }): number;
  /** A comment by a person, with its webhook (`/approve`, `/status`, …). */
  comment(comment: { issue: number; body: string; user?: string }): SimComment;
  /** The body of the build's status comment on an issue, if there is one. */
  statusComment(issue: number): string | undefined;
  /** Waits (`waitFor`) for the build's status comment on an issue to say `text`; answers its body. */
  waitForStatus(issue: number, text: string, limit?: number | MachineLimit): Promise<string>;
  /**
   * Polls `check` until it answers something truthy; throws naming `what`, with the
   * diagnostics, once `limit` of the machine's time ran out (sim/machine-time.ts):
   * `STEP_LIMIT_MS` unless given, or a limit several waits share.
   */
  waitFor<T>(
    what: string,
    check: () => T | null | undefined | false,
    limit?: number | MachineLimit,
  ): Promise<T>;
  /** The app's output, the jobs' output and the deliveries: what to read when something did not happen. */
  diagnostics(): string;
  stop(): Promise<void>;
}

/**
 * How long a whole build may take before its test counts it as hung, in the
 * machine's time (sim/machine-time.ts: on the wall, as many times longer as the
 * load is over the cores). A guard against a build that never ends, not a
 * measure: the tests wait on what the build does. On two cores a diamond build
 * took two minutes beside two benchmarks, and ran past four (still moving)
 * beside the whole suite. A test's or hook's own limit is `wallCeiling` of it.
 */
export const WHOLE_BUILD_LIMIT_MS = 600_000;

/**
 * How long one step of a build (a session, an answer to an event) may take
 * before a test counts it as hung, in the machine's time: a guard, not a
 * measure. Beside the whole suite on two cores a plan session alone took past 45 s.
 */
export const STEP_LIMIT_MS = 180_000;

/**
 * How long on the wall a test or hook gives a simulation's start (the app's
 * `READY_LIMIT_MS`) and then waits that share `limitMs`, both in the machine's
 * time: `wallCeiling` of the two, a guard only a wait that never looks again meets.
 */
export function buildCeiling(limitMs: number): number {
  return wallCeiling(READY_LIMIT_MS + limitMs);
}

/** The maintainer who labels and comments, with write access. */
export const MAINTAINER = 'maintainer';
export const WEBHOOK_SECRET = 'simulated-webhook-secret';
/** The ANTHROPIC_API_KEY every session's agent job gets. */
export const SIM_ANTHROPIC_KEY = 'sk-ant-simulated-key';
/** The OPENAI_API_KEY every session's agent job gets. */
export const SIM_OPENAI_KEY = 'sk-proj-simulated-openai-key';

/** The OpenAI script of a simulation that scripts none: every request is refused, saying so. */
const NO_OPENAI_SCRIPT: RespondResponses = () => ({
  error: {
    status: 400,
    type: 'invalid_request_error',
    message: 'this simulation scripts no OpenAI model',
  },
});

/**
 * The Baton source the simulated repository's workflow pins, and the app is
 * told (BATON_SOURCE_*): the installed templates are then exactly the shipped
 * ones, so onboarding has no "Set up Baton" pull request to open.
 */
export const SIM_BATON_SOURCE = { repository: 'baton-dev/baton', ref: 'ba7c0'.repeat(8) };

/**
 * A repository with Baton set up: the shipped workflow, skills and config on the default branch.
 * On a machine that cannot give the agent jobs the sandbox (not root), the config opts out of it
 * with `session.network: open`, as a local run must (docs/simulator.md).
 */
export function installBaton(gh: FakeGitHub): void {
  const files = renderTemplates({
    batonRepository: SIM_BATON_SOURCE.repository,
    batonRef: SIM_BATON_SOURCE.ref,
  }).map((file) =>
    file.path === `.github/${CONFIG_FILE}` && !canConfineSimJobs()
      ? { ...file, content: `${file.content}\nsession:\n  network: open\n` }
      : file,
  );
  gh.git.commitOn(
    gh.defaultBranch,
    Object.fromEntries(files.map((file) => [file.path, file.content])),
    'Set up Baton',
  );
  gh.workflows.add('baton.yml');
  gh.permissions.set(MAINTAINER, 'write');
}

/**
 * Starts a whole local GitHub world: the simulated GitHub on a real bare
 * repository and its HTTP server, the OIDC issuer, the scripted model, the
 * real app process, and the runner that plays each dispatched session with
 * real `baton session agent|publish` processes.
 */
export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  const store = new GitRepoStore();
  const gh = new FakeGitHub({ git: store, ...ownerAndRepo(options.name) });
  const mode = options.mode ?? 'hosted';
  const appPrivateKey = options.appEnv?.PRIVATE_KEY ?? generateAppKey();
  const prepare = (one: FakeGitHub, setup = installBaton) => {
    // What the workflow reads as secrets.ANTHROPIC_API_KEY; a setup or test may change or delete it.
    one.secrets.set('ANTHROPIC_API_KEY', SIM_ANTHROPIC_KEY);
    one.secrets.set('OPENAI_API_KEY', SIM_OPENAI_KEY);
    setup(one);
    // GitHub knows the app by its key: its JWT is checked on the app's own routes.
    one.appPublicKey = createPublicKey(appPrivateKey);
    if (mode === 'serverless') installConductor(one, appPrivateKey);
  };
  prepare(gh, options.setup);
  const peers = makePeers(gh, options.peers ?? []);
  for (const [index, peer] of peers.entries()) prepare(peer.gh, options.peers?.[index]?.setup);
  const started: { stop(): Promise<void> | void }[] = [
    { stop: () => store.dispose() },
    ...peers.map((peer) => ({ stop: () => peer.store.dispose() })),
  ];
  const stopAll = async () => {
    for (const part of started.splice(0).reverse()) await part.stop();
  };
  try {
    const appPort = await freePort();
    const replicaPorts: number[] = [];
    for (let i = 1; i < (options.replicas ?? 1); i++) replicaPorts.push(await freePort());
    const hookUrl = (port: number) => `http://127.0.0.1:${port}/api/github/webhooks`;
    const issuer = await startOidcIssuer();
    started.push({ stop: () => issuer.close() });
    const model = await startFakeAnthropic({ respond: options.respond });
    started.push({ stop: () => model.close() });
    const openai = await startFakeOpenAi({ respond: options.openai ?? NO_OPENAI_SCRIPT });
    started.push({ stop: () => openai.close() });
    const server = await startGitHubServer({
      gh,
      repositories: peers.map((peer) => peer.gh),
      appWebhookUrl: mode === 'serverless' ? null : hookUrl(appPort),
      replicaWebhookUrls: replicaPorts.map(hookUrl),
      webhookSecret: WEBHOOK_SECRET,
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    started.push({ stop: () => server.close() });
    const apps: AppProcess[] = [];
    for (const [index, port] of (mode === 'serverless'
      ? []
      : [appPort, ...replicaPorts]
    ).entries()) {
      // Another free port, and the server told, if this one was taken meanwhile.
      const started_ = await startAppProcessOnFreePort(
        {
          gheHost: server.host,
          webhookSecret: WEBHOOK_SECRET,
          oidcIssuer: issuer.url,
          // Ready: authenticated to the simulated GitHub as the app, so a webhook finds it able to act.
          waitFor: 'ready',
          ...(options.logLevel ? { logLevel: options.logLevel } : {}),
          ...(options.code ? { code: options.code } : {}),
          ...(options.appNode ? { node: options.appNode } : {}),
          env: {
            BATON_SOURCE_REPOSITORY: SIM_BATON_SOURCE.repository,
            BATON_SOURCE_REF: SIM_BATON_SOURCE.ref,
            ...options.appEnv,
            PRIVATE_KEY: appPrivateKey,
          },
        },
        { first: port, onPort: (moved) => server.setWebhookUrl(index, hookUrl(moved)) },
      );
      apps.push(started_);
      started.push({ stop: () => started_.stop() });
    }
    // vars.BATON_APP_URL: the app's, unless the setup set it (a repository with nothing hosted has none).
    const hosted = apps[0];
    if (hosted && !gh.variables.has('BATON_APP_URL'))
      gh.variables.set('BATON_APP_URL', options.publicAppUrl ?? hosted.url);
    const runnerOf = (one: FakeGitHub) =>
      startActionsRunner({
        gh: one,
        issuer,
        gitUrl: `${server.url}/${one.fullName}.git`,
        world: {
          serverUrl: server.url,
          apiUrl: server.apiUrl,
          // Read per job, as the workflow reads vars.* and secrets.* when a run starts.
          get appUrl() {
            const url = one.variables.get('BATON_APP_URL') ?? '';
            return url && url === options.publicAppUrl && hosted ? hosted.url : url;
          },
          get appId() {
            return one.variables.get('BATON_APP_ID') ?? '';
          },
          get appPrivateKey() {
            return one.secrets.get('BATON_APP_PRIVATE_KEY') ?? '';
          },
          anthropicUrl: model.url,
          get anthropicKey() {
            return one.secrets.get('ANTHROPIC_API_KEY') ?? '';
          },
          openaiUrl: openai.url,
          get openaiKey() {
            return one.secrets.get('OPENAI_API_KEY') ?? '';
          },
          ...(options.jobEnv ? { extraEnv: options.jobEnv } : {}),
        },
        ...(options.code ? { code: options.code } : {}),
        ...(options.parallel ? { parallel: options.parallel } : {}),
        ...(options.keepFolders ? { keepFolders: true } : {}),
        ...(options.logLevel ? { conductorLogLevel: options.logLevel } : {}),
        ...(options.jobTimeoutMs ? { jobTimeoutMs: options.jobTimeoutMs } : {}),
        ...(options.reviewJobs === false ? { reviewJobs: false } : {}),
      });
    for (const peer of peers)
      if (hosted && !peer.gh.variables.has('BATON_APP_URL'))
        peer.gh.variables.set('BATON_APP_URL', options.publicAppUrl ?? hosted.url);
    const runner = runnerOf(gh);
    started.push({ stop: () => runner.close() });
    const peerRunners = peers.map((peer) => runnerOf(peer.gh));
    for (const one of peerRunners) started.push({ stop: () => one.close() });
    const conductor = mode === 'serverless' ? startConductorTrigger({ gh }) : null;
    if (conductor) started.push({ stop: () => conductor.close() });
    const peerConductors =
      mode === 'serverless' ? peers.map((peer) => startConductorTrigger({ gh: peer.gh })) : [];
    for (const one of peerConductors) started.push({ stop: () => one.close() });
    const app = hosted ?? conductorAsApp([runner, ...peerRunners]);
    return simulation({
      gh,
      peers: peers.map((peer) => peer.gh),
      peerRunners,
      server,
      issuer,
      model,
      openai,
      app,
      apps,
      mode,
      conductor,
      appPrivateKey,
      runner,
      stop: stopAll,
    });
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function simulation(
  parts: Omit<
    Simulation,
    'labelIssue' | 'comment' | 'statusComment' | 'waitForStatus' | 'waitFor' | 'diagnostics'
  >,
): Simulation {
  const { gh, server, runner } = parts;
  const diagnostics = () =>
    [
      // First, as CI's summary prints a failure's first lines: where each build stood.
      '--- status rows ---',
      ...gh.comments
        .filter((c) => c.body.includes('<!-- baton:status'))
        .flatMap((c) => c.body.split('\n').filter((line) => /^\| [^|]* \| W\d+\.\d+ · /.test(line)))
        .map((line) => line.slice(0, 240)),
      // A delivery the app did not answer may be an event it never read: a stall's likeliest cause.
      ...unanswered(server.deliveries),
      '--- app output ---',
      ...parts.apps.map((one) => one.output()),
      '--- jobs ---',
      ...[runner, ...parts.peerRunners]
        .flatMap((one) => one.jobs)
        .map(
          (job) =>
            `run ${job.runId} ${job.job} exit ${job.code}${job.stopped ? ` (${job.stopped})` : ''}\n${job.stderr}\n${job.stdout}\n${job.summary}`,
        ),
      '--- webhooks ---',
      ...server.deliveries.map((d) => `${d.event} ${d.status}`),
      // What the build said last: the status comment and the notices, as a person reads them.
      '--- comments ---',
      ...gh.comments.slice(-4).map((c) => `@${c.user.login}: ${c.body.slice(0, 3000)}`),
      ...(parts.conductor
        ? [
            '--- events → conductor runs ---',
            ...parts.conductor.taken.map((t) => `${t.event} → ${t.run ?? 'no run'}`),
          ]
        : []),
      '--- runs ---',
      ...[gh, ...parts.peers].flatMap((one) =>
        one.runs.map(
          (run) =>
            `${one.repo} ${run.id} ${isConductorRun(run) ? `conductor (${run.event})` : run.displayTitle} ${run.status} ${run.conclusion ?? ''}`,
        ),
      ),
    ].join('\n');
  const statusComment = (issue: number) =>
    gh.comments.find((c) => c.issue === issue && c.body.includes('<!-- baton:status'))?.body;
  const waitFor: Simulation['waitFor'] = (what, check, limit = STEP_LIMIT_MS) =>
    pollWithin({ what, limit, check, more: diagnostics });
  return {
    ...parts,
    labelIssue({ title, body = '', label = 'orchestrate', user = MAINTAINER, prepare }) {
      const issue = gh.openIssue({ title, body, user, labels: [label] });
      prepare?.(issue);
      gh.events.labeled(issue, label, user);
      return issue;
    },
    comment: ({ issue, body, user = MAINTAINER }) => gh.addComment({ issue, body, user }),
    statusComment,
    waitForStatus: (issue, text, limit) =>
      waitFor(
        `the status comment of #${issue} to say "${text}"`,
        () => {
          const body = statusComment(issue);
          return body?.includes(text) ? body : null;
        },
        limit,
      ),
    waitFor,
    diagnostics,
  };
}

/**
 * The deliveries sent that the app did not answer with a success, the first few and how many
 * more: not those a fault dropped on purpose (`dropped`, never sent).
 */
function unanswered(deliveries: readonly WebhookRecord[]): string[] {
  const failed = deliveries.filter(
    (d) => d.status !== 'dropped' && (typeof d.status !== 'number' || d.status >= 300),
  );
  const shown = failed.slice(0, 6).map((d) => `delivery not answered: ${d.event} ${d.status}`);
  return failed.length > shown.length
    ? [...shown, `and ${failed.length - shown.length} more not answered`]
    : shown;
}

/** A GitHub App's private key, as GitHub hands one out (an RSA key), in PKCS#8 PEM. */
export function generateAppKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

/**
 * Sets a repository up for Baton with nothing hosted, as `baton setup --serverless` and
 * the maintainer do: the conductor workflow on the default branch, the app's id as the
 * variable BATON_APP_ID and its key as the secret BATON_APP_PRIVATE_KEY, no BATON_APP_URL.
 */
export function installConductor(gh: FakeGitHub, appPrivateKey: string): void {
  const conductor = renderTemplates({
    batonRepository: SIM_BATON_SOURCE.repository,
    batonRef: SIM_BATON_SOURCE.ref,
    serverless: true,
  }).find((file) => file.path === CONDUCTOR_WORKFLOW_PATH);
  if (!conductor) throw new Error('no conductor template');
  gh.git.commitOn(gh.defaultBranch, { [conductor.path]: conductor.content }, 'Run Baton here');
  gh.workflows.add(CONDUCTOR_WORKFLOW_FILE);
  gh.variables.set('BATON_APP_ID', String(gh.appId));
  gh.secrets.set('BATON_APP_PRIVATE_KEY', appPrivateKey);
}

/**
 * What stands for the app in a simulation with nothing hosted: the conductor's jobs, whose
 * output is the app's (the reconciles' log lines), and no process of its own.
 */
function conductorAsApp(runners: ActionsRunner[]): AppProcess {
  return {
    url: '',
    webhookUrl: '',
    pid: 0,
    output: () =>
      runners
        .flatMap((runner) => runner.jobs)
        .filter((job) => job.job === 'route' || job.job === 'conduct')
        .map((job) => `${job.stdout}${job.stderr}`)
        .join(''),
    exited: new Promise(() => {}),
    stop: async () => {},
  };
}

/** `{ owner, repo }` of `owner/name`; none for the default repository. */
function ownerAndRepo(name: string | undefined): { owner?: string; repo?: string } {
  if (!name) return {};
  const [owner = '', repo = ''] = name.split('/');
  return { owner, repo };
}

/**
 * The installation's other repositories: each a FakeGitHub on a git repository
 * of its own, with the installation's id and budgets and an id of its own;
 * every one lists the others as its installation's (`installationPeers`).
 */
function makePeers(
  gh: FakeGitHub,
  asked: PeerRepository[],
): { gh: FakeGitHub; store: GitRepoStore }[] {
  const peers = asked.map((peer, index) => {
    const store = new GitRepoStore();
    const one = new FakeGitHub({
      git: store,
      ...ownerAndRepo(peer.name),
      installationId: gh.installationId,
      repositoryId: gh.repositoryId + index + 1,
      graphqlBudget: gh.graphqlBudget,
      restBudget: gh.restBudget,
    });
    return { gh: one, store };
  });
  const all = [gh, ...peers.map((peer) => peer.gh)];
  joinInstallation(...all);
  return peers;
}
