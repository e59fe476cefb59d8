import { CHANGE_SET_CHECK_NAME } from '../vocabulary/ids.js';
import type { DoctorCheck } from './doctor.js';

/**
 * `baton doctor` on a repository whose `.github/baton.yml` lists
 * `changeSets.repositories` (docs/change-sets.md): each listed repository is
 * installed in the same installation as the issue's, and every repository of
 * the set requires Baton's `baton/change-set` check on its default branch, so
 * a final pull request waits for the ones before it. A listed repository's
 * own checks are the repository's (`workflow`, `pin`, `config`, …), each
 * named after it.
 */

/** A listed repository's installation beside the issue repository's. */
export function checkSetInstallation({
  repository,
  installation,
  home,
  installUrl,
}: {
  repository: string;
  /** Its installation's id; null when the app is not installed on it. */
  installation: number | null;
  home: number;
  installUrl: string;
}): DoctorCheck {
  const id = `${repository} installed`;
  if (installation === null) {
    return {
      id,
      ok: false,
      message: `the app is not installed on ${repository}, which changeSets.repositories lists: a plan naming it is refused`,
      fix: `add ${repository} to the app's installation (${installUrl}), or remove it from changeSets.repositories`,
    };
  }
  if (installation !== home) {
    return {
      id,
      ok: false,
      message: `${repository} is in the app's installation ${installation}, not in ${home} with this repository: a change set's repositories share one installation`,
      fix: `install the app on ${repository} from the installation ${home}, or remove it from changeSets.repositories`,
    };
  }
  return { id, ok: true, message: `installed in the same installation (${home})` };
}

/** A status check a ruleset requires, and the app it must come from (`integration_id`), if it names one. */
export interface RequiredCheck {
  context: string;
  integrationId: number | null;
}

/**
 * Whether the rules of a repository's default branch require `baton/change-set`
 * from this app. A rule that names no app (`integration_id`) takes a check run
 * of that name from any app, a workflow's job among them, or a commit status
 * any writer sets: it holds no order.
 */
export function checkSetOrder({
  repository,
  branch,
  required,
  app,
}: {
  repository: string;
  branch: string;
  /** The status checks its rulesets require there; null when they could not be read. */
  required: readonly RequiredCheck[] | null;
  /** The app Baton runs as: its id and slug. */
  app: { id: number; slug: string };
}): DoctorCheck {
  const id = `${repository} order`;
  const fix = `add a ruleset on ${repository}'s ${branch} that requires the status check ${CHANGE_SET_CHECK_NAME} from the app ${app.slug} (Settings → Rules → Rulesets → "Require status checks to pass", the check's source set to ${app.slug})`;
  if (required === null)
    return { id, ok: false, message: `could not read the rules of ${repository}'s ${branch}`, fix };
  const named = required.filter((check) => check.context === CHANGE_SET_CHECK_NAME);
  if (named.length === 0) {
    return {
      id,
      ok: false,
      message: `${branch} does not require ${CHANGE_SET_CHECK_NAME}: a person could merge this repository's final pull request before the ones it depends on`,
      fix,
    };
  }
  if (!named.some((check) => check.integrationId === app.id)) {
    return {
      id,
      ok: false,
      message: `${branch} requires ${CHANGE_SET_CHECK_NAME} from ${named.some((check) => check.integrationId === null) ? 'any source' : 'another app'}, not from ${app.slug}: a check of that name from a workflow's job or another app, or a commit status any writer sets, would let this repository's final pull request merge before the ones it depends on`,
      fix,
    };
  }
  return { id, ok: true, message: `${branch} requires ${CHANGE_SET_CHECK_NAME} from ${app.slug}` };
}
