import { CONTRACT_WORKER } from '../../../src/core/plan/contract.js';
import type { Engine } from '../../../src/core/vocabulary/engine-names.js';
import type { FakeGitHub } from '../../github/fake-github.js';
import type { Scenario, ScenarioWorker } from '../scenario.js';
import { diamondScenario, setUpWidgetsWith } from './greeting-scenario.js';

/**
 * A build of nine workers that puts every part of "evidence before a person
 * reads" (docs/verification.md) to work at once. The diamond W1.1, W1.2 → W2.1
 * with one criterion each, and beside it:
 * - W1.2's first session deletes W1.1's contract check, which publish refuses;
 * - W1.3 adds a workflow (or, where sessions change no workflow, an action a
 *   workflow runs) and W1.4 a dependency, both of which wait for a person;
 * - W1.5's report claims a test file it never wrote, which its body flags;
 * - W2.2's first head fails its contract check, which Baton's test gate does
 *   not run (the project's tests are `test/*.test.js`) and CI does (the test
 *   scripts CI), and its fix session for the failing checks mends it;
 * - milestone 2's validation finds W2.1's command line and W2.2's wave do not
 *   meet (the contract's command checks it), and files the fix worker W3.1.
 * Every criterion has a check, in a file of its own under `test/contract/`
 * that the worker whose criterion it is turns into a plain check.
 */

/** The workers whose criterion the contract checks, in the plan's order. */
const CHECKED = ['W1.1', 'W1.2', 'W1.3', 'W1.4', 'W1.5', 'W2.1', 'W2.2'] as const;

type Checked = (typeof CHECKED)[number];

/** The file of a criterion's check. */
export function checkFile(worker: string): string {
  return `test/contract/${worker}.test.js`;
}

/**
 * Where W1.3's lint goes: a workflow where sessions may change workflows, else (nothing
 * hosted: sessions change no workflow, docs/serverless.md) a composite action a workflow
 * runs. The review guide ranks both as changing a workflow (src/core/verification/risk.ts).
 */
export interface Lint {
  path: string;
  text: string;
}

/** W1.3's lint: `.github/workflows/lint.yml`, or `.github/actions/lint/action.yml` where `workflows` is false. */
export function lintOf(workflows: boolean): Lint {
  return workflows
    ? {
        path: '.github/workflows/lint.yml',
        text: 'name: Lint\non: pull_request\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: node --check src/*.js\n',
      }
    : {
        path: '.github/actions/lint/action.yml',
        text: 'name: Lint\ndescription: Checks that the code parses.\nruns:\n  using: composite\n  steps:\n    - run: node --check src/*.js\n      shell: bash\n',
      };
}

/** W2.2's contract check, as node:test names it. */
const WAVES = 'waves at Ada';

/** The name of the CI check that runs W2.2's contract check, red on its first head. */
export const RED_CHECK = `contract: ${WAVES}`;

type Checks = ReturnType<typeof checksOf>;

/** Each checked worker's criterion, the contract's check of it (its name as node:test prints it), and the check's body. */
function checksOf(lint: Lint): Record<Checked, { criterion: string; name: string; body: string }> {
  return {
    'W1.1': {
      criterion: '`greeting("Ada")` is `Hello, Ada!`',
      name: 'greets Ada',
      body: "  const { greeting } = await import('../../src/greeting.js');\n  assert.equal(greeting('Ada'), 'Hello, Ada!');",
    },
    'W1.2': {
      criterion: '`farewell("Ada")` is `Goodbye, Ada.`',
      name: 'says goodbye to Ada',
      body: "  const { farewell } = await import('../../src/farewell.js');\n  assert.equal(farewell('Ada'), 'Goodbye, Ada.');",
    },
    'W1.3': {
      criterion: `\`${lint.path}\` checks that the code parses`,
      name: 'lints the code',
      body: `  const { readFile } = await import('node:fs/promises');\n  assert.match(await readFile('${lint.path}', 'utf8'), /node --check/);`,
    },
    'W1.4': {
      criterion: '`package.json` depends on `kleur`',
      name: 'depends on kleur',
      body: "  const { readFile } = await import('node:fs/promises');\n  assert.ok(JSON.parse(await readFile('package.json', 'utf8')).dependencies.kleur);",
    },
    'W1.5': {
      criterion: '`shout("hi")` is `HI!`',
      name: 'shouts',
      body: "  const { shout } = await import('../../src/shout.js');\n  assert.equal(shout('hi'), 'HI!');",
    },
    'W2.1': {
      criterion: '`widgets greet Ada` prints `Hello, Ada!`',
      name: 'greets Ada from the command line',
      body: "  const { run } = await import('../../src/cli.js');\n  assert.equal(run(['greet', 'Ada']), 'Hello, Ada!');",
    },
    'W2.2': {
      criterion: '`wave("Ada")` is `Hello, Ada! (waves)`',
      name: WAVES,
      body: "  const { wave } = await import('../../src/wave.js');\n  assert.equal(wave('Ada'), 'Hello, Ada! (waves)');",
    },
  };
}

