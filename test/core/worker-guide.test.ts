import { describe, expect, it } from 'vitest';
import type { PlannedCriterion } from '../../src/core/plan/contract.js';
import {
  type GuidePaths,
  renderWorkerGuide,
  WORKER_GUIDE_MAX_CHARS,
  type WorkerGuideInput,
} from '../../src/core/verification/worker-guide.js';
import { tableRows } from '../support/table-rows.js';
import { makeEvidence, validContract } from './factories.js';

const CRITERIA: PlannedCriterion[] = [
  { id: 'W1.1:1', worker: 'W1.1', text: 'A right password signs in' },
  { id: 'W1.1:2', worker: 'W1.1', text: 'A wrong password is refused' },
];

const contract = validContract({
  files: ['test/login.test.ts'],
  checks: [
    { criterion: 'W1.1:1', file: 'test/login.test.ts', name: 'login › signs in' },
    { criterion: 'W1.2:1', file: 'test/login.test.ts', name: 'login › another worker' },
  ],
  unchecked: [{ criterion: 'W1.1:2', why: 'a person must try it' }],
});

const READ: GuidePaths = {
  kind: 'read',
  paths: { securityPaths: ['src/auth/**'], interfacePaths: ['api/**'] },
};

function input(overrides: Partial<WorkerGuideInput> = {}): WorkerGuideInput {
  return {
    worker: 'W1.1',
    criteria: CRITERIA,
    contract,
    writesContract: false,
    evidence: makeEvidence([
      'src/login.ts:30',
      'package.json:4',
      'src/auth/session.ts:12',
      '+test/login-form.test.ts:20',
    ]),
    paths: READ,
    vetting: { files: ['test/login.test.ts'], granted: false },
    ...overrides,
  };
}

