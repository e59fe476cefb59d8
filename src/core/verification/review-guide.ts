/**
 * The review guide (docs/verification.md): what the final pull request's body
 * opens with. Each acceptance criterion with the contract's check that proves
 * it and what is known of its result; the changes ranked by risk, with "Read
 * these first: N of M changed lines"; then every worker with its reviewer's
 * verdict and its pull request. Every word of it is the app's: a title, a
 * criterion or a reason a session wrote appears only quoted, on one line,
 * inert (no row, no heading, no marker, no mention of its own), so no session
 * can write a row of the guide or a risk label.
 */
import type { PlannedCriterion } from '../plan/contract.js';
import { dueAtEnd, notDue, withdrawnBy } from '../plan/due-criteria.js';
import type { CheckRecord, ReachedCode, ValidationRecord } from '../plan/validation.js';
import type { ContractRead, PullInfo } from '../snapshot/snapshot.js';
import { code, escapeLinkText } from '../vocabulary/markdown.js';
import { quoted } from './quoted.js';
import { readFirst } from './read-first.js';
import { type RiskyFile, riskText, type WorkerRisk } from './risk.js';

/** Criteria shown one per row; the rest are counted. */
export const GUIDE_MAX_CRITERIA = 40;
/** Risky files named per worker; the rest are counted. */
export const GUIDE_MAX_FILES = 10;

/** A worker as the guide shows it. */
export interface GuideWorker {
  id: string;
  /** The plan's title for it: a session's text. */
  title: string;
  outcome: 'merged' | 'skipped';
  pull: Pick<PullInfo, 'number' | 'url' | 'reviews' | 'headSha'> | null;
  risk: WorkerRisk;
}

export interface GuideInput {
  criteria: PlannedCriterion[];
  /** `contract.json` as read; absent: none on the build branch. */
  contract: ContractRead | undefined;
  workers: GuideWorker[];
  /** `merge.requireChecks`: a merged worker's head had its checks green. */
  requireChecks: boolean;
  /**
   * The last milestone's passing validation, which the final pull request waited
   * for: the contract's command green on the build branch, no check due still
   * marked to fail, run by a session that wrote none of the code. Absent: none.
   */
  validated?: ValidationRecord;
}

/** The guide, as Markdown. */
export function renderReviewGuide(input: GuideInput): string {
  const first = readFirst(input.workers.map((worker) => worker.risk));
  const byId = new Map(input.workers.map((worker) => [worker.id, worker]));
  return [
    ...guideOpening("each worker's diff", "the sessions'"),
    ...criteriaBlock(input, byId),
    '',
    readFirstHeading(first.lines, first.total, first.records),
    '',
    ...rankedBlock(first.ranked, byId),
    '',
    '### Every worker',
    '',
    ...input.workers.map(workerLine),
  ].join('\n');
}

function criteriaBlock(input: GuideInput, byId: Map<string, GuideWorker>): string[] {
  const { criteria, contract } = input;
  if (criteria.length === 0) return ['', 'The plan names no acceptance criteria.'];
  const rows = criteria.slice(0, GUIDE_MAX_CRITERIA).map((criterion) => {
    const [check, result] = proof(criterion, input, byId);
    return `| ${criterion.id} | ${quoted(criterion.text)} | ${check} | ${result} |`;
  });
  return ['', ...criteriaSection(contractLine(contract, criteria.length), rows, criteria.length)];
}

/**
 * The opening both guides share: the heading, and what Baton wrote it from, `measured`
 * naming whose diff publish measured and `own` whose words the quoted text is.
 */
export function guideOpening(measured: string, own: string): string[] {
  return [
    '## Review guide',
    '',
    `_Written by Baton from the plan, the contract and what publish measured in ${measured}. Text in quotes is ${own} own._`,
  ];
}

/**
 * Both guides' acceptance criteria: the contract in words (`contract`), a row of each
 * criterion shown (`rows`), and how many more of the plan's `total` there are.
 */
export function criteriaSection(contract: string, rows: string[], total: number): string[] {
  return [
    '### Acceptance criteria',
    '',
    contract,
    '',
    '| Criterion | What must hold | Check | Result |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...(total > rows.length ? ['', `${total - rows.length} more criteria are in the plan.`] : []),
  ];
}

/**
 * The heading of the changes both guides rank first: `lines` of the work's `total` changed
 * lines, and the `records` lines of Baton's build records it does not count, when there are any.
 */