export const IMPORTS =
  "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\n\n";

/** A check file: marked to fail (`todo`, naming its criterion) as the contract writes it, or plain as its worker leaves it. */
function checkText(checks: Checks, worker: Checked, marked: boolean): string {
  const { name, body } = checks[worker];
  const mark = marked ? `{ todo: ${JSON.stringify(`${worker}:1`)} }, ` : '';
  return `${IMPORTS}test(${JSON.stringify(name)}, ${mark}async () => {\n${body}\n});\n`;
}

/** The command that runs the checks of `workers`' criteria. */
function checksCommand(workers: readonly Checked[]): string {
  return `node --test --test-reporter=tap ${workers.map(checkFile).join(' ')}`;
}

/**
 * The contract's command: every check, then the one cross-worker property no
 * worker's own check sees: once the wave exists, the command line offers it.
 */
export const EVIDENCE_COMMAND = `${checksCommand(CHECKED)} && sh -c 'if [ -f src/wave.js ] && [ -f src/cli.js ] && ! grep -q wave src/cli.js; then echo "not ok - greets Ada from the command line: no wave command (W2.1:1)"; exit 1; fi'`;

function contractWorker(
  checks: Checks,
  workers: readonly Checked[] = CHECKED,
  command = EVIDENCE_COMMAND,
): ScenarioWorker {
  return contractWorkerOf(
    workers.map((worker) => ({
      worker,
      text: checkText(checks, worker, true),
      name: checks[worker].name,
    })),
    command,
  );
}

/**
 * The contract's worker of a scenario whose workers each have one criterion and one
 * check, `test/contract/<worker>.test.mjs`, marked to fail until its worker delivers.
 */
export function contractWorkerOf(
  checks: readonly { worker: string; text: string; name: string }[],
  command: string,
): ScenarioWorker {
  return {
    id: CONTRACT_WORKER,
    title: 'Contract: checks for the acceptance criteria',
    mission: "Write the build's contract.",
    context: 'Written by the plan session.',
    requirements: [],
    criteria: [],
    files: Object.fromEntries(checks.map(({ worker, text }) => [checkFile(worker), text])),
    check: command,
    summary:
      'One check per criterion under `test/contract/`, each failing until its worker delivers.',
    contract: {
      checks: checks.map(({ worker, name }) => ({
        criterion: `${worker}:1`,
        file: checkFile(worker),
        name,
      })),
    },
  };
}

/** A worker with its one criterion, whose work also makes its contract check a plain one. */
function checked(checks: Checks): (worker: ScenarioWorker & { id: Checked }) => ScenarioWorker {
  return (worker) => ({
    ...worker,
    criteria: [checks[worker.id].criterion],
    files: { ...worker.files, [checkFile(worker.id)]: checkText(checks, worker.id, false) },
  });
}

const CONTEXT = 'The project is plain ES modules under `src/`, tested with `node --test`.';

/**
 * The project's own tests are `test/*.test.js`, which Baton's test gate runs
 * before it takes a session's report; the contract's checks under
 * `test/contract/` run by the contract's command, in CI and in validation.
 */
export const PACKAGE = {
  name: 'widgets',
  private: true,
  type: 'module',
  bin: { widgets: 'src/cli.js' },
  scripts: { test: 'node --test test/*.test.js' },
};

const PACKAGE_WITH_KLEUR = `${JSON.stringify({ ...PACKAGE, dependencies: { kleur: '^4.1.5' } }, null, 2)}\n`;

const CLI_WITH_WAVE =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
  "#!/usr/bin/env node\nimport { farewell } from './farewell.js';\nimport { greeting } from './greeting.js';\nimport { wave } from './wave.js';\n\n/** The line `widgets <command> <name>` prints. */\nexport function run([command, name = '']) {\n  if (command === 'greet') return greeting(name);\n  if (command === 'bye') return farewell(name);\n  if (command === 'wave') return wave(name);\n  return 'usage: widgets greet|bye|wave <name>';\n}\n\nif (import.meta.url === `file://${process.argv[1]}`) console.log(run(process.argv.slice(2)));\n";