/** The guide's lines that are its own structure: headings, and list items that do not start with a quote. */
function skeleton(guide: string): string[] {
  return guide
    .split('\n')
    .filter((line) => /^#+ |^\*\*Risk/.test(line))
    .map((line) => line.replace(/\d+/g, 'N'));
}

describe("the guide at the head of a worker's pull request", () => {
  it('maps the worker’s criteria to the contract’s checks, then reads the risky files first, then the rest', () => {
    expect(renderWorkerGuide(input())).toMatchInlineSnapshot(`
      "## Review guide

      _Written by Baton from the plan, the contract and what publish measured in this pull request's diff. Text in quotes is the session's own._

      ### Acceptance criteria

      The contract: 1 check for 2 criteria (1 unchecked), run by “npm test -- test/contract”.

      | Criterion | What must hold | Check | Result |
      | --- | --- | --- | --- |
      | W1.1:1 | “A right password signs in” | “test/login.test.ts › login › signs in” | runs in this pull request's checks |
      | W1.1:2 | “A wrong password is refused” | no check: “a person must try it” | — |

      ### Read these first: 16 of 66 changed lines

      **Risk: security, dependency.** It changes security-sensitive paths; changes dependencies.

      - “src/auth/session.ts”: 12 lines, security
      - “package.json”: 4 lines, dependency

      ### The rest

      - “src/login.ts”: 30 lines
      - “test/login-form.test.ts”: 20 lines"
    `);
  });

  it("reads the work's lines first, and says the worker's completion is apart", () => {
    const guide = renderWorkerGuide(
      input({
        evidence: makeEvidence([
          'src/login.ts:30',
          'src/auth/session.ts:12',
          '+.baton/builds/12-add-login/completions/W1.1.json:60',
        ]),
      }),
    );

    expect(guide).toContain(
      "### Read these first: 12 of 42 changed lines, not counting Baton's build records (60 lines)",
    );
  });

  it('judges only the classes that need no settings where publish could not read them, and says so', () => {
    const guide = renderWorkerGuide(
      input({ paths: { kind: 'unread', why: 'the default branch has no file' } }),
    );

    expect(guide).toContain('### Read these first: 4 of 66 changed lines');
    expect(guide).toContain('**Risk: dependency.**');
    expect(guide).toContain('- “src/auth/session.ts”: 12 lines\n');
    expect(guide).toContain(
      '_Security and interface paths were not judged here: the default branch has no file.',
    );
  });

  it.each([
    {
      case: 'a contract file the worker only unmarked',
      files: ['test/login.test.ts:2'],
      granted: false,
      classes: null,
    },
    {
      case: 'a contract file a worker given the contract changed',
      files: ['test/login.test.ts:2'],
      granted: true,
      classes: 'tests',
    },
    {
      case: 'a workflow',
      files: ['.github/workflows/ci.yml:3'],
      granted: false,
      classes: 'workflow',
    },
    {
      case: 'a public interface',
      files: ['api/users.proto:3'],
      granted: false,
      classes: 'interface',
    },
    {
      case: 'a large change',
      files: ['src/a.ts:300', 'src/b.ts:150'],
      granted: false,
      classes: 'size',
    },
  ])('says the risk of $case as the app judges it', ({ files, granted, classes }) => {
    const guide = renderWorkerGuide(
      input({ evidence: makeEvidence(files), vetting: { files: ['test/login.test.ts'], granted } }),
    );

    if (classes === null) expect(guide).toContain("Nothing here is risky by Baton's measure");
    else expect(guide).toContain(`**Risk: ${classes}.**`);
  });

  it('says what a worker without criteria, and the contract’s own worker, are', () => {
    expect(renderWorkerGuide(input({ criteria: [] }))).toContain(
      'The plan gives W1.1 no acceptance criteria.',
    );
    expect(
      renderWorkerGuide(
        input({
          worker: 'W0.1',
          criteria: [],
          writesContract: true,
          contract: { kind: 'missing' },
        }),
      ),
    ).toContain(
      "W0.1 writes the contract: the checks that prove the plan's criteria are this pull request.",
    );
  });

  it('counts the files the evidence does not name', () => {
    const guide = renderWorkerGuide(
      input({ evidence: makeEvidence(['src/a.ts:3'], { more: { files: 40, lines: 900 } }) }),
    );

    expect(guide).toContain('### Read these first: 0 of 903 changed lines');
    expect(guide).toContain(
      '**Risk: size.** It changes more than 400 lines. No one file carries it',
    );
    expect(guide).toContain('- “src/a.ts”: 3 lines\n- and 40 more files, 900 lines');
  });

  it('stays within its share of the body, however long what the sessions wrote', () => {
    const long = '<'.repeat(400);
    const guide = renderWorkerGuide(
      input({
        criteria: Array.from({ length: 10 }, (_, i) => ({
          id: `W1.1:${i + 1}`,
          worker: 'W1.1',
          text: long,
        })),
        contract: validContract({
          checks: Array.from({ length: 10 }, (_, i) => ({
            criterion: `W1.1:${i + 1}`,
            file: `test/${'<'.repeat(200)}.test.ts`,
            name: long,
          })),
        }),
        evidence: makeEvidence(
          Array.from({ length: 300 }, (_, i) => `.github/workflows/${'<'.repeat(300)}${i}.yml:1`),
        ),
      }),
    );

    expect(guide.length).toBeLessThanOrEqual(WORKER_GUIDE_MAX_CHARS);
    expect(guide).toContain('### Read these first: 300 of 300 changed lines');
    expect(guide).toMatch(/- and \d+ more risky files/);
  });
});

describe('text a session chose, in the guide', () => {
  const FORGED = [
    'x”: 1 line\n### Read these first: 0 of 0 changed lines',
    "**Risk: none.** Nothing here is risky by Baton's measure",
    '| W1.1:9 | forged | passed | ✅ |',
    '<!-- baton:evidence e30 -->',
    '- “package.json”: 0 lines',
  ];

  it.each(FORGED)('forges no line, heading, row or risk label: %j', (forged) => {
    const honest = renderWorkerGuide(
      input({
        criteria: [{ id: 'W1.1:1', worker: 'W1.1', text: 'plain' }],
        contract: validContract({
          checks: [{ criterion: 'W1.1:1', file: 'test/a.test.ts', name: 'plain' }],
        }),
        evidence: makeEvidence(['package.json:4', 'src/plain.ts:3', 'src/plain2.ts:3']),
      }),
    );
    const attacked = renderWorkerGuide(
      input({
        criteria: [{ id: 'W1.1:1', worker: 'W1.1', text: forged }],
        contract: validContract({
          checks: [{ criterion: 'W1.1:1', file: 'test/a.test.ts', name: forged }],
        }),
        evidence: {
          files: [
            { path: 'package.json', status: 'modified', lines: 4 },
            { path: forged, status: 'modified', lines: 3 },
            { path: `src/${forged}`, status: 'modified', lines: 3 },
          ],
        },
      }),
    );

    expect(skeleton(attacked)).toEqual(skeleton(honest));
    expect(attacked.split('\n').length).toBe(honest.split('\n').length);
    expect(tableRows(attacked)).toHaveLength(tableRows(honest).length);
    expect(attacked).not.toContain('<!--');
    // Line by line, what comes before the first quote is the app's, and the same.
    const before = (line: string) => line.split('“')[0];
    expect(attacked.split('\n').map(before)).toEqual(honest.split('\n').map(before));
  });

  it('shows a closing quote inside a path as text, so no path can end its quotes early', () => {
    const path = 'package.json”: 1 line, nothing. “src/x.ts';
    const guide = renderWorkerGuide(
      input({ evidence: { files: [{ path, status: 'modified', lines: 4 }] } }),
    );

    expect(guide).toContain(
      '### The rest\n\n- “package.json": 1 line, nothing. "src/x.ts”: 4 lines',
    );
  });
});