export function readFirstHeading(lines: number, total: number, records: number): string {
  const apart =
    records > 0
      ? `, not counting Baton's build records (${records} ${records === 1 ? 'line' : 'lines'})`
      : '';
  return `### Read these first: ${lines} of ${total} changed lines${apart}`;
}

/** The contract's state in words: none, invalid, or N checks for M criteria (K unchecked). */
export function contractLine(contract: ContractRead | undefined, criteria: number): string {
  if (!contract || contract.kind === 'missing')
    return 'No contract: no check was written for these criteria.';
  if (contract.kind === 'invalid')
    return `The contract (\`contract.json\`) could not be read: ${quoted(contract.problems[0] ?? 'invalid')}.`;
  const { checks, unchecked } = contract.contract;
  return `The contract: ${checks.length} ${checks.length === 1 ? 'check' : 'checks'} for ${criteria} ${criteria === 1 ? 'criterion' : 'criteria'} (${unchecked.length} unchecked), run by ${quoted(contract.contract.command)}.`;
}

/** The check that proves a criterion, and what is known of its result. */
function proof(
  criterion: PlannedCriterion,
  { contract, requireChecks, validated }: GuideInput,
  byId: Map<string, GuideWorker>,
): [string, string] {
  const check = checkCell(criterion, contract);
  if (!check.checked) return [check.text, '—'];
  return [
    check.text,
    resultOf(criterion, { requireChecks, ...(validated ? { validated } : {}) }, byId),
  ];
}

/**
 * The contract's checks of a criterion as the guide names them (file › name,
 * quoted; two, then how many more), or why there is none. Shared by the final
 * pull request's guide and a worker pull request's.
 */
export function checkCell(
  criterion: Pick<PlannedCriterion, 'id'>,
  contract: ContractRead | undefined,
): { checked: boolean; text: string } {
  if (contract?.kind !== 'valid') return { checked: false, text: 'no check' };
  const checks = contract.contract.checks.filter((check) => check.criterion === criterion.id);
  if (checks.length === 0) {
    const why = contract.contract.unchecked.find((one) => one.criterion === criterion.id)?.why;
    return { checked: false, text: why ? `no check: ${quoted(why)}` : 'no check' };
  }
  const named = checks
    .slice(0, 2)
    .map((check) => quoted(`${check.file} › ${check.name}`, 160))
    .join('<br>');
  const more = checks.length > 2 ? ` and ${checks.length - 2} more` : '';
  return { checked: true, text: `${named}${more}` };
}

function resultOf(
  criterion: PlannedCriterion,
  { requireChecks, validated }: Pick<GuideInput, 'requireChecks' | 'validated'>,
  byId: Map<string, GuideWorker>,
): string {
  // A worker the guide does not list (a later plan dropped it) is as good as skipped.
  const skipped = new Set(
    [...byId.values()].filter((one) => one.outcome === 'skipped').map((one) => one.id),
  );
  if (criterion.worker !== null && !byId.has(criterion.worker)) skipped.add(criterion.worker);
  const withdrawn = withdrawnBy({ workers: [...byId.values()] }, skipped);
  if (notDue(criterion.id, dueAtEnd(skipped, withdrawn)) === 'skipped') {
    const fixer = withdrawn.get(criterion.id);
    return fixer
      ? `⏭️ not due: ${fixer}, its fix, was skipped, so no validation held the build to it`
      : `⏭️ not due: ${criterion.worker} was skipped, so no validation held the build to it`;
  }
  if (validated) {
    const proven = provenText(criterion.id, validated);
    if (proven !== null) return proven;
    if (validated.reached)
      return `⚠️ not proven (test-aware): M${validated.milestone}'s validation passed on its exit status, but ${reachedText(validated.reached)}`;
    return `✅ passed in M${validated.milestone}'s validation of ${code(validated.head.slice(0, 7))}, by a session that wrote none of the code`;
  }
  if (criterion.worker === null) return "runs in this pull request's checks";
  return requireChecks
    ? `${criterion.worker} merged with its checks green; runs again here`
    : `${criterion.worker} merged (checks not required); runs here`;
}

/** Worst first: a criterion's row tells of its worst check. */
const WORST: readonly CheckRecord['verdict'][] = ['failing', 'not-proven', 'guard', 'proven'];

const BEFORE: Record<string, string> = {
  failed: 'failed',
  'expected-failure': 'failed under its mark',
  skipped: 'was skipped',
  todo: 'was left to do',
  missing: 'was not in the report',
};

/**
 * What the validation's reports showed of a criterion's checks (docs/verification.md,
 * "Fails before, passes after"), or null where they judged none of them.
 */
