/**
 * The review guide, smaller, at the head of a worker's pull request
 * (docs/verification.md, "The guide on a worker pull request"): the worker's
 * acceptance criteria with the contract's check of each, "Read these first: N
 * of M changed lines" with the risky files and their classes, then the rest.
 * Publish writes it with the body it already writes, from the facts it already
 * holds: the plan and `contract.json` of the build branch, the evidence of the
 * diff, and the default branch's settings. Every word is publish's own; a path,
 * a criterion or a check's name a session chose appears only quoted, inert. It
 * is for people: what the app believes is the evidence marker, which it judges
 * with its own settings.
 */
import type { VerificationSettings } from '../config/verification-settings.js';
import type { PlannedCriterion } from '../plan/contract.js';
import type { Evidence } from '../sessions/evidence.js';
import type { ContractRead } from '../snapshot/snapshot.js';
import { quoted } from './quoted.js';
import {
  checkCell,
  contractLine,
  criteriaSection,
  fileLine,
  GUIDE_MAX_FILES,
  guideOpening,
  readFirstHeading,
} from './review-guide.js';
import { type ContractVetting, judgeChange, type RiskyFile, riskText } from './risk.js';

/** The most characters the guide takes of the body; past that it names fewer rows and counts the rest. */
export const WORKER_GUIDE_MAX_CHARS = 12_000;

/** The paths `security` and `interface` need, as the default branch's settings give them, or why they are unknown. */
export type GuidePaths =
  | { kind: 'read'; paths: Pick<VerificationSettings, 'securityPaths' | 'interfacePaths'> }
  | { kind: 'unread'; why: string };

export interface WorkerGuideInput {
  worker: string;
  /** The worker's own criteria, from the build branch's plan. */
  criteria: PlannedCriterion[];
  /** `contract.json` as the build branch holds it; absent: none there. */
  contract: ContractRead | undefined;
  /** The worker writes the contract itself (`W0.1`, `W0.2` …). */
  writesContract: boolean;
  /** What publish measured of the diff: the evidence its body ends with. */
  evidence: Pick<Evidence, 'files' | 'more'>;
  paths: GuidePaths;
  /** What publish vetted of the contract for this worker; null without one. */
  vetting: ContractVetting | null;
}

const NO_PATHS = { securityPaths: [], interfacePaths: [] };

/** The guide, as Markdown, within `WORKER_GUIDE_MAX_CHARS`. */
export function renderWorkerGuide(input: WorkerGuideInput): string {
  let rows = Math.max(GUIDE_MAX_FILES, input.criteria.length);
  for (;;) {
    const guide = renderWith(input, rows);
    if (guide.length <= WORKER_GUIDE_MAX_CHARS || rows === 0) return guide;
    rows = Math.floor(rows / 2);
  }
}

/** The guide naming at most `rows` criteria, risky files and other files each. */
function renderWith(input: WorkerGuideInput, rows: number): string {
  const settings = input.paths.kind === 'read' ? input.paths.paths : NO_PATHS;
  const change = judgeChange(input.evidence, settings, { contract: input.vetting });
  const risky = new Set(change.files.map((file) => file.path));
  const rest = input.evidence.files.filter((file) => !risky.has(file.path));
  return [
    ...guideOpening("this pull request's diff", "the session's"),
    '',
    ...criteriaBlock(input, rows),
    '',
    readFirstHeading(change.riskyLines, change.lines, change.recordLines),
    '',
    ...riskBlock(change.classes, change.files, rows),
    ...pathsNote(input.paths),
    '',
    '### The rest',
    '',
    ...restBlock(rest, input.evidence.more, rows),
  ].join('\n');
}

function criteriaBlock(
  { worker, criteria, contract, writesContract }: WorkerGuideInput,
  rows: number,
): string[] {
  if (criteria.length === 0) {
    return [
      writesContract
        ? `${worker} writes the contract: the checks that prove the plan's criteria are this pull request.`
        : `The plan gives ${worker} no acceptance criteria.`,
    ];
  }
  const shown = criteria.slice(0, rows).map((criterion) => {
    const check = checkCell(criterion, contract);
    const result = check.checked ? "runs in this pull request's checks" : '—';
    return `| ${criterion.id} | ${quoted(criterion.text)} | ${check.text} | ${result} |`;
  });
  return criteriaSection(
    contractLine(ownContract(contract, worker), criteria.length),
    shown,
    criteria.length,
  );
}

/** The contract as it concerns one worker: its criteria's checks and unchecked criteria only. */
function ownContract(contract: ContractRead | undefined, worker: string): ContractRead | undefined {
  if (contract?.kind !== 'valid') return contract;
  const own = (criterion: string) => criterion.startsWith(`${worker}:`);
  return {
    kind: 'valid',
    contract: {
      ...contract.contract,
      checks: contract.contract.checks.filter((check) => own(check.criterion)),
      unchecked: contract.contract.unchecked.filter((one) => own(one.criterion)),
    },
  };
}

function riskBlock(classes: RiskyFile['classes'], files: RiskyFile[], rows: number): string[] {
  if (classes.length === 0) {
    return [
      "Nothing here is risky by Baton's measure: no workflow, dependency, security path, public interface or test changed, and the change is not large.",
    ];
  }
  const shown = files.slice(0, rows).map((file) => `- ${fileLine(file)}`);
  const more =
    files.length > shown.length ? [`- and ${files.length - shown.length} more risky files`] : [];
  const whole = files.length === 0 ? ' No one file carries it: the change as a whole does.' : '';
  return [
    `**Risk: ${classes.join(', ')}.** It ${classes.map(riskText).join('; ')}.${whole}`,
    ...(shown.length + more.length > 0 ? ['', ...shown, ...more] : []),
  ];
}

function pathsNote(paths: GuidePaths): string[] {
  if (paths.kind === 'read') return [];
  return [
    '',
    `_Security and interface paths were not judged here: ${paths.why}. Baton judges them with the repository's settings before it merges this pull request._`,
  ];
}

function restBlock(rest: Evidence['files'], more: Evidence['more'], rows: number): string[] {
  const shown = rest.slice(0, rows).map((file) => `- ${fileLine({ ...file, classes: [] })}`);
  const files = rest.length - shown.length + (more?.files ?? 0);
  const lines =
    rest.slice(shown.length).reduce((sum, file) => sum + file.lines, 0) + (more?.lines ?? 0);
  const counted =
    files > 0
      ? [
          `- and ${files} more ${files === 1 ? 'file' : 'files'}, ${lines} ${lines === 1 ? 'line' : 'lines'}`,
        ]
      : [];
  return shown.length + counted.length > 0 ? [...shown, ...counted] : ['No other file changed.'];
}
