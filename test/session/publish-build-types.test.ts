import { describe, expect, it } from 'vitest';
import { completionPath, workerFindingsPath } from '../../src/core/vocabulary/ids.js';
import { checkChanges, type WorkerScope } from '../../src/session/publish/checks/check-changes.js';
import type { SessionTarget } from '../../src/session/publish/checks/check-result.js';
import { BUILD, WORKER } from './publish/fixture.js';

const work: SessionTarget = {
  role: 'work',
  build: BUILD,
  worker: WORKER,
  pr: null,
  branch: `baton/${BUILD}/${WORKER}`,
};
const fix: SessionTarget = { ...work, role: 'fix', pr: 5 };

const research: WorkerScope = { type: 'research', outputs: [] };
const content: WorkerScope = { type: 'content', outputs: ['docs/guide.md', 'docs/faq.md'] };

function problemsFor(target: SessionTarget, scope: WorkerScope, ...paths: string[]): string[] {
  return checkChanges({
    target,
    changes: paths.map((path) => ({ path, size: 10 })),
    allowWorkflowChanges: false,
    scope,
  });
}

describe('checkChanges by build type', () => {
  it.each([
    { rule: 'a research worker may write its findings', path: workerFindingsPath(BUILD, WORKER) },
    { rule: 'a research worker may write its completion', path: completionPath(BUILD, WORKER) },
  ])('$rule', ({ path }) => {
    expect(problemsFor(work, research, path)).toEqual([]);
    expect(problemsFor(fix, research, path)).toEqual([]);
  });

  it.each([
    { rule: 'refuses a code change from a research worker', path: 'src/index.ts' },
    { rule: "refuses another worker's findings", path: workerFindingsPath(BUILD, 'W9.9') },
    {
      rule: 'refuses the report, which is the synthesis session’s',
      path: `.baton/builds/${BUILD}/REPORT.md`,
    },
    { rule: 'refuses a document outside the record', path: 'docs/notes.md' },
  ])('$rule', ({ path }) => {
    expect(problemsFor(work, research, path)).toEqual([
      `${path}: a research worker writes only its findings (${workerFindingsPath(BUILD, WORKER)}) and its completion (${completionPath(BUILD, WORKER)}); code and other files are refused in a research build`,
    ]);
  });

  it('lets a content worker write its declared outputs and completion', () => {
    expect(
      problemsFor(work, content, 'docs/guide.md', 'docs/faq.md', completionPath(BUILD, WORKER)),
    ).toEqual([]);
  });

  it('refuses a content worker any file its plan entry does not declare', () => {
    expect(problemsFor(work, content, 'docs/guide.md', 'src/app.ts')).toEqual([
      `src/app.ts is not one of ${WORKER}'s outputs in the plan (docs/guide.md, docs/faq.md); a content worker writes only those and its completion (${completionPath(BUILD, WORKER)})`,
    ]);
  });

  it('refuses every file to a content worker with no outputs declared, but its completion', () => {
    const none: WorkerScope = { type: 'content', outputs: [] };
    expect(problemsFor(work, none, completionPath(BUILD, WORKER))).toEqual([]);
    expect(problemsFor(work, none, 'docs/guide.md')).toEqual([
      expect.stringContaining('(none declared)'),
    ]);
  });

  it('keeps the rules every build has: workflows and the config stay refused', () => {
    const scope: WorkerScope = { type: 'content', outputs: ['.github/baton.yml'] };
    expect(problemsFor(work, scope, '.github/baton.yml')).toEqual([
      expect.stringContaining("holds Baton's settings"),
    ]);
  });

  it('leaves a code build as it was: code yes, the record no', () => {
    const code: WorkerScope = { type: 'code', outputs: [] };
    expect(problemsFor(work, code, 'src/index.ts')).toEqual([]);
    expect(problemsFor(work, code, workerFindingsPath(BUILD, WORKER))).toEqual([
      expect.stringContaining('is under .baton/'),
    ]);
  });
});