/** W2.1's test of the command line, where `wave` is a command now, not a usage error. */
const CLI_TEST_WITH_WAVE = `${IMPORTS}import { run } from '../src/cli.js';\n\ntest('greets, says goodbye and waves', () => {\n  assert.equal(run(['greet', 'Ada']), 'Hello, Ada!');\n  assert.equal(run(['bye', 'Ada']), 'Goodbye, Ada.');\n  assert.equal(run(['wave', 'Ada']), 'Hello, Ada! (waves)');\n  assert.match(run(['shrug']), /^usage:/);\n});\n`;

/** The workers beside the diamond's, W1.3's lint where `lint` says. */
function extraWorkers(lint: Lint): (ScenarioWorker & { id: Checked })[] {
  return [
    {
      id: 'W1.3',
      title: 'Lint workflow',
      mission: 'Add a lint step that checks the code parses.',
      context: CONTEXT,
      requirements: [`\`${lint.path}\` runs \`node --check\` on the code.`],
      criteria: [],
      files: { [lint.path]: lint.text },
      check: `grep -q 'node --check' ${lint.path}`,
      summary: `Added \`${lint.path}\`, which checks that the code parses.`,
    },
    {
      id: 'W1.4',
      title: 'Colours dependency',
      mission: 'Depend on `kleur` for coloured output.',
      context: CONTEXT,
      requirements: ['`package.json` depends on `kleur`.'],
      criteria: [],
      files: { 'package.json': PACKAGE_WITH_KLEUR },
      check: 'grep -q kleur package.json',
      summary: 'Added `kleur` to the dependencies in `package.json`.',
    },
    {
      id: 'W1.5',
      title: 'Shout text',
      mission: 'Add `shout(text)`.',
      context: CONTEXT,
      requirements: [
        '`src/shout.js` exports `shout(text)` returning the text in capitals with `!`.',
      ],
      criteria: [],
      files: {
        'src/shout.js':
          // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
          '/** The text in capitals, shouted. */\nexport function shout(text) {\n  return `${text.toUpperCase()}!`;\n}\n',
      },
      check:
        "node -e \"import('./src/shout.js').then((m) => process.exit(m.shout('hi') === 'HI!' ? 0 : 1))\"",
      // The claim the diff does not bear out: no `test/shout.test.js` is written.
      summary: 'Added `shout(text)` in `src/shout.js`, and added tests in `test/shout.test.js`.',
    },
    {
      id: 'W2.2',
      title: 'Wave text',
      depends_on: ['W1.1'],
      mission: 'Add `wave(name)`, a greeting with a wave.',
      context: 'W1.1 added `greeting(name)` in `src/greeting.js`.',
      requirements: ['`src/wave.js` exports `wave(name)`.'],
      criteria: [],
      // The first head's text misses the contract's check; CI on it goes red.
      files: {
        'src/wave.js':
          // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
          "import { greeting } from './greeting.js';\n\n/** A greeting with a wave. */\nexport function wave(name) {\n  return `${greeting(name)} *waves*`;\n}\n",
      },
      check: 'node --check src/wave.js',
      summary: 'Added `wave(name)` in `src/wave.js`.',
      checksFix: {
        files: {
          'src/wave.js':
            // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
            "import { greeting } from './greeting.js';\n\n/** A greeting with a wave. */\nexport function wave(name) {\n  return `${greeting(name)} (waves)`;\n}\n",
        },
        summary: 'The wave is written `(waves)`, as the contract checks.',
      },
    },
  ];
}

/**
 * The nine workers' build, with the contract's worker first and the fix worker milestone 2's
 * validation adds; W1.3 adds a workflow where sessions may change workflows (`workflows`).
 */
