/**
 * What a worker's change may not do to the contract's files (docs/verification.md,
 * "Workers cannot weaken the contract"), judged on a file's entry before and
 * after: pure, so each rule is tested by itself.
 */

import { quotedValue } from '../../../../core/vocabulary/quoted-value.js';
import { jsCallMarked, pythonDecorated } from './check-marks.js';
import { countMatches, languageOf, type TestLanguage } from './test-languages.js';

/** A path's entry in a commit's tree: its mode and, for a file, its text. */
export interface TreeEntry {
  /** `100644`, `100755`, `120000` (a symbolic link), `160000` (a submodule), `040000` (a folder). */
  mode: string;
  /** A regular file's text; null for anything else. */
  text: string | null;
}

/** One way a change weakens the contract: the file and the rule it breaks. */
export interface ContractBreach {
  file: string;
  rule: string;
}

const REGULAR = new Set(['100644', '100755']);

/**
 * A contract file as the build branch holds it (`before`) and as the worker's
 * head leaves it (`after`, null when gone, with `movedTo` when git sees it
 * renamed). Null when the change weakens nothing.
 */
export function judgeContractFile({
  path,
  before,
  after,
  movedTo = null,
}: {
  path: string;
  before: TreeEntry;
  after: TreeEntry | null;
  movedTo?: string | null;
}): ContractBreach | null {
  const breach = (rule: string): ContractBreach => ({ file: path, rule });
  if (after === null) {
    return breach(
      movedTo
        ? `it is renamed to ${movedTo}: the contract's checks are run from where contract.json names them`
        : 'it is deleted',
    );
  }
  if (after.mode === '120000') return breach('it is replaced with a symbolic link');
  if (after.mode !== before.mode || !REGULAR.has(after.mode)) {
    return breach(`its type or mode changes (${before.mode} to ${after.mode})`);
  }
  if (before.text === null || after.text === null || before.text === after.text) return null;
  const language = languageOf(path);
  if (language === null) return null;
  const skips = [
    countMatches(before.text, language.skips),
    countMatches(after.text, language.skips),
  ];
  if ((skips[1] ?? 0) > (skips[0] ?? 0)) {
    return breach(`it gains a skip, only, todo or expected-failure marker (${language.name})`);
  }
  const asserts = [
    countMatches(before.text, language.assertions),
    countMatches(after.text, language.assertions),
  ];
  if ((asserts[1] ?? 0) < (asserts[0] ?? 0)) {
    return breach(`it asserts less: ${asserts[0]} assertions before, ${asserts[1]} after`);
  }
  const changed = changedAssertion(before.text, after.text, language);
  if (changed !== null) {
    return breach(
      `its assertion ${quotedValue(changed)} is changed or gone: a check asserts what its criterion says, not something that holds whatever the code does`,
    );
  }
  const empty = [
    countMatches(before.text, language.emptyBodies),
    countMatches(after.text, language.emptyBodies),
  ];
  if ((empty[1] ?? 0) > (empty[0] ?? 0)) return breach("a check's body is emptied");
  return null;
}

/**
 * The first line of `before` holding an assertion that `after` no longer holds
 * as it was (trimmed; each line counted as often as it is there), or null. The
 * count alone lets an assertion be rewritten as a tautology (`expect(1).toBe(1)`),
 * which passes whatever the code does; a worker adds assertions, never rewrites one.
 * A line that also marks its check to fail is left out: its worker removes the mark.
 */
function changedAssertion(
  before: string,
  after: string,
  { assertions, expectFail }: TestLanguage,
): string | null {
  const left = new Map<string, number>();
  for (const line of after.split('\n')) {
    const kept = line.trim();
    left.set(kept, (left.get(kept) ?? 0) + 1);
  }
  for (const line of before.split('\n')) {
    const asserted = line.trim();
    if (countMatches(asserted, assertions) === 0 || countMatches(asserted, expectFail) > 0)
      continue;
    const count = left.get(asserted) ?? 0;
    if (count === 0) return asserted;
    left.set(asserted, count - 1);
  }
  return null;
}

/** How far above a check's name a mark may stand (a decorator, an attribute). */
const MARK_REACH = 3;

/**
 * Whether a check of the contract, found in its file by the last part of its
 * name (`describe › it`, `file::test`), is still marked to fail: a worker that
 * hands in its work complete makes its own criteria's checks plain ones. Found
 * by the call or decorators that declare it (check-marks.ts), else by the lines
 * around its name; a name not found is not judged here (the contract's command
 * runs every check in CI and validation, judged by the runner's report).
 */
export function stillMarkedToFail({
  path,
  text,
  name,
}: {
  path: string;
  text: string;
  name: string;
}): boolean {
  const language = languageOf(path);
  if (language === null || language.expectFail.length === 0) return false;
  const leaf = checkLeaf(name);
  if (leaf === '') return false;
  // The call or the decorators that declare it, across lines and comments; the lines
  // around its name only where no declaration is found (a name built at run time).
  const declared =
    language.name === 'Python'
      ? pythonDecorated(text, leaf, language.expectFail)
      : language.name === 'JavaScript/TypeScript'
        ? jsCallMarked(text, leaf)
        : null;
  if (declared !== null) return declared;
  const named = wholeName(leaf);
  const lines = text.split('\n');
  return lines.some(
    (line, index) =>
      named.test(line) &&
      countMatches(lines.slice(Math.max(0, index - MARK_REACH), index + 1).join('\n'), [
        ...language.expectFail,
      ]) > 0,
  );
}

/** The last part of a check's name as a runner prints it (`describe › it`, `file::test`): what declares it in its file. */
export function checkLeaf(name: string): string {
  return (
    name
      .split(/\s+[›>]\s+|::|\s+\/\s+/)
      .at(-1)
      ?.trim() ?? ''
  );
}

/**
 * The name where it stands whole: not the start of a longer name ("greets Ada"
 * in "greets Ada from the command line", `test_login` in `test_login_sso`),
 * as a string's quote or a function's parenthesis ends it.
 */
function wholeName(leaf: string): RegExp {
  return new RegExp(
    `(?<![\\w])${leaf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w]|[ \\t]+[\\w])`,
  );
}

/** A test file by its name or folder (`login.test.ts`, `spec/…`, `__tests__/…`). */
const TEST_FILE = /(?:^|\/)(?:tests?|__tests__|specs?)\/|[._-](?:test|spec)\.\w+$/i;

/**
 * A test file outside the contract may not gain a focus marker (`.only`): a
 * runner that reads them across files (mocha) would run it alone.
 */
export function judgeFocus({
  path,
  before,
  after,
}: {
  path: string;
  before: string | null;
  after: string | null;
}): ContractBreach | null {
  const language = languageOf(path);
  if (language === null || after === null || !TEST_FILE.test(path)) return null;
  const was = countMatches(before ?? '', language.focus);
  return countMatches(after, language.focus) > was
    ? {
        file: path,
        rule: "it gains a focus marker (`.only`), with which a runner may run it alone and the contract's checks not",
      }
    : null;
}

/** The refusal for a breach: the file, the rule, and what to do instead. */
export function describeBreach({ file, rule }: ContractBreach): string {
  return `${file} weakens the build's contract: ${rule}. Workers may not weaken the contract (docs/verification.md); change the code under test; a contract change goes through \`/replan\``;
}
