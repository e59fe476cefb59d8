import { escapeText } from '../vocabulary/markdown.js';
import { link } from './render-progress-table.js';
import type { ValidationView } from './status-view.js';

/**
 * One milestone's validation (docs/verification.md): `✅ Milestone 1 validated
 * on abc1234: every contract check passes`, or the checks that failed and the
 * fix worker each was given.
 */
export function validationLine(view: ValidationView): string {
  const run = view.url ? ` (${link(view.url, 'validate run')})` : '';
  const at = view.head ? ` on \`${view.head.slice(0, 7)}\`` : '';
  const milestone = `Milestone ${view.milestone}`;
  switch (view.state) {
    case 'running':
      return `🧪 **Validating** milestone ${view.milestone}${at}: a session that wrote none of the code runs the contract's checks${run}.`;
    case 'passed':
      return `✅ ${milestone} validated${at}: the contract's checks pass${run}.`;
    case 'accepted':
      return `☑️ ${milestone} goes on unproven${at}: ${acceptedText(view.failed)}${run}.`;
    case 'failed':
      return `❌ ${milestone} failed validation${at}: ${failedText(view.failed)}${run}.`;
    case 'breach':
      return `🚨 ${milestone}'s validation${at} does not count: ${view.note ?? "the contract it ran is not the one Baton's publish sealed"}${run}. A person decides; the final pull request waits.`;
    case 'session-failed':
      return `⚠️ ${milestone}'s validation session ended without a result${run}: its job summary says why; the next change to the build branch validates it again.`;
    case 'awaiting-budget':
      return `💸 ${milestone}'s validation${at} waits for budget${run}: ${view.note ?? 'the budget stopped its session; raise it and it runs again by itself'}.`;
    default: {
      const _exhaustive: never = view.state;
      return _exhaustive;
    }
  }
}

/** `2 checks → fix workers W3.1, W3.2`, or what waits for a person when no fix worker could be added. */
function failedText(failed: ValidationView['failed']): string {
  const failing = failed.filter((f) => !f.unproven);
  const unproven = failed.filter((f) => f.unproven);
  return [
    ...(failing.length > 0 ? [failingText(failing)] : []),
    ...(unproven.length > 0 ? [unprovenText(unproven)] : []),
  ].join('; ');
}

function failingText(failed: ValidationView['failed']): string {
  const checks = `${failed.length} ${failed.length === 1 ? 'check' : 'checks'} (${failed.map((f) => f.check).join(', ')})`;
  const fixes = [...new Set(failed.flatMap((f) => (f.worker ? [f.worker] : [])))];
  if (fixes.length > 0 && failed.every((f) => f.worker)) {
    return `${checks} → fix ${fixes.length === 1 ? 'worker' : 'workers'} ${fixes.join(', ')}`;
  }
  return `${checks}; no fix worker could be added to the plan: a person is needed (push a fix to the build branch, and it is validated again)`;
}

/** `W1.1:1 not proven (passed before the work) → contract fix W0.2`, or what a person must do. */
function unprovenText(failed: ValidationView['failed']): string {
  const criteria = failed.map((f) => f.check).join(', ');
  const fixes = failed.flatMap((f) => (f.worker ? [f.worker] : []));
  const not = `${criteria} not proven (${failed.length === 1 ? 'its check passes' : 'their checks pass'} before the work)`;
  if (fixes.length === failed.length) {
    return `${not} → contract ${fixes.length === 1 ? 'fix' : 'fixes'} ${fixes.join(', ')}`;
  }
  return `${not}; a criterion has one contract fix a build: a person is needed (/replan to mark it a guard, if it held before the work, or to word it so a check can fail)`;
}

/** `W1.1:1 not proven (its check passes before the work), and alice skipped W0.2, its contract fix: …`. */
function acceptedText(failed: ValidationView['failed']): string {
  const criteria = failed.map((f) => f.check).join(', ');
  const skips = failed.map((f) => `${escapeText(f.skippedBy ?? 'a person')} skipped ${f.worker}`);
  const one = failed.length === 1;
  return `${criteria} not proven (${one ? 'its check passes' : 'their checks pass'} before the work), and ${[...new Set(skips)].join(', ')}, ${one ? 'its contract fix' : 'their contract fixes'}: the build goes on without that proof`;
}

/**
 * Records under the build's validation refs that no validation run of Baton's
 * wrote (src/core/snapshot/validation-ties.ts): they settle nothing, and the
 * app's log names each once.
 */
export function ignoredValidationsLine(count: number | undefined): string[] {
  if (!count) return [];
  const records = count === 1 ? '1 validation record' : `${count} validation records`;
  return [
    `🛡️ ${records} under this build's refs ${count === 1 ? 'is' : 'are'} ignored: no validation run Baton dispatched for ${count === 1 ? 'its' : 'their'} milestone and head wrote ${count === 1 ? 'it' : 'them'} (the app's log names them). Each milestone is validated by its own run.`,
  ];
}

/** The final pull request waits for the last milestone's validation (absent: no contract). */
export function awaitsValidation(validations: ValidationView[] | undefined): boolean {
  if (!validations) return false;
  const last = validations.at(-1)?.state;
  return last !== 'passed' && last !== 'accepted';
}