function provenText(criterion: string, validated: ValidationRecord): string | null {
  const checks = (validated.checks ?? []).filter((check) => check.criterion === criterion);
  const worst = WORST.map((verdict) => checks.find((check) => check.verdict === verdict)).find(
    (check) => check !== undefined,
  );
  if (!worst) return null;
  const head = code(validated.head.slice(0, 7));
  const before = validated.contract_commit ? code(validated.contract_commit.slice(0, 7)) : null;
  const onContract = before ? `on the contract's commit ${before}` : "on the contract's commit";
  switch (worst.verdict) {
    case 'proven':
      return `✅ ${BEFORE[worst.before ?? 'failed'] ?? 'failed'} ${onContract}, passed on ${head} (M${validated.milestone}'s validation)`;
    case 'guard':
      return `🛡️ guard: passed on both, ${before ?? "the contract's commit"} and ${head}`;
    case 'not-proven':
      if (worst.reached)
        return `⚠️ not proven (test-aware): ${reachedText(worst.reached)}; passed on ${head}`;
      return worst.before === 'passed'
        ? `⚠️ not proven: passed before the work (${onContract}), so it passes whatever the work does; passed on ${head}`
        : `⚠️ not proven: ${worst.before === null ? `no report ${onContract}` : `${BEFORE[worst.before] ?? worst.before} ${onContract}`}; passed on ${head}`;
    default:
      return `❌ failing on ${head}: ${worst.after}`;
  }
}

/** The work's test-aware code a run reached, its path and words quoted. */
function reachedText({ path, line, what }: ReachedCode): string {
  return `its run reached the work's code that asks whether a test runner runs it, ${quoted(`${path}:${line}`)} (${quoted(what, 80)})`;
}

function rankedBlock(ranked: WorkerRisk[], byId: Map<string, GuideWorker>): string[] {
  const risky = ranked.filter((risk) => risk.classes.length > 0);
  if (risky.length === 0) {
    return [
      "Nothing here is risky by Baton's measure: no workflow, dependency, security path, public interface or test changed, no change is large, no review disagreed.",
    ];
  }
  return risky.flatMap((risk, index) => {
    const worker = byId.get(risk.worker);
    const link = worker?.pull ? ` ([#${worker.pull.number}](${worker.pull.url}))` : '';
    const files = risk.files.slice(0, GUIDE_MAX_FILES).map((file) => `   - ${fileLine(file)}`);
    const more =
      risk.files.length > GUIDE_MAX_FILES
        ? [`   - and ${risk.files.length - GUIDE_MAX_FILES} more risky files`]
        : [];
    return [
      `${index + 1}. **${risk.worker}** ${quoted(worker?.title ?? '')}${link}: **risk: ${risk.classes.join(', ')}**. It ${risk.classes.map(riskText).join('; ')}.`,
      ...files,
      ...more,
    ];
  });
}

/** A changed file as the guides list it: its path quoted, its lines, and its classes if any. */
export function fileLine(file: Pick<RiskyFile, 'path' | 'lines' | 'classes'>): string {
  const lines = `${file.lines} ${file.lines === 1 ? 'line' : 'lines'}`;
  return `${quoted(file.path)}: ${file.classes.length > 0 ? `${lines}, ${file.classes.join(', ')}` : lines}`;
}

function workerLine(worker: GuideWorker): string {
  const title = quoted(worker.title);
  if (worker.outcome === 'skipped' || !worker.pull)
    return `- **${worker.id}** ${title}: skipped, not merged.`;
  const link = `[${escapeLinkText(`#${worker.pull.number}`)}](${worker.pull.url})`;
  const risk = worker.risk.evidence === 'none' ? ' No evidence from publish for its head.' : '';
  return `- **${worker.id}** ${title}: ${verdictOf(worker.pull)}; merged in ${link}.${risk}`;
}

/** The last decisive review on the merged head, by whom. */
function verdictOf(pull: Pick<PullInfo, 'reviews' | 'headSha'>): string {
  const decisive = pull.reviews.filter(
    (review) => review.verdict !== 'comment' && review.commitSha === pull.headSha,
  );
  const last =
    decisive.at(-1) ?? pull.reviews.filter((review) => review.verdict !== 'comment').at(-1);
  if (!last) return 'no review verdict';
  const who = last.byBaton ? "Baton's review" : `${code(last.author)}'s review`;
  return last.verdict === 'approve' ? `approved by ${who}` : `changes requested by ${who}`;
}
