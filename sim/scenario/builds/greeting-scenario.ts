import { installBaton } from '../../e2e.js';
import type { FakeGitHub } from '../../github/fake-github.js';
import type { AttemptFailure, Scenario, ScenarioWorker } from '../scenario.js';

/**
 * A small JavaScript project (ESM, tests with `node --test`) and a diamond
 * build on it: W1.1 greeting and W1.2 farewell, then W2.1 the command line
 * that uses both. Each worker writes code and a test, and runs the test.
 */

/** The issue the greeting build answers. */
export const GREETING_ISSUE = {
  title: 'Add greet and bye commands',
  body: 'The `widgets` command line should say hello and goodbye:\n\n```\n$ widgets greet Ada\nHello, Ada!\n$ widgets bye Ada\nGoodbye, Ada.\n```\n\nKeep the texts in their own modules so they can be reused.',
};

/** The repository before the build: Baton installed, a README, a package.json, no code yet. */
export function setUpWidgets(gh: FakeGitHub): void {
  installBaton(gh);
  gh.git.commitOn(
    gh.defaultBranch,
    {
      'README.md':
        '# widgets\n\nSmall command-line helpers.\n\n- Code: `src/`, ES modules.\n- Tests: `test/*.test.js`, run with `npm test` (`node --test`).\n',
      'package.json': `${JSON.stringify({ name: 'widgets', private: true, type: 'module', bin: { widgets: 'src/cli.js' }, scripts: { test: 'node --test' } }, null, 2)}\n`,
    },
    'Describe the project',
  );
}

/** The widgets project with its `.github/baton.yml` committed after it. */
export function setUpWidgetsWith(config: string, message = 'Baton'): (gh: FakeGitHub) => void {
  return (gh) => {
    setUpWidgets(gh);
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': config }, message);
  };
}

/** The knobs the tests turn on the diamond. */
export interface DiamondOptions {
  /** W1.1's first review asks for a change (blank names), which a fix session makes. */
  reviewChanges?: boolean;
  /** How each worker's attempts fail before the one that delivers. */
  failures?: Partial<Record<'W1.1' | 'W1.2' | 'W2.1', AttemptFailure[]>>;
  /** W1.1 and W1.2 both write `src/index.js`, so the second to merge conflicts. */
  sharedIndex?: boolean;
  overloadedOnce?: Scenario['overloadedOnce'];
}

const TEST_IMPORTS =
  "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\n";

const CONTEXT =
  'The project is plain ES modules under `src/`, tested with `node --test` (see README.md). No code exists yet.';

/** The diamond W1.1, W1.2 → W2.1 with the knobs asked for. */
export function diamondScenario(options: DiamondOptions = {}): Scenario {
  return {
    plan: {
      title: 'greet and bye commands',
      summary:
        'Two text modules in parallel (greeting, farewell), then the command line that uses both.',
      reads: ['README.md', 'package.json'],
    },
    workers: [greetingWorker(options), farewellWorker(options), commandsWorker(options)],
    ...(options.overloadedOnce ? { overloadedOnce: options.overloadedOnce } : {}),
  };
}

/** `src/index.js` with one re-export, when the options make W1.1 and W1.2 share it. */
function sharedIndex(options: DiamondOptions, line: string): Record<string, string> {
  return options.sharedIndex ? { 'src/index.js': `${line}\n` } : {};
}

function failuresOf(options: DiamondOptions, id: 'W1.1' | 'W1.2' | 'W2.1') {
  const failures = options.failures?.[id];
  return failures ? { failures } : {};
}

/**
 * A worker of wave 1: the module `src/<name>.js` exporting `<name>(name)`, the text
 * `widgets <command>` prints (`text` of the name), with its test named `test`.
 */
