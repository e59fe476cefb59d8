import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderDoctor } from '../../core/doctor/doctor.js';
import {
  DOCTOR_ROLE,
  DoctorAgentReport,
  type DoctorReport,
  doctorResultBranch,
  doctorResultRef,
  PUBLISH_PROBES,
  renderDoctorReport,
} from '../../core/doctor/doctor-session.js';
import { createScratchRepo } from '../publish/scratch-repo.js';
import { pushRecordRef } from '../publish/write/record-ref.js';
import { revokeSessionToken } from '../publish/write/token/get-session-token.js';
import { getPublishToken } from '../publish/write/token/publish-token.js';
import { createSessionOctokit } from '../session-octokit.js';
import { appendStepSummary } from '../step-summary.js';
import { DOCTOR_REPORT_FILE, type DoctorEnv } from './doctor-env.js';
import { runProbes } from './probes.js';

export interface DoctorPublishOptions {
  fetch?: typeof globalThis.fetch;
  /** The git remote instead of `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git` (tests). */
  gitRemote?: string;
  stepSummaryPath?: string;
  log?: (line: string) => void;
  mask?: (secret: string) => void;
  /** How long the push probe waits for a workflow to start; default BATON_DOCTOR_PUSH_WAIT_SECONDS or 30 s. */
  pushWaitMs?: number;
}

/**
 * The doctor session's publish job (docs/doctor.md): trades the run's OIDC
 * token at BATON_APP_URL (so it proves the runner reaches the app), runs the
 * probes with the token it gets, leaves the result where `baton doctor` reads
 * it (a commit message at `refs/baton/<id>/result`, which the command deletes
 * once read) and in the run's summary, and deletes every probe ref it made.
 * Answers 0 when the result is written, 3 when not (the summary says why).
 */
export async function runDoctorPublish(
  env: DoctorEnv,
  options: DoctorPublishOptions = {},
): Promise<number> {
  const fetch = options.fetch ?? globalThis.fetch;
  const log = options.log ?? ((line: string) => process.stderr.write(`baton: ${line}\n`));
  const summary = (text: string) =>
    appendStepSummary(
      options.stepSummaryPath ?? process.env.GITHUB_STEP_SUMMARY,
      `### Baton doctor\n\n${text}`,
    );
  const agent = await readAgentReport(env.BATON_OUT);
  const session = await getPublishToken({
    env,
    role: DOCTOR_ROLE,
    fetch,
    mask: options.mask ?? maskInLog,
    log,
  }).catch((error: unknown) => ({
    ok: false as const,
    message: `the app did not answer (${error instanceof Error ? error.message : String(error)}): is BATON_APP_URL reachable from this runner?`,
  }));
  if (!session.ok) {
    const text = env.BATON_APP_PRIVATE_KEY
      ? `Could not mint a token from the app's key: ${session.message}`
      : `Could not get a token from the app at ${env.BATON_APP_URL ?? '(BATON_APP_URL unset)'}: ${session.message}`;
    log(text);
    await summary(text);
    return 3;
  }
  const { token } = session;
  const remote =
    options.gitRemote ??
    `${env.GITHUB_SERVER_URL.replace(/\/+$/, '')}/${env.GITHUB_REPOSITORY}.git`;
  const [owner = '', repo = ''] = env.GITHUB_REPOSITORY.split('/');
  const octokit = createSessionOctokit({
    apiUrl: env.GITHUB_API_URL,
    token,
    userAgent: 'baton-doctor',
    fetch,
    log,
  });
  try {
    const scratch = await createScratchRepo(env.GITHUB_WORKSPACE);
    const waitSeconds = Number(process.env.BATON_DOCTOR_PUSH_WAIT_SECONDS ?? 30);
    const { answers, made } = await runProbes(env, {
      octokit,
      repo: scratch,
      remote,
      token,
      fetch,
      pushWaitMs:
        options.pushWaitMs ?? (Number.isFinite(waitSeconds) ? waitSeconds * 1000 : 30_000),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    for (const ref of made) {
      await octokit
        .request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', {
          owner,
          repo,
          ref: ref.replace(/^refs\//, ''),
        })
        .catch((error: unknown) => log(`could not delete ${ref}: ${String(error)}`));
    }
    const report: DoctorReport = {
      version: 1,
      agent,
      appUrl: env.BATON_APP_PRIVATE_KEY ? '' : (env.BATON_APP_URL ?? ''),
      probes: Object.fromEntries(
        PUBLISH_PROBES.map((probe) => [probe, answers[probe]]),
      ) as DoctorReport['probes'],
    };
    const refused = answers['hidden-ref-without-workflows'].answer === 'no';
    const ref = (refused ? doctorResultBranch : doctorResultRef)(env.BATON_BUILD);
    const problem = await pushRecordRef({
      repo: scratch,
      remote,
      token,
      ref,
      message: JSON.stringify(report),
    });
    const text = renderDoctor(renderDoctorReport(report));
    log(text);
    await summary(
      `\`\`\`\n${text}\n\`\`\`${problem ? `\n\nCould not leave the result at ${ref}: ${problem}` : ''}`,
    );
    return problem ? 3 : 0;
  } finally {
    await revokeSessionToken({ apiUrl: env.GITHUB_API_URL, token, fetch });
  }
}

async function readAgentReport(out: string): Promise<DoctorAgentReport | null> {
  try {
    const parsed = DoctorAgentReport.safeParse(
      JSON.parse(await readFile(join(out, DOCTOR_REPORT_FILE), 'utf8')),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Tells the Actions runner to mask a secret, as `core.setSecret` does. */
function maskInLog(secret: string): void {
  if (process.env.GITHUB_ACTIONS === 'true') process.stdout.write(`::add-mask::${secret}\n`);
}