export function evidenceScenario({ workflows }: { workflows: boolean }): Scenario {
  const lint = lintOf(workflows);
  const checks = checksOf(lint);
  const extra = extraWorkers(lint).map(checked(checks));
  const base = diamondScenario({ failures: { 'W1.2': ['weaken-contract'] } });
  const [greeting, farewell, commands] = base.workers as [
    ScenarioWorker,
    ScenarioWorker,
    ScenarioWorker,
  ];
  return {
    ...base,
    workers: [
      contractWorker(checks),
      checked(checks)({ ...greeting, id: 'W1.1' }),
      checked(checks)({ ...farewell, id: 'W1.2' }),
      ...extra.slice(0, 3),
      checked(checks)({ ...commands, id: 'W2.1' }),
      ...extra.slice(3),
      {
        id: 'W3.1',
        fix: 2,
        title: 'Fix: W2.1:1 fails',
        depends_on: ['W2.1', 'W2.2'],
        mission: 'Make the check of W2.1:1 pass.',
        context: 'The validation of milestone 2 found it failing.',
        requirements: ['`widgets wave <name>` waves.'],
        criteria: ['the contract passes'],
        files: { 'src/cli.js': CLI_WITH_WAVE, 'test/cli.test.js': CLI_TEST_WITH_WAVE },
        check: 'node --test test/cli.test.js',
        summary: 'The command line offers `wave`, which the check of W2.1:1 needed.',
      },
    ],
    validation: {
      2: [
        {
          check: 'W2.1:1',
          brief: 'The command line does not offer `wave`, which W2.2 added: add it.',
        },
      ],
    },
  };
}

/**
 * The settings: sessions change workflows where `workflows` says (W1.3 adds one there);
 * with an `engine`, the sessions that write and validate (work, fix, and so the contract's,
 * and validation) run on it, and the plan and the reviews on Baton's own loop.
 */
export function evidenceSettings({
  workflows,
  engine,
}: {
  workflows: boolean;
  engine?: Engine;
}): string {
  const allow = workflows ? '  allowWorkflowChanges: true\n' : '';
  if (!engine) return allow ? `session:\n${allow}` : '';
  return `session:\n${allow}  engine:\n    default: baton\n    work: ${engine}\n    fix: ${engine}\n    allow: [baton, ${engine}]\nverification:\n  validation:\n    engine: ${engine}\n`;
}

/**
 * The widgets project, its tests `test/*.test.js` apart from the contract's, with `evidenceSettings`;
 * `files` are committed with its tests, over them.
 */
export function setUpEvidence({
  files = {},
  ...settings
}: {
  workflows: boolean;
  engine?: Engine;
  files?: Record<string, string>;
}): (gh: FakeGitHub) => void {
  return (gh) => {
    setUpWidgetsWith(evidenceSettings(settings))(gh);
    gh.git.commitOn(
      gh.defaultBranch,
      {
        'package.json': `${JSON.stringify(PACKAGE, null, 2)}\n`,
        // A test from the start, so that `test/*.test.js` names one before any worker adds its own.
        'test/package.test.js': `${IMPORTS}import { readFileSync } from 'node:fs';\n\ntest('names the package', () => {\n  assert.equal(JSON.parse(readFileSync('package.json', 'utf8')).name, 'widgets');\n});\n`,
        ...files,
      },
      'Run the project tests apart from the contract',
    );
  };
}

/** The workers of `skippedWorkflowScenario` whose criterion the contract checks. */
const SKIP_CHECKED = ['W1.1', 'W1.2', 'W1.3', 'W2.1'] as const satisfies readonly Checked[];

/** The command of `skippedWorkflowScenario`'s contract: its four checks. */
export const SKIP_COMMAND = checksCommand(SKIP_CHECKED);

/**
 * The diamond with W1.3 beside it, each with its criterion checked by the
 * contract: W1.3 adds a workflow where sessions may change none (the default,
 * and always with nothing hosted, docs/serverless.md), so publish refuses it,
 * and a writer `/skip`s it. Its check stays marked to fail, as no worker
 * turns it into a plain one: its criterion is not due (docs/verification.md).
 */
export function skippedWorkflowScenario(): Scenario {
  const lint = lintOf(true);
  const checks = checksOf(lint);
  const base = diamondScenario();
  const [greeting, farewell, commands] = base.workers as [
    ScenarioWorker,
    ScenarioWorker,
    ScenarioWorker,
  ];
  const [workflow] = extraWorkers(lint);
  if (!workflow) throw new Error('no W1.3 among the extra workers');
  return {
    ...base,
    workers: [
      contractWorker(checks, SKIP_CHECKED, SKIP_COMMAND),
      checked(checks)({ ...greeting, id: 'W1.1' }),
      checked(checks)({ ...farewell, id: 'W1.2' }),
      checked(checks)(workflow),
      checked(checks)({ ...commands, id: 'W2.1' }),
    ],
  };
}