function textWorker(
  options: DiamondOptions,
  {
    id,
    title,
    name,
    command,
    text,
    test,
  }: {
    id: 'W1.1' | 'W1.2';
    title: string;
    name: string;
    command: string;
    text: (who: string) => string;
    test: string;
  },
): ScenarioWorker {
  return {
    id,
    title,
    complexity: 'easy',
    mission: `Add \`${name}(name)\`, the text \`widgets ${command}\` prints.`,
    context: CONTEXT,
    requirements: [
      `\`src/${name}.js\` exports \`${name}(name)\` returning \`${text('<name>')}\`.`,
      `A test in \`test/${name}.test.js\`.`,
      ...(options.sharedIndex ? ['Re-export it from `src/index.js`.'] : []),
    ],
    criteria: [`\`${name}("Ada")\` is \`${text('Ada')}\``, 'the test passes'],
    files: {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
      [`src/${name}.js`]: `/** The ${name} \`widgets ${command}\` prints. */\nexport function ${name}(name) {\n  return \`${text('${name}')}\`;\n}\n`,
      [`test/${name}.test.js`]: `${TEST_IMPORTS}import { ${name} } from '../src/${name}.js';\n\ntest('${test}', () => {\n  assert.equal(${name}('Ada'), '${text('Ada')}');\n});\n`,
      ...sharedIndex(options, `export { ${name} } from './${name}.js';`),
    },
    check: `node --test test/${name}.test.js`,
    summary: `Added \`${name}(name)\` in \`src/${name}.js\` with its test.`,
  };
}

function greetingWorker(options: DiamondOptions): ScenarioWorker {
  return {
    ...textWorker(options, {
      id: 'W1.1',
      title: 'Greeting text',
      name: 'greeting',
      command: 'greet',
      text: (who) => `Hello, ${who}!`,
      test: 'greets by name',
    }),
    decisions: ['Kept the text in one template literal; no i18n yet.'],
    ...failuresOf(options, 'W1.1'),
    ...(options.reviewChanges
      ? {
          reviews: [
            {
              verdict: 'changes-requested' as const,
              on: 'return',
              comment:
                'A blank name prints `Hello, !`. Trim the name and greet `there` when it is empty.',
              fix: {
                // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
                old: '  return `Hello, ${name}!`;',
                // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
                new: "  const who = name.trim() || 'there';\n  return `Hello, ${who}!`;",
                summary: 'After review, a blank name is greeted as `there`.',
              },
            },
          ],
        }
      : {}),
  };
}

function farewellWorker(options: DiamondOptions): ScenarioWorker {
  return {
    ...textWorker(options, {
      id: 'W1.2',
      title: 'Farewell text',
      name: 'farewell',
      command: 'bye',
      text: (who) => `Goodbye, ${who}.`,
      test: 'says goodbye by name',
    }),
    ...failuresOf(options, 'W1.2'),
  };
}

function commandsWorker(options: DiamondOptions): ScenarioWorker {
  const cliImports = options.sharedIndex
    ? "import { farewell, greeting } from './index.js';\n"
    : "import { farewell } from './farewell.js';\nimport { greeting } from './greeting.js';\n";
  return {
    id: 'W2.1',
    title: 'greet and bye commands',
    depends_on: ['W1.1', 'W1.2'],
    mission: 'Add the `widgets` command line with `greet <name>` and `bye <name>`.',
    context: `W1.1 and W1.2 added \`greeting\` and \`farewell\`${options.sharedIndex ? ', both exported from `src/index.js`' : ''}; their reports are in the build record. \`package.json\` already names \`src/cli.js\` as the \`widgets\` bin.`,
    requirements: [
      '`src/cli.js` exports `run(args)` returning the line to print, and prints it when run as a script.',
      'An unknown command answers a one-line usage.',
      'A test in `test/cli.test.js`.',
    ],
    criteria: ['`node src/cli.js greet Ada` prints `Hello, Ada!`', 'the test passes'],
    files: {
      'src/cli.js': `#!/usr/bin/env node\n${cliImports}\n/** The line \`widgets <command> <name>\` prints. */\nexport function run([command, name = '']) {\n  if (command === 'greet') return greeting(name);\n  if (command === 'bye') return farewell(name);\n  return 'usage: widgets greet|bye <name>';\n}\n\nif (import.meta.url === \`file://\${process.argv[1]}\`) console.log(run(process.argv.slice(2)));\n`,
      'test/cli.test.js': `${TEST_IMPORTS}import { run } from '../src/cli.js';\n\ntest('greets and says goodbye', () => {\n  assert.equal(run(['greet', 'Ada']), 'Hello, Ada!');\n  assert.equal(run(['bye', 'Ada']), 'Goodbye, Ada.');\n  assert.match(run(['wave']), /^usage:/);\n});\n`,
    },
    check: 'node --test test/cli.test.js && node src/cli.js greet Ada',
    summary: 'Added `src/cli.js` with `greet` and `bye`, and its test.',
    follow_up: ['Publish the `widgets` bin once more commands exist.'],
    ...failuresOf(options, 'W2.1'),
  };
}
