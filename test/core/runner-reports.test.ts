/**
 * Reports of the runners that are not run here, hand-written from their
 * documented formats, and the command that makes a runner write one
 * (src/core/reports/). Vitest's and node:test's are written by the runners
 * themselves in test/session/reports/runner-reports.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { outcomeOf, REPORT_MAX_BYTES } from '../../src/core/reports/check-outcome.js';
import { readReport } from '../../src/core/reports/read-report.js';
import { reportingCommand } from '../../src/core/reports/reporting-command.js';

/**
 * pytest's `--junitxml` (https://docs.pytest.org/en/stable/how-to/output.html#creating-junitxml-format-files):
 * an `xfail` that failed is `<skipped type="pytest.xfail">`, a strict one that passed a `<failure>`.
 */
const PYTEST_JUNIT = `<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="1" failures="2" skipped="2" tests="7" time="0.1">
<testcase classname="tests.test_login" name="test_ok" time="0.001" />
<testcase classname="tests.test_login" name="test_bad" time="0.001"><failure message="assert 1 == 2">def test_bad(): assert 1 == 2</failure></testcase>
<testcase classname="tests.test_login" name="test_broken" time="0.001"><error message="fixture &apos;db&apos; not found">E</error></testcase>
<testcase classname="tests.test_login.TestSso" name="test_marked" time="0.001"><skipped type="pytest.xfail" message="not implemented" /></testcase>
<testcase classname="tests.test_login" name="test_strict_xpass" time="0.001"><failure message="[XPASS(strict)] later">XPASS</failure></testcase>
<testcase classname="tests.test_login" name="test_later" time="0"><skipped type="pytest.skip" message="later">skip</skipped></testcase>
<testcase classname="tests.test_login" name="test_param[a &amp; b]" time="0.001" />
</testsuite></testsuites>`;

/** `go test -json` (https://pkg.go.dev/cmd/test2json): a test's last pass, fail or skip is its outcome. */
const GO_EVENTS = [
  { Action: 'start', Package: 'example.com/app/login' },
  { Action: 'run', Package: 'example.com/app/login', Test: 'TestLogin' },
  {
    Action: 'output',
    Package: 'example.com/app/login',
    Test: 'TestLogin',
    Output: '=== RUN TestLogin\n',
  },
  { Action: 'run', Package: 'example.com/app/login', Test: 'TestLogin/redirects' },
  { Action: 'pass', Package: 'example.com/app/login', Test: 'TestLogin/redirects', Elapsed: 0 },
  { Action: 'run', Package: 'example.com/app/login', Test: 'TestLogin/remembers' },
  { Action: 'fail', Package: 'example.com/app/login', Test: 'TestLogin/remembers', Elapsed: 0 },
  { Action: 'fail', Package: 'example.com/app/login', Test: 'TestLogin', Elapsed: 0 },
  { Action: 'skip', Package: 'example.com/app/login', Test: 'TestLater', Elapsed: 0 },
  { Action: 'fail', Package: 'example.com/app/login', Elapsed: 0.01 },
]
  .map((event) => JSON.stringify(event))
  .join('\n');

describe('a JUnit XML report', () => {
  const report = readReport('junit', PYTEST_JUNIT);
  const checks = report.ok ? report.checks : [];
  const of = (name: string) => outcomeOf(checks, { file: 'tests/test_login.py', name });

  it('reads each testcase by its pytest node id', () => {
    expect(report.ok).toBe(true);
    expect({
      ok: of('tests/test_login.py::test_ok'),
      bad: of('tests/test_login.py::test_bad'),
      broken: of('tests/test_login.py::test_broken'),
      xfail: of('tests/test_login.py::TestSso::test_marked'),
      xpass: of('tests/test_login.py::test_strict_xpass'),
      skipped: of('tests/test_login.py::test_later'),
      escaped: of('tests/test_login.py::test_param[a & b]'),
      missing: of('tests/test_login.py::test_gone'),
    }).toEqual({
      ok: 'passed',
      bad: 'failed',
      broken: 'failed',
      xfail: 'expected-failure',
      xpass: 'failed',
      skipped: 'skipped',
      escaped: 'passed',
      missing: null,
    });
  });
});

describe('go test -json', () => {
  it('reads each test, subtests by their path, in its package', () => {
    const report = readReport('go-json', GO_EVENTS);
    const checks = report.ok ? report.checks : [];
    const of = (name: string) => outcomeOf(checks, { file: 'login/login_test.go', name });
    expect([
      of('TestLogin/redirects'),
      of('TestLogin/remembers'),
      of('TestLogin'),
      of('TestLater'),
    ]).toEqual(['passed', 'failed', 'failed', 'skipped']);
    expect(outcomeOf(checks, { file: 'billing/billing_test.go', name: 'TestLogin' })).toBeNull();
  });
});

