import { describe, expect, it } from 'vitest';
import {
  type ChangedLines,
  parseEvidenceMarker,
  renderEvidenceMarker,
} from '../../src/core/sessions/evidence.js';
import { fileClasses } from '../../src/core/verification/risk.js';
import { unquote } from '../../src/session/publish/checks/claims/diff-marks.js';
import { parseNameStatus, parseNumstat } from '../../src/session/publish/checks/read-diff.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import {
  EVIDENCE_MARKER_MAX_CHARS,
  workerEvidence,
} from '../../src/session/publish/write/worker-evidence.js';
import {
  FIX_ENV,
  type FileContent,
  fixSession,
  makeCompletion,
  symlink,
  workSession,
} from './publish/fixture.js';
import { type Harness, PULLS, usePublishHarness } from './publish/harness.js';
import { WORKER_COMPLETION } from './publish/worker-paths.js';

const h = usePublishHarness();

function bodyOf(harness: Harness, method: 'POST' | 'PATCH'): string {
  const call = harness.github.api.findLast(
    (each) => each.method === method && each.path.startsWith(PULLS),
  );
  return (call?.body as { body?: string } | undefined)?.body ?? '';
}

/**
 * A work session (or, as `session`, a fix session) that leaves `files` and its report
 * saying `summary` of `src/login.ts`, in the report's file and its result; its head.
 */
function reporting(
  summary: string,
  files: Record<string, FileContent>,
  session: typeof fixSession = workSession,
): string {
  const report = makeCompletion({
    summary,
    artifacts: ['src/login.ts'],
    tests: { status: 'passed', command: 'npm test', detail: '' },
  });
  return session(
    h.fixture,
    { ...files, [WORKER_COMPLETION]: JSON.stringify(report) },
    { result: { completion: report } },
  );
}

/** The evidence marker of the body the last `method` of a pull request wrote. */
function evidenceOf(method: 'POST' | 'PATCH') {
  return parseEvidenceMarker(bodyOf(h, method));
}

/** The report's own file, in the evidence of every worker pull request. */
const REPORT_FILE = { path: WORKER_COMPLETION, status: 'added', lines: 1 };

