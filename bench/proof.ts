import { validationRef } from '../src/core/plan/validation.js';
import { openSandbox } from '../src/session/agent/sandbox/sandbox.js';
import { runBashCommand } from '../src/session/agent/tools/bash-tool.js';
import {
  BUILD,
  gitIn,
  REPOSITORY,
  removeTempDirs,
  runSession,
} from '../test/session/agent-fixtures.js';
import { type SealedContract, sealedBuildBranch } from '../test/session/sealed-branch.js';
import { type Row, renderTable } from './parts.js';

/**
 * What the seal and the two runs add to one milestone's validation
 * (docs/verification.md, "The seal", "Fails before, passes after"): a small
 * node:test project (`node --test`, nothing to install) on a build branch
 * with the contract's merge (contract.json and its seal taken by `takeSeal`)
 * and W1.1's commit with its report, validated `SAMPLES` times each way, the
 * median kept:
 * - the command alone, as a validation ran it before: the contract's command
 *   once with `runBashCommand`, in an unconfined sandbox over the checkout, no
 *   seal restored; its GitHub requests are those of a validate session that
 *   ends at what the role asks GitHub before its proof (the listing of the
 *   milestone's records, finding its record);
 * - the validate role whole (`runAgent` in the checkout, against a fake
 *   GitHub that counts the routes it answers): the seal restored, the command
 *   run on the head and on the contract's commit, each check judged from the
 *   runner's reports.
 * The difference is what sealing and the two runs add per validation.
 */
export interface ProofReport {
  samples: number;
  command: string;
  /** The command alone: median wall time (ms), and GitHub requests. */
  alone: { ms: number; requests: number };
  /** The validate role whole: median wall time (ms), GitHub requests, and the routes asked. */
  whole: { ms: number; requests: number; routes: string[] };
}

const SAMPLES = 5;
const CHECKS = 'test/contract/greet.test.mjs';
const COMMAND = `node --test ${CHECKS}`;

/** The check as the contract marks it (node:test's `todo`: it fails before the work), or plain. */
function checks(marked: boolean): string {
  return `import { test } from 'node:test';
import assert from 'node:assert';
import { greet } from '../../src/greet.mjs';
test('greets by name', ${marked ? "{ todo: 'W1.1:1' }, " : ''}() => assert.equal(greet('Ada'), 'Hello, Ada'));
test('keeps the plain greeting', () => assert.equal(greet(), 'Hello'));
`;
}

const PROJECT = {
  'package.json': `${JSON.stringify({ name: 'greet', private: true, type: 'module' })}\n`,
  'src/greet.mjs': "export const greet = (name) => 'Hello';\n",
  [CHECKS]: checks(true),
};

const CONTRACT: SealedContract = {
  version: 1,
  command: COMMAND,
  files: ['test/contract'],
  checks: [{ criterion: 'W1.1:1', file: CHECKS, name: 'greets by name' }],
};

/** W1.1's work: the code that greets by name, its check no longer marked. */
const WORK = {
  'src/greet.mjs': "export const greet = (name) => (name ? 'Hello, ' + name : 'Hello');\n",
  [CHECKS]: checks(false),
};

const VALIDATE = { BATON_ROLE: 'validate', BATON_WORKER: 'M1', BATON_ISSUE: '12' };
const RECORDS = `GET /repos/${REPOSITORY}/git/matching-refs/baton/${BUILD}/validation/M1`;

/** Routes whose every answer is counted: the fake GitHub looks each request's route up once. */
function counted(routes: Record<string, unknown>): {
  routes: Record<string, unknown>;
  asked: string[];
} {
  const asked: string[] = [];
  const proxy = new Proxy(routes, {
    get(target, key) {
      if (typeof key === 'string') asked.push(key);
      return target[key as string];
    },
  });
  return { routes: proxy, asked };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The contract's command once in the checkout, as the command alone ran: wall ms. */
async function commandAlone(root: string): Promise<number> {
  const started = performance.now();
  const sandbox = await openSandbox({ root, user: null });
  try {
    const run = await runBashCommand({
      command: COMMAND,
      sandbox,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
      timeoutMs: 120_000,
      maxOutputChars: 20_000,
    });
    if (run.exitCode !== 0) throw new Error(`${COMMAND} exited ${run.exitCode}: ${run.output}`);
  } finally {
    await sandbox.close();
  }
  return performance.now() - started;
}

/** What a validate session asks GitHub before its proof: one that finds its record and ends there. */
async function requestsBeforeProof(root: string): Promise<number> {
  const head = gitIn(root, 'rev-parse', 'HEAD');
  const { routes, asked } = counted({ [RECORDS]: [{ ref: validationRef(BUILD, 1, head) }] });
  const { code, result } = await runSession({ root, env: VALIDATE, routes });
  if (code !== 0 || !result.existing_validation) {
    throw new Error(`the session that finds its record did not end at it (exit ${code})`);
  }
  return asked.length;
}

/** The validate role whole: wall ms and the routes the fake GitHub answered. */
async function wholeValidation(root: string): Promise<{ ms: number; asked: string[] }> {
  const { routes, asked } = counted({ [RECORDS]: [] });
  const started = performance.now();
  const { code, result, requests } = await runSession({ root, env: VALIDATE, routes });
  const ms = performance.now() - started;
  const proven = result.validation?.checks?.[0];
  if (code !== 0 || requests.length > 0 || proven?.verdict !== 'proven') {
    throw new Error(
      `the validation did not prove W1.1:1 from its two runs alone (exit ${code}, ${requests.length} model requests, ${JSON.stringify(result.validation)})`,
    );
  }
  return { ms, asked };
}

export async function measureProof(): Promise<ProofReport> {
  try {
    const { root } = await sealedBuildBranch({
      project: PROJECT,
      contract: CONTRACT,
      pushed: WORK,
    });
    const alone: number[] = [];
    const whole: number[] = [];
    let asked: string[] = [];
    // In turn, so that a busy moment of the machine falls on both alike.
    for (let i = 0; i < SAMPLES; i++) {
      alone.push(await commandAlone(root));
      const run = await wholeValidation(root);
      whole.push(run.ms);
      asked = run.asked;
    }
    return {
      samples: SAMPLES,
      command: COMMAND,
      alone: { ms: median(alone), requests: await requestsBeforeProof(root) },
      whole: { ms: median(whole), requests: asked.length, routes: asked },
    };
  } finally {
    await removeTempDirs();
  }
}

/** Two rows: the seconds and the GitHub requests the proof adds to a validation. */
export function proofRows(report: ProofReport): Row[] {
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const added = report.whole.ms - report.alone.ms;
  const extra = report.whole.requests - report.alone.requests;
  return [
    {
      figure: `validation: seal + two runs add (s): the validate role whole − \`${report.command}\` alone, medians of ${report.samples} (${seconds(report.whole.ms)} s − ${seconds(report.alone.ms)} s)`,
      measured: seconds(added),
      target: `≤ the command's own time + 5 s (${seconds(report.alone.ms + 5000)})`,
      met: added <= report.alone.ms + 5000,
    },
    {
      figure: `validation: GitHub requests the proof adds (the role whole: ${report.whole.routes.join(', ') || 'none'}; before its proof: ${report.alone.requests})`,
      measured: String(extra),
      target: '0',
      met: extra === 0,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(renderTable(proofRows(await measureProof())));
}
