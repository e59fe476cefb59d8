/**
 * What Baton itself recorded of a build that a learn session reads beside
 * people's corrections (docs/memory.md, "How a build teaches"): its failed
 * milestone validations and the fix workers they led to, and its publish
 * refusals. Only what Baton's own run wrote or Baton's own account posted
 * counts: a validation record is a hidden ref any writer can push, so it is
 * read only when bound to Baton's validation run of that milestone and head
 * (`validationRecordProblem`, as the app binds it); a refusal is a notice on
 * the build's issue by Baton's bot, never a comment anyone else wrote.
 */
import {
  parseValidationMessage,
  type ValidationRecord,
  validationRefPrefix,
} from '../../../core/plan/validation.js';
import { parseRunName } from '../../../core/sessions/session.js';
import { validationRecordProblem } from '../../../core/snapshot/validation-ties.js';
import { milestoneSubject, WORKFLOW_FILE, workerBranch } from '../../../core/vocabulary/ids.js';
import { findNotice } from '../../../core/vocabulary/notice.js';
import { GitHubReadError, type GitHubReads } from '../../reads/github-reads.js';
import type { Comment } from '../../reads/github-shapes.js';

/** One thing Baton recorded, as a learn session quotes it and a lesson cites it (`url`). */
export interface BatonRecord {
  kind: 'failed validation' | 'publish refusal';
  url: string;
  where: string;
  text: string;
}

/** The most validation records of one build read one by one where GraphQL does not list them. */
const RECORDS_MAX = 100;
const BATON_REFS = 'refs/baton/';
/** The words of Baton's notice for a worker whose publish was refused (src/core/workers/worker-note.ts). */
const REFUSED = "publish refused the session's changes";

type ValidationReads = Pick<GitHubReads, 'listRecords' | 'getWorkflowRun'>;

/** The build whose validations are read, Baton's bot, and the build's pull requests. */
interface ValidationsOf {
  build: string;
  botLogin: string;
  /** The build's pull requests: a fix worker's is named by its branch. */
  pulls: readonly { number: number; html_url: string; head: { ref: string } }[];
  log: (line: string) => void;
}

/**
 * The build's failed milestone validations, each bound to Baton's validation
 * run it names (dispatched by `botLogin`, Baton's bot, from Baton's workflow),
 * with its failing checks, the fix worker each led to and that worker's pull
 * request, and whether a later validation of the milestone passed. A record
 * bound to no such run is left out, and logged. Where GitHub refuses the reads
 * (a workflow installed before its agent job had `actions: read`), none is
 * read, and the session goes on with the rest.
 */
export async function failedValidations(
  github: ValidationReads,
  of: ValidationsOf,
): Promise<BatonRecord[]> {
  try {
    return await boundFailures(github, of);
  } catch (error) {
    if (!(error instanceof GitHubReadError)) throw error;
    of.log(`could not read the build's validations, so none is shown: ${error.message}`);
    return [];
  }
}

async function boundFailures(
  github: ValidationReads,
  { build, botLogin, pulls, log }: ValidationsOf,
): Promise<BatonRecord[]> {
  const listed = await github.listRecords(validationRefPrefix(build), { restMax: RECORDS_MAX });
  const bound: { record: ValidationRecord; url: string }[] = [];
  for (const { ref, message } of listed) {
    const record = parseValidationMessage(message);
    const run = record ? await github.getWorkflowRun(record.run_id) : null;
    const name = run ? parseRunName(run.display_title) : null;
    const own =
      run !== null &&
      name?.build === build &&
      run.actor?.login === botLogin &&
      run.path.replace(/@.*$/, '') === `.github/workflows/${WORKFLOW_FILE}`;
    const binding = own && name ? [{ id: run.id, ...name, byBaton: true }] : [];
    const problem = validationRecordProblem(
      build,
      { ref: ref.slice(BATON_REFS.length), record },
      binding,
    );
    if (problem !== null || !record || !run) {
      log(`left out the validation record ${ref}: ${problem ?? 'not a run of Baton here'}`);
      continue;
    }
    bound.push({ record, url: run.html_url });
  }
  const passed = new Map(
    bound.filter(({ record }) => record.passed).map(({ record }) => [record.milestone, record]),
  );
  return bound
    .filter(({ record }) => !record.passed)
    .map(({ record, url }) => ({
      kind: 'failed validation' as const,
      url,
      where: `${milestoneSubject(record.milestone)} at ${record.head.slice(0, 7)}`,
      text: validationText(record, { build, pulls, passed: passed.get(record.milestone) }),
    }));
}

/** What a failed validation says, in Baton's words: its exit status, each failing check and its fix. */
function validationText(
  record: ValidationRecord,
  {
    build,
    pulls,
    passed,
  }: {
    build: string;
    pulls: ValidationsOf['pulls'];
    passed: ValidationRecord | undefined;
  },
): string {
  const milestone = milestoneSubject(record.milestone);
  const exit =
    record.exit_code === null ? 'was stopped at its time limit' : `exited ${record.exit_code}`;
  const lines = [`The contract's command on the build branch at ${record.head} ${exit}.`];
  for (const { check, worker } of record.failed) {
    const pull = worker ? pulls.find((one) => one.head.ref === workerBranch(build, worker)) : null;
    const fix = !worker
      ? 'no fix worker could be added'
      : pull
        ? `fixed by ${worker}, ${pull.html_url}`
        : `fix worker ${worker} added`;
    lines.push(`- check ${check} failed: ${fix}`);
  }
  for (const check of record.checks ?? [])
    if (check.verdict === 'failing' || check.verdict === 'not-proven')
      lines.push(
        `- ${check.criterion}: ${check.verdict} (before the work: ${check.before ?? 'no report'}, at this head: ${check.after})`,
      );
  lines.push(
    passed
      ? `A later validation of ${milestone} passed at ${passed.head}.`
      : `No later validation of ${milestone} passed.`,
  );
  return lines.join('\n');
}

/**
 * Baton's notices on the build's issue that a worker failed because publish
 * refused its session's changes: comments by Baton's bot alone (`botLogin`),
 * carrying the notice marker of this build. A comment by anyone else that
 * reads the same is no refusal.
 */
export function publishRefusals(
  comments: readonly Comment[],
  { build, botLogin, issue }: { build: string; botLogin: string; issue: number },
): BatonRecord[] {
  return comments.flatMap((comment) => {
    const body = comment.body ?? '';
    const notice = findNotice(body);
    const byBaton = comment.user?.login === botLogin && comment.user.type === 'Bot';
    if (!byBaton || !comment.html_url || notice?.build !== build) return [];
    if (!notice.key.startsWith('failed/') || !body.includes(REFUSED)) return [];
    const text = body.split('\n').slice(1).join('\n').trim();
    return [{ kind: 'publish refusal' as const, url: comment.html_url, where: `#${issue}`, text }];
  });
}
