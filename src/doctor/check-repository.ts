import type { ProbotOctokit } from 'probot';
import type { ParsedConfig } from '../core/config/config.js';
import {
  checkAppId,
  checkAppUrl,
  checkPin,
  checkWorkflow,
  checkWorkflowChangesServerless,
  type DoctorCheck,
} from '../core/doctor/doctor.js';
import { CONDUCTOR_WORKFLOW_PATH, WORKFLOW_PATH } from '../core/vocabulary/ids.js';
import { statusOf } from '../github/client/types.js';
import { fingerprintTemplate, readShippedVersions } from '../github/setup/setup-templates.js';
import { readPin, sourceHasCommit } from '../github/setup/source-pin.js';
import { findBatonSource } from '../github/setup/source-ref.js';
import { loadConfig } from '../read-config.js';
import { findAppUrlProblem } from '../server/app-url.js';

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface InstallationView {
  id: number;
  permissions: Record<string, string>;
  events: string[];
  account: string;
  accountType: 'User' | 'Organization';
}

/** The app's installation on the repository; null when it is not installed there. */
export async function findInstallation(
  app: Octokit,
  where: { owner: string; repo: string },
): Promise<InstallationView | null> {
  try {
    const { data } = await app.request('GET /repos/{owner}/{repo}/installation', where);
    const account = data.account as { login?: string; type?: string } | null;
    return {
      id: data.id,
      permissions: { ...(data.permissions as Record<string, string>) },
      events: data.events ?? [],
      account: account?.login ?? where.owner,
      accountType: account?.type === 'User' ? 'User' : 'Organization',
    };
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/**
 * The repository's own checks (docs/doctor.md): its workflows and their pin,
 * its configuration, and how its sessions reach the app (`BATON_APP_URL`, or
 * `BATON_APP_ID` with nothing hosted). Returns them with the configuration read
 * and the default branch.
 */
export async function checkRepository(
  env: Record<string, string | undefined>,
  octokit: Octokit,
  where: { owner: string; repo: string },
): Promise<{ checks: DoctorCheck[]; config: ParsedConfig; defaultBranch: string }> {
  const checks: DoctorCheck[] = [];
  const { data: repository } = await octokit.request('GET /repos/{owner}/{repo}', where);
  const found = findBatonSource(env);
  const sourceRepository = found.ok
    ? found.source.repository
    : (env.BATON_SOURCE_REPOSITORY ?? 'baton-dev/baton');
  const ref = repository.default_branch;
  const text = await readWorkflow(octokit, { ...where, ref, path: WORKFLOW_PATH });
  const pin = text === null ? null : readPin(text, sourceRepository);
  checks.push(workflowCheck({ text, path: WORKFLOW_PATH, pin, sourceRepository }));
  // With the conductor workflow, the repository runs Baton with nothing hosted (docs/serverless.md).
  const conductor = await readWorkflow(octokit, { ...where, ref, path: CONDUCTOR_WORKFLOW_PATH });
  if (conductor !== null) {
    const conductorPin = readPin(conductor, sourceRepository);
    const check = workflowCheck({
      text: conductor,
      path: CONDUCTOR_WORKFLOW_PATH,
      pin: conductorPin,
      sourceRepository,
    });
    checks.push({ ...check, id: 'conductor' });
  }
  if (text !== null) {
    const exists = pin ? await sourceHasCommit(octokit, { sourceRepository, sha: pin }) : null;
    checks.push(
      checkPin({ pin, sourceRepository, exists, appRef: found.ok ? found.source.ref : null }),
    );
  }
  const config = await loadConfig(octokit, where);
  checks.push(checkConfig(config));
  if (conductor !== null) {
    checks.push(
      checkAppId({
        variable: await readVariable(octokit, { ...where, name: 'BATON_APP_ID' }),
        appId: env.APP_ID ?? '',
        repository: `${where.owner}/${where.repo}`,
      }),
    );
    const changes = checkWorkflowChangesServerless(
      config.ok && config.config.session.allowWorkflowChanges,
    );
    if (changes) checks.push(changes);
    return { checks, config, defaultBranch: ref };
  }
  checks.push(
    checkAppUrl({
      variable: await readVariable(octokit, { ...where, name: 'BATON_APP_URL' }),
      appUrl: env.BATON_APP_URL?.trim() || null,
      problem: findAppUrlProblem(env.BATON_APP_URL),
    }),
  );
  return { checks, config, defaultBranch: ref };
}

/** Whether a workflow Baton installs is one it shipped, or a customised one that pins its action. */
function workflowCheck({
  text,
  path,
  pin,
  sourceRepository,
}: {
  text: string | null;
  path: string;
  pin: string | null;
  sourceRepository: string;
}): DoctorCheck {
  const shipped =
    text !== null &&
    (readShippedVersions()[path] ?? []).includes(
      fingerprintTemplate(text, { repository: sourceRepository }),
    );
  return checkWorkflow({
    workflow: text === null ? { kind: 'missing' } : { kind: 'present', shipped, pin },
    path,
    sourceRepository,
  });
}

async function readWorkflow(
  octokit: Octokit,
  where: { owner: string; repo: string; ref: string; path: string },
): Promise<string | null> {
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...where,
      mediaType: { format: 'raw' },
    });
    return String(data);
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** `.github/baton.yml` as a build reads it: the same file:line:field problems. */
function checkConfig(parsed: Awaited<ReturnType<typeof loadConfig>>): DoctorCheck {
  if (parsed.ok) return { id: 'config', ok: true, message: '.github/baton.yml parses' };
  const problems = parsed.problems.map(
    (p) => `.github/baton.yml${p.line === undefined ? '' : `:${p.line}`}: ${p.field} ${p.message}`,
  );
  return {
    id: 'config',
    ok: false,
    message: problems.join('; '),
    fix: 'correct .github/baton.yml on the default branch (docs: the commented template Baton installs)',
  };
}

/**
 * A repository variable; null when unset, undefined when the app may not read
 * variables (`actions_variables: read` is not among its permissions: the doctor
 * session then tells whether the runner reaches the app).
 */
async function readVariable(
  octokit: Octokit,
  where: { owner: string; repo: string; name: string },
): Promise<string | null | undefined> {
  try {
    const { data } = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/variables/{name}',
      where,
    );
    return data.value;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404) return null;
    if (status === 403) return undefined;
    throw error;
  }
}
