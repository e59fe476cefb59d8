import { z } from 'zod';
import { callsProvider, enginesCalling } from '../sessions/engines.js';
import { PROVIDER_TRAITS } from '../sessions/providers.js';
import type { DoctorCheck } from './doctor.js';

/**
 * The doctor session (docs/doctor.md): one run of the session workflow with
 * the role `doctor`, dispatched by `baton doctor`. It belongs to no build: its
 * run name is `baton doctor <id> - -` with `<id>` `doctor-<nonce>`, which
 * `parseRunName` does not read as a build's run, so the app passes over it.
 */
export const DOCTOR_ROLE = 'doctor';

/** The doctor session's id, `doctor-<nonce>`; it stands in the build slot of the run name. */
export const DOCTOR_ID = /^doctor-[a-z0-9]{6,20}$/;

export function renderDoctorRunName(id: string): string {
  return `baton ${DOCTOR_ROLE} ${id} - -`;
}

/** The doctor session's id from a run name, or null for any other run. */
export function parseDoctorRunName(title: string): string | null {
  const [baton, role, id, worker, trigger, ...rest] = title.trim().split(/\s+/);
  if (baton !== 'baton' || role !== DOCTOR_ROLE || rest.length > 0) return null;
  if (worker !== '-' || trigger !== '-' || !id || !DOCTOR_ID.test(id)) return null;
  return id;
}

/** The workflow_dispatch inputs of a doctor session; the other inputs stay empty. */
export function renderDoctorInputs(id: string): Record<string, string> {
  return { role: DOCTOR_ROLE, build: id, issue: '', worker: '', pr: '', trigger: '' };
}

/** Where the publish job leaves the doctor's result for the command: a commit message at this hidden ref. */
export function doctorResultRef(id: string): string {
  return `refs/baton/${id}/result`;
}

/**
 * Where the result goes when GitHub refuses the session's hidden refs
 * (`hidden-ref-without-workflows` answered no): a throwaway branch, which no
 * build reads (its name holds no build id) and the command deletes.
 */
export function doctorResultBranch(id: string): string {
  return `refs/heads/baton/${id}/result`;
}

/** Where the probes make their throwaway refs. */
export function doctorProbePrefix(id: string): string {
  return `refs/baton/${id}/probe/`;
}

/** A probe's answer: `unknown` when it could not be asked (the detail says why). */
export const Answer = z.enum(['yes', 'no', 'unknown']);
export type Answer = z.infer<typeof Answer>;

const Probe = z.object({ answer: Answer, detail: z.string().max(2000) });

/** What the agent job found, handed to publish in BATON_OUT (`doctor.json`). */
export const DoctorAgentReport = z.object({
  version: z.literal(1),
  /** Whether ANTHROPIC_API_KEY was set (never its value). */
  key: z.enum(['present', 'missing']),
  models: z
    .array(z.object({ model: z.string().max(200), ok: z.boolean(), detail: z.string().max(2000) }))
    .max(20),
  /** The engines `.github/baton.yml` allows (left out by agents before 0.2.0: Baton's loop only). */
  engines: z.array(z.string().max(40)).max(10).optional(),
  /** Codex's key (never its value) and models, where the configuration allows codex. */
  openai: z
    .object({
      key: z.enum(['present', 'missing']),
      models: z
        .array(
          z.object({ model: z.string().max(200), ok: z.boolean(), detail: z.string().max(2000) }),
        )
        .max(20),
    })
    .optional(),
  /** Whether the agent job's read-only GITHUB_TOKEN may read a collaborator's permission. */
  collaboratorPermission: Probe,
  /** Whether work and fix sessions can run the model's commands here as configured (the sandbox). */
  sandbox: Probe,
});
export type DoctorAgentReport = z.infer<typeof DoctorAgentReport>;

/** The probes the publish job runs with the app's token. */
export const PUBLISH_PROBES = [
  'graphql-hidden-refs',
  'push-starts-workflows',
  'hidden-ref-without-workflows',
  'viewer-has-reacted',
  'edit-tag-answers-read',
] as const;
export type PublishProbe = (typeof PUBLISH_PROBES)[number];

/** The doctor's result, the commit message at `doctorResultRef`. */
export const DoctorReport = z.object({
  version: z.literal(1),
  /** The agent job's report; null when it left none (it failed before writing it). */
  agent: DoctorAgentReport.nullable(),
  /** The BATON_APP_URL the publish job traded its token at. */
  appUrl: z.string().max(2000),
  probes: z.object(
    Object.fromEntries(PUBLISH_PROBES.map((probe) => [probe, Probe])) as Record<
      PublishProbe,
      typeof Probe
    >,
  ),
});
export type DoctorReport = z.infer<typeof DoctorReport>;

