/**
 * Baton's reporter for Vitest (docs/verification.md, "Fails before, passes
 * after"), the text of a module the session writes beside the run and names
 * with `--reporter=<file>`. Vitest's own JSON report writes an `it.fails`
 * check that threw as `passed`, so a check still marked to fail would read as
 * proven; this one writes the same shape (json-report.ts) with `fails: true`
 * on every check so marked, from the runner's own tasks. It walks the files'
 * tasks once the run ends (`onTestRunEnd`, Vitest 3 and later; `onFinished`
 * before). Pure: only the text.
 */

/** The module's text, writing its report to `reportFile`. */
export function vitestReporterSource(reportFile: string): string {
  return `import { writeFileSync } from 'node:fs';
const OUT = ${JSON.stringify(reportFile)};
function statusOf(test) {
  const state = test.result?.state;
  if (state === 'pass') return 'passed';
  if (state === 'fail') return 'failed';
  if (test.mode === 'todo') return 'todo';
  if (test.mode === 'skip' || state === 'skip') return 'skipped';
  return 'failed';
}
function collect(task, titles, into) {
  for (const child of task.tasks ?? []) {
    if (child.type === 'suite') collect(child, [...titles, child.name], into);
    else into.push({ ancestorTitles: titles, title: child.name, status: statusOf(child), fails: child.fails === true });
  }
}
export default class BatonReport {
  written = false;
  write(files) {
    if (this.written) return;
    this.written = true;
    const testResults = files.map((file) => {
      const assertionResults = [];
      collect(file, [], assertionResults);
      return { name: file.filepath, assertionResults };
    });
    writeFileSync(OUT, JSON.stringify({ testResults }));
  }
  onTestRunEnd(modules) {
    this.write(modules.map((module) => module.task));
  }
  onFinished(files) {
    this.write(files ?? []);
  }
}
`;
}
