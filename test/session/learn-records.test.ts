import { describe, expect, it } from 'vitest';
import { renderValidationMessage, type ValidationRecord } from '../../src/core/plan/validation.js';
import { failedValidations, publishRefusals } from '../../src/session/agent/learn/baton-records.js';
import { GitHubReadError } from '../../src/session/reads/github-reads.js';
import type { OneWorkflowRun } from '../../src/session/reads/github-shapes.js';
import { failedValidation, validateRun } from './learn-fixtures.js';

const BUILD = '12-add-greeting';
const BOT = 'baton[bot]';
const REPO = 'https://github.com/octo/demo';
const HEAD = 'a'.repeat(40);
const LATER = 'b'.repeat(40);

const record = (over: Partial<ValidationRecord> = {}) => failedValidation(HEAD, over);
const run = (id: number, over: Partial<OneWorkflowRun> = {}) =>
  validateRun(id, { build: BUILD, head: HEAD, repo: REPO }, { actor: { login: BOT }, ...over });

/** The build's validation refs and the runs GitHub has, by id. */
function reads(records: { ref: string; record: ValidationRecord }[], runs: OneWorkflowRun[]) {
  return {
    listRecords: async (prefix: string) => {
      expect(prefix).toBe(`refs/baton/${BUILD}/validation/`);
      return records.map(({ ref, record: one }) => ({
        ref,
        message: renderValidationMessage(one),
      }));
    },
    getWorkflowRun: async (id: number) => runs.find((one) => one.id === id) ?? null,
  };
}

const at = (milestone: number, head: string) =>
  `refs/baton/${BUILD}/validation/M${milestone}/${head}`;
const PULLS = [{ number: 7, html_url: `${REPO}/pull/7`, head: { ref: `baton/${BUILD}/W1.3` } }];

async function gathered(
  records: { ref: string; record: ValidationRecord }[],
  runs: OneWorkflowRun[],
) {
  const logged: string[] = [];
  const found = await failedValidations(reads(records, runs), {
    build: BUILD,
    botLogin: BOT,
    pulls: PULLS,
    log: (line) => logged.push(line),
  });
  return { found, logged };
}

describe("a learn session's failed validations", () => {
  it("reads a failed validation of Baton's run: its failing check, the fix worker's pull request, and the pass that followed", async () => {
    const { found } = await gathered(
      [
        { ref: at(1, HEAD), record: record() },
        {
          ref: at(1, LATER),
          record: record({ run_id: 502, head: LATER, passed: true, exit_code: 0, failed: [] }),
        },
      ],
      [run(501), run(502, { display_title: `baton validate ${BUILD} M1 head-${LATER}` })],
    );
    expect(found).toEqual([
      {
        kind: 'failed validation',
        url: `${REPO}/actions/runs/501`,
        where: 'M1 at aaaaaaa',
        text: [
          `The contract's command on the build branch at ${HEAD} exited 1.`,
          `- check W1.1:1 failed: fixed by W1.3, ${REPO}/pull/7`,
          `A later validation of M1 passed at ${LATER}.`,
        ].join('\n'),
      },
    ]);
  });

  it.each([
    ['a run a person dispatched', run(501, { actor: { login: 'mallory' } })],
    ['a run of another workflow', run(501, { path: '.github/workflows/ci.yml' })],
    [
      'a run of another milestone',
      run(501, { display_title: `baton validate ${BUILD} M2 head-${HEAD}` }),
    ],
    [
      'a run of another build',
      run(501, { display_title: `baton validate 13-other M1 head-${HEAD}` }),
    ],
    ['no run at all', run(999)],
  ])('leaves out a record that names %s', async (_, given) => {
    const { found, logged } = await gathered([{ ref: at(1, HEAD), record: record() }], [given]);
    expect(found).toEqual([]);
    expect(logged.join('\n')).toContain(`left out the validation record ${at(1, HEAD)}`);
  });

  it('leaves out a record pushed at another place than its own, and a message that is no record', async () => {
    const { found } = await gathered(
      [
        { ref: at(1, LATER), record: record() },
        { ref: at(1, HEAD), record: { ...record(), passed: 'no' } as unknown as ValidationRecord },
      ],
      [run(501)],
    );
    expect(found).toEqual([]);
  });
});

describe("a learn session's publish refusals", () => {
  const notice = (login: string, type: string, build = BUILD) => ({
    id: 1,
    html_url: `${REPO}/issues/12#issuecomment-1`,
    user: { login, type },
    body: [
      `<!-- baton:notice ${build} failed/W1.2/1 -->`,
      "@maria ❌ W1.2 failed: publish refused the session's changes: `src/stray.js: a research worker writes only its findings`. Reply `/retry W1.2 <instructions>` to try again.",
    ].join('\n'),
  });

  it("reads Baton's notice of a refused publish, without its marker", () => {
    const found = publishRefusals([notice(BOT, 'Bot')], { build: BUILD, botLogin: BOT, issue: 12 });
    expect(found).toEqual([
      {
        kind: 'publish refusal',
        url: `${REPO}/issues/12#issuecomment-1`,
        where: '#12',
        text: expect.stringMatching(/^@maria ❌ W1.2 failed: publish refused/),
      },
    ]);
  });

  it.each([
    ['a person', notice('mallory', 'User')],
    ['another app', notice('other[bot]', 'Bot')],
    ["an account named as Baton's that is no app", notice(BOT, 'User')],
    ["another build's notice", notice(BOT, 'Bot', '13-other')],
  ])('leaves out a comment by %s that reads as a refusal', (_, comment) => {
    expect(publishRefusals([comment], { build: BUILD, botLogin: BOT, issue: 12 })).toEqual([]);
  });

  it("leaves out Baton's other notices", () => {
    const other = {
      ...notice(BOT, 'Bot'),
      body: `<!-- baton:notice ${BUILD} plan-ready/abc -->\nThe plan is ready.`,
    };
    expect(publishRefusals([other], { build: BUILD, botLogin: BOT, issue: 12 })).toEqual([]);
  });
});

describe("a learn session's reads refused", () => {
  it('goes on without the validations where GitHub refuses to show a run, saying so', async () => {
    const logged: string[] = [];
    const found = await failedValidations(
      {
        listRecords: reads([{ ref: at(1, HEAD), record: record() }], []).listRecords,
        getWorkflowRun: async () => {
          throw new GitHubReadError('GET /actions/runs/501 answered 403');
        },
      },
      { build: BUILD, botLogin: BOT, pulls: PULLS, log: (line) => logged.push(line) },
    );
    expect(found).toEqual([]);
    expect(logged).toEqual([
      "could not read the build's validations, so none is shown: GET /actions/runs/501 answered 403",
    ]);
  });
});