/** A doctor result from a commit message; null when it is not one. */
export function parseDoctorReport(message: string): DoctorReport | null {
  try {
    const parsed = DoctorReport.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * What each probe's answer means for Baton, and the fallback it uses on "no"
 * (docs/doctor.md). `fails`: the answer that stops Baton from working at all.
 */
type AgentProbe = 'collaborator-permission' | 'sandbox';

const MEANING: Record<
  PublishProbe | AgentProbe,
  { question: string; yes: string; no: string; fails?: Answer }
> = {
  'graphql-hidden-refs': {
    question: 'GraphQL refs(refPrefix:) lists refs under refs/baton/',
    yes: 'usage and adaptation records are read with the build query',
    no: 'Baton reads usage and adaptation records over REST (git/matching-refs), found at run time',
  },
  'push-starts-workflows': {
    question: "a push to refs/baton/* starts the repository's on: push workflows",
    yes: 'each usage record starts your push workflows: add `branches` (or `branches-ignore: ["**"]` for tags-only) filters to them, or they run for every session',
    no: 'hidden refs start no workflow',
  },
  'hidden-ref-without-workflows': {
    question: 'a session may push a new refs/baton/ ref without the workflows permission',
    yes: 'sessions record usage without the workflows permission',
    no: 'sessions cannot record usage: budget.maxUsd counts only run durations',
    fails: 'no',
  },
  'viewer-has-reacted': {
    question: "viewerHasReacted is the app's own reaction under an installation token",
    yes: 'a command counts once Baton reacted 👀 to it',
    no: "Baton reads its 👀 on commands over REST (the comment's reactions), found at run time",
  },
  'edit-tag-answers-read': {
    question:
      "an edit's answer carries the entity tag a read of the comment then gives (the read asked with it answers 304)",
    yes: "a held status edit's read of its comment is answered 304 Not Modified, not counted against the hour's requests",
    no: "each held status edit's read of its comment is counted (one request an edit); nothing to set",
  },
  'collaborator-permission': {
    question: "the agent job's read-only GITHUB_TOKEN may read a collaborator's permission",
    yes: 'sessions tell writers from other commenters themselves',
    no: "publish checks who edited the issue before it writes a plan, with the app's token (a research session started by improve.label still needs the read)",
  },
  sandbox: {
    question:
      "work and fix sessions can run the model's commands here as configured (the sandbox: bubblewrap as root, then the tools user with no capability)",
    yes: "the model's commands run as configured",
    no: "work and fix sessions fail before the model's first turn: install bubblewrap and allow passwordless sudo (docs/sessions.md, Runners), or see the detail",
    fails: 'no',
  },
};

/** The doctor session's findings as check lines: the session, the model key, the models, each probe. */
export function renderDoctorReport(report: DoctorReport): DoctorCheck[] {
  const checks: DoctorCheck[] = [
    {
      id: 'session',
      ok: true,
      // No app URL: a repository with nothing hosted, whose publish mints its token (docs/serverless.md).
      message: report.appUrl
        ? `the publish job traded its OIDC token at ${report.appUrl}`
        : "the publish job minted its token from the app's key (BATON_APP_PRIVATE_KEY)",
    },
  ];
  const agent = report.agent;
  if (!agent) {
    checks.push({
      id: 'model-key',
      ok: false,
      message: 'the agent job left no report',
      fix: "read the run's agent job log",
    });
    return [...checks, ...probeChecks(report)];
  }
  // An agent that names no engines ran Baton's loop.
  const anthropic = callsProvider(agent.engines ?? ['baton'], 'anthropic');
  checks.push(
    ...keyChecks({
      id: 'model-key',
      secret: PROVIDER_TRAITS.anthropic.secret,
      key: agent.key,
      needed: anthropic,
      engines: enginesCalling('anthropic'),
    }),
    ...modelChecks(agent.models, PROVIDER_TRAITS.anthropic.models),
  );
  if (agent.openai) {
    checks.push(
      ...keyChecks({
        id: 'openai-key',
        secret: PROVIDER_TRAITS.openai.secret,
        key: agent.openai.key,
        needed: true,
        engines: enginesCalling('openai'),
      }),
      ...modelChecks(agent.openai.models, PROVIDER_TRAITS.openai.models),
    );
  }
  return [...checks, ...probeChecks(report)];
}

/** Whether an engine's key is set where an engine the configuration allows needs it. */
function keyChecks({
  id,
  secret,
  key,
  needed,
  engines,
}: {
  id: string;
  secret: string;
  key: 'present' | 'missing';
  needed: boolean;
  engines: string;
}): DoctorCheck[] {
  if (key === 'present') return [{ id, ok: true, message: `the secret ${secret} is set` }];
  if (!needed)
    return [
      {
        id,
        ok: true,
        message: `the secret ${secret} is not set, and no engine the configuration allows needs it`,
      },
    ];
  return [
    {
      id,
      ok: false,
      message: `the secret ${secret} is not set: every session on ${engines} would fail`,
      fix: 'add it in Settings → Secrets and variables → Actions → Secrets (or the organization’s)',
    },
  ];
}

function modelChecks(models: DoctorAgentReport['models'], setting: string): DoctorCheck[] {
  return models.map((model) =>
    model.ok
      ? { id: 'model', ok: true, message: `${model.model} answers` }
      : {
          id: 'model',
          ok: false,
          message: `${model.model} does not answer: ${model.detail}`,
          fix: `set ${setting} in .github/baton.yml to models the key may use, or use a key that may use it`,
        },
  );
}

function probeChecks(report: DoctorReport): DoctorCheck[] {
  const answers: [PublishProbe | AgentProbe, z.infer<typeof Probe>][] = [
    ...PUBLISH_PROBES.map(
      (probe) => [probe, report.probes[probe]] as [PublishProbe, z.infer<typeof Probe>],
    ),
    ...(report.agent
      ? ([
          ['collaborator-permission', report.agent.collaboratorPermission],
          ['sandbox', report.agent.sandbox],
        ] as [AgentProbe, z.infer<typeof Probe>][])
      : []),
  ];
  return answers.map(([probe, { answer, detail }]) => {
    const meaning = MEANING[probe];
    const said = `${meaning.question}: ${answer}`;
    if (answer === 'unknown') {
      return {
        id: `probe ${probe}`,
        ok: false,
        message: `${said} (${detail})`,
        fix: 'run the doctor again; the run summary has the detail',
      };
    }
    const consequence = answer === 'yes' ? meaning.yes : meaning.no;
    if (meaning.fails === answer) {
      return { id: `probe ${probe}`, ok: false, message: `${said}: ${consequence}`, fix: detail };
    }
    return { id: `probe ${probe}`, ok: true, message: `${said}: ${consequence}` };
  });
}