describe('the evidence at the end of a worker pull request', () => {
  it('names each file with its status, a rename’s old path and its lines, a binary file with none', async () => {
    const head = reporting('Added the login form.', {
      'src/app.ts': null,
      'src/main.ts': 'export const app = 1;\n',
      'README.md': null,
      'assets/logo.png': new Uint8Array([0, 1, 2, 0, 255, 0]),
      'src/login.ts': 'export const login = true;\nexport const logout = false;\n',
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    expect(evidenceOf('POST')).toEqual({
      version: 1,
      head,
      files: [
        REPORT_FILE,
        { path: 'README.md', status: 'deleted', lines: 1 },
        { path: 'assets/logo.png', status: 'added', lines: 0 },
        { path: 'src/login.ts', status: 'added', lines: 2 },
        { path: 'src/main.ts', status: 'renamed', from: 'src/app.ts', lines: 0 },
      ],
      contract: 'none',
      // The artifact: the summary claims nothing publish checks.
      claims: { checked: 1, flagged: [] },
    });
  });

  it('names where a symbolic link points, so a link into the workflows is the workflow class', async () => {
    reporting('Added the login form.', {
      'docs/ci.yml': symlink('../.github/workflows/ci.yml'),
      ci: symlink('.github/workflows'),
      'docs/readme.md': symlink('../README.md'),
      'src/login.ts': 'export const login = true;\n',
    });
    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    const files = evidenceOf('POST')?.files ?? [];
    const linked = Object.fromEntries(files.map((file) => [file.path, file.link ?? null]));
    expect(linked).toMatchObject({
      ci: '.github/workflows',
      'docs/ci.yml': '.github/workflows/ci.yml',
      'docs/readme.md': 'README.md',
      'src/login.ts': null,
    });
    const workflow = files.filter((file) =>
      fileClasses(file, { securityPaths: [], interfacePaths: [] }).includes('workflow'),
    );
    expect(workflow.map((file) => file.path)).toEqual(['ci', 'docs/ci.yml']);
  });

  it("marks code outside the tests that gains a line reading a test runner's environment", async () => {
    reporting('Added the login form.', {
      'src/login.ts': 'export const login = () => process.env.VITEST !== undefined || check();\n',
      'src/"odd".ts': 'export const odd = process.env.JEST_WORKER_ID ? 1 : 2;\n',
      // A line that shows as a file's header in the patch is content, and names no file.
      'src/plus.ts': '++ b/test/x.test.ts\nexport const p = process.env.PYTEST_CURRENT_TEST;\n',
      'src/env.ts': "export const prod = process.env.NODE_ENV === 'production';\n",
      'test/setup.ts': 'if (process.env.VITEST) globalThis.x = 1;\n',
      // Reaches no word list names: a variable's name built at run time, a matcher of its own,
      // Object.is replaced, a pytest hook outside the tests.
      'src/built.ts': "export const on = process.env['VITE' + 'ST'] ? 1 : 2;\n",
      'src/greet.ts': 'export const greet = () => ({ asymmetricMatch: () => true });\n',
      'src/is.js': 'Object.is = () => true;\n',
      'app/hook.py': 'def pytest_collection_modifyitems(items):\n    items.clear()\n',
      // A name with a line break, which one `cat-file --batch` for every file cannot be asked for.
      'src/two\nlines.ts': 'export const two = process.env.VITEST;\n',
      // Said only in a comment, or on a line the work did not add: nothing.
      'src/quiet.ts': '// process.env[name] and Object.is = f\nexport const quiet = 1;\n',
    });
    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    const marked = (evidenceOf('POST')?.files ?? []).filter((file) => file.testAware);
    expect(marked.map((file) => file.path).sort()).toEqual([
      'app/hook.py',
      'src/"odd".ts',
      'src/built.ts',
      'src/greet.ts',
      'src/is.js',
      'src/login.ts',
      'src/plus.ts',
      'src/two\nlines.ts',
    ]);
  });

  it('reads a name git quotes in a patch as git wrote it', () => {
    expect(unquote('"b/src/\\"odd\\".ts"')).toBe('b/src/"odd".ts');
    expect(unquote('"b/caf\\303\\251.ts"')).toBe('b/café.ts');
    expect(unquote('b/plain.ts')).toBe('b/plain.ts');
  });

  it('is written afresh for a fix session’s head, over the whole pull request', async () => {
    reporting('Added the login form.', { 'src/login.ts': 'export const login = true;\n' });
    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    const head = reporting(
      'Checked the password length. CI is green.',
      { 'src/login.ts': 'export const login = (password: string) => password.length > 8;\n' },
      fixSession,
    );

    expect(await h.publish(FIX_ENV)).toBe(PUBLISH_EXIT.published);

    expect(evidenceOf('PATCH')).toEqual({
      version: 1,
      head,
      files: [REPORT_FILE, { path: 'src/login.ts', status: 'added', lines: 1 }],
      contract: 'none',
      claims: { checked: 2, flagged: ['passing checks: "CI is green."'] },
    });
  });
});

describe("git's diff as publish reads it", () => {
  it('reads a rename, a copy and a type change from --name-status -z', () => {
    expect(
      parseNameStatus('M\0a.ts\0R087\0old.ts\0new.ts\0C100\0x.ts\0y.ts\0T\0link\0D\0gone\0'),
    ).toEqual([
      { path: 'a.ts', status: 'modified' },
      { path: 'new.ts', status: 'renamed', from: 'old.ts' },
      { path: 'y.ts', status: 'added' },
      { path: 'link', status: 'type-changed' },
      { path: 'gone', status: 'deleted' },
    ]);
  });

  it('reads lines from --numstat -z, a rename by its new path, a binary file as 0', () => {
    expect([...parseNumstat('3\t1\ta.ts\0-\t-\tlogo.png\0' + '2\t2\t\0old.ts\0new.ts\0')]).toEqual([
      ['a.ts', 4],
      ['logo.png', 0],
      ['new.ts', 4],
    ]);
  });
});

describe('the evidence publish builds', () => {
  const NO_CLAIMS = { checked: 0, flagged: [], artifacts: [] };
  const file = (path: string, lines = 3): ChangedLines => ({ path, status: 'modified', lines });
  const HEAD = 'a'.repeat(40);

  it('names as many files as fit its share of the body and counts the rest', () => {
    const diff = Array.from({ length: 400 }, (_, i) => file(`src/${'deep/'.repeat(80)}f${i}.ts`));

    const evidence = workerEvidence({ head: HEAD, diff, guarded: null, claims: NO_CLAIMS });

    expect(renderEvidenceMarker(evidence).length).toBeLessThanOrEqual(EVIDENCE_MARKER_MAX_CHARS);
    expect(evidence.files.length).toBeGreaterThan(0);
    expect(evidence.files.length + (evidence.more?.files ?? 0)).toBe(400);
    expect(evidence.more?.lines).toBe(3 * (400 - evidence.files.length));
    expect(parseEvidenceMarker(renderEvidenceMarker(evidence))).toEqual(evidence);
  });

  it.each([
    { guarded: null, diff: [file('src/a.ts')], contract: 'none' },
    { guarded: ['test/a.test.ts'], diff: [file('src/a.ts')], contract: 'kept' },
    { guarded: ['test/a.test.ts'], diff: [file('test/a.test.ts')], contract: 'changed' },
    {
      guarded: ['test/a.test.ts'],
      diff: [{ path: 'old/a.ts', status: 'renamed' as const, from: 'test/a.test.ts', lines: 0 }],
      contract: 'changed',
    },
  ])('says the contract is $contract', ({ guarded, diff, contract }) => {
    expect(workerEvidence({ head: HEAD, diff, guarded, claims: NO_CLAIMS }).contract).toBe(
      contract,
    );
  });
});
