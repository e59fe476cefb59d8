/**
 * JUnit XML (`pytest --junitxml=F`, and the many runners that write it): a
 * `<testcase classname="…" name="…">` a check, holding `<failure>` or
 * `<error>` when it failed, `<skipped>` when it did not run; pytest writes an
 * expected failure that failed (`xfail`) as `<skipped type="pytest.xfail">`
 * (https://docs.pytest.org/en/stable/how-to/output.html#creating-junitxml-format-files;
 * the elements: https://github.com/testmoapp/junitxml). A strict `xfail` that
 * passed is a `<failure>`. The name is `classname::name`, which compares with
 * a pytest node id (`tests/test_login.py::test_ok`, check-outcome.ts). Pure.
 */
import type { CheckOutcome, ReportedCheck } from './check-outcome.js';

const TESTCASE = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
const ATTRIBUTE = /([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The checks of a JUnit XML report, or why it is not one. */
export function readJunitReport(text: string): ReportedCheck[] | string {
  if (!/<testsuites?\b/.test(text)) return 'it has no `<testsuite>` element';
  const checks: ReportedCheck[] = [];
  for (const found of text.matchAll(TESTCASE)) {
    const attributes = attributesOf(found[1] ?? '');
    const name = attributes.get('name');
    if (name === undefined) return 'a `<testcase>` has no `name`';
    const classname = attributes.get('classname');
    checks.push({
      name: classname ? `${classname}::${name}` : name,
      file: attributes.get('file') ?? null,
      outcome: outcomeOf(found[3] ?? ''),
    });
  }
  return checks;
}

function outcomeOf(body: string): CheckOutcome {
  if (/<(?:failure|error)\b/.test(body)) return 'failed';
  const skipped = /<skipped\b([^>]*)/.exec(body);
  if (!skipped) return 'passed';
  return attributesOf(skipped[1] ?? '').get('type') === 'pytest.xfail'
    ? 'expected-failure'
    : 'skipped';
}

function attributesOf(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const found of text.matchAll(ATTRIBUTE))
    attributes.set(found[1] ?? '', unescapeXml(found[2] ?? found[3] ?? ''));
  return attributes;
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return named[entity.toLowerCase()] ?? '';
  });
}