describe('a report that cannot be read is no report, never a pass', () => {
  it.each([
    ['json', null, 'the runner wrote no JSON report'],
    ['json', '', 'the JSON report is empty'],
    [
      'json',
      '{"testResults": [{"name": "a.test.ts", "assertionResults": [{"title": "x"',
      'does not parse: it is not JSON',
    ],
    ['json', '{"numTotalTests": 3}', 'does not parse: it has no `testResults` list'],
    ['tap', 'ok 1 - passes', 'does not parse: it has no `TAP version` line'],
    ['junit', '<html>passed</html>', 'does not parse: it has no `<testsuite>` element'],
    ['go-json', 'PASS\nok example.com/app 0.01s', 'does not parse: line 1 is not JSON'],
    ['json', 'x'.repeat(REPORT_MAX_BYTES + 1), `over ${REPORT_MAX_BYTES} bytes`],
  ] as const)('%s: %#', (format, text, reason) => {
    const report = readReport(format, text);
    expect(report.ok).toBe(false);
    expect(report.ok ? '' : report.reason).toContain(reason);
  });

  it('a status it does not know is a failure', () => {
    const report = readReport(
      'json',
      JSON.stringify({
        testResults: [
          {
            name: '/r/a.test.ts',
            assertionResults: [{ ancestorTitles: [], title: 'x', status: 'focused' }],
          },
        ],
      }),
    );
    expect(report.ok && report.checks[0]?.outcome).toBe('failed');
  });
});

describe('reportingCommand', () => {
  const input = {
    reportFile: '/tmp/r/report',
    vitestReporter: '/tmp/r/reporter.mjs',
    scripts: {
      test: 'vitest run',
      'test:node': 'node --test',
      'test:tap': 'node --test --test-reporter=tap --test-concurrency=1',
      'test:files': 'node --test test/a.test.mjs',
      'test:two': 'vitest run; echo done',
      'test:go': 'go test ./...',
      'test:nested': 'npm run test',
    },
  };
  it.each([
    [
      'npx vitest run test/contract',
      'npx vitest run test/contract --reporter=default --reporter=/tmp/r/reporter.mjs',
    ],
    [
      'npm test -- test/contract',
      'npm test -- test/contract --reporter=default --reporter=/tmp/r/reporter.mjs',
    ],
    ['npm test', 'npm test -- --reporter=default --reporter=/tmp/r/reporter.mjs'],
    [
      'pnpm test test/contract',
      'pnpm test test/contract --reporter=default --reporter=/tmp/r/reporter.mjs',
    ],
    ['yarn run test', 'yarn run test --reporter=default --reporter=/tmp/r/reporter.mjs'],
    [
      'npx jest test/contract && echo ok',
      'npx jest test/contract --json --outputFile=/tmp/r/report && echo ok',
    ],
    ['uv run pytest tests/contract', 'uv run pytest tests/contract --junitxml=/tmp/r/report'],
    [
      'node --test test/contract/',
      'node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination=/tmp/r/report test/contract/',
    ],
    [
      'npm run test:node',
      'npm run test:node -- --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination=/tmp/r/report',
    ],
    [
      'npm run test:tap',
      'npm run test:tap -- --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination=/tmp/r/report',
    ],
    ['go test ./pkg/login', 'go test ./pkg/login -json > /tmp/r/report'],
    [
      'node --test --test-reporter=tap test/a.mjs && sh -c true',
      'node --test --test-reporter=tap --test-reporter-destination=/tmp/r/report --test-reporter-destination=stdout --test-reporter=tap test/a.mjs && sh -c true',
    ],
    [
      'node --test --test-reporter=dot --test-reporter-destination=out.txt test/a.mjs',
      'node --test --test-reporter=tap --test-reporter-destination=/tmp/r/report --test-reporter=dot --test-reporter-destination=out.txt test/a.mjs',
    ],
  ])('%s', (command, written) => {
    expect(reportingCommand({ ...input, command }).command).toBe(written);
  });

  it.each([
    ['cargo test', 'cargo test writes no report Baton reads'],
    ['echo all checks pass', 'it runs no test runner Baton knows'],
    ['npx vitest run a && npx jest b', 'it runs 2 test runners'],
    ['npm run test:files', "node reads a reporter's flags only before them"],
    ['npm run test:two', "the script's last part does not run vitest"],
    ['npm run test:go', "cannot redirect `go test -json`'s output"],
    ['npm run test:nested', 'its script runs another script'],
    [
      'node --test --test-reporter=dot --test-reporter=spec --test-reporter-destination=a.txt x.mjs',
      'fewer destinations than reporters',
    ],
    ['npm run lint', 'package.json has no script "lint"'],
  ])('%s is judged by its exit status', (command, why) => {
    const planned = reportingCommand({ ...input, command });
    expect(planned).toMatchObject({ kind: 'exit-status', command });
    expect(planned.kind === 'exit-status' ? planned.why : '').toContain(why);
  });

  it('quotes a report path with spaces as one word', () => {
    expect(
      reportingCommand({ ...input, reportFile: "/tmp/a b/it's", command: 'pytest' }).command,
    ).toBe("pytest --junitxml='/tmp/a b/it'\\''s'");
  });
});
