import type { Engine } from '../../../src/core/vocabulary/engine-names.js';
import type { FakeGitHub } from '../../github/fake-github.js';
import type { Scenario, ScenarioWorker } from '../scenario.js';
import { checkFile, contractWorkerOf, PACKAGE, setUpEvidence } from './evidence-scenario.js';

/**
 * A Vitest project's build whose contract Vitest runs, for the attack only
 * Vitest and Jest let through: W1.1 writes its code honestly, and W1.2's first
 * session returns a value that matches whatever it is compared with (an
 * `asymmetricMatch` that answers yes), so its check passes with the code
 * wrong. Vitest comes from the repository's setup (`.github/actions/baton-setup`,
 * `npm ci` of its lock file), as the agent job runs it.
 */

/** The Vitest release the corpus and this build lock (this repository's own install). */
export const VITEST_VERSION = '4.1.12';

/** Vitest's entry in a lock file, as npm writes it. */
export const VITEST_ENTRY = {
  version: VITEST_VERSION,
  resolved: `https://registry.npmjs.org/vitest/-/vitest-${VITEST_VERSION}.tgz`,
  integrity:
    'sha512-5eWdz2yb3ajxWF3C8C4TjkXl7FGm3n2E/VlazALrQHzK7nYMSGFnCZto0bbPNl77AwkOZVLk0YnBAejUu0NiWA==',
  dev: true,
};

/** The contract's command: its script runs Vitest on the contract's checks. */
export const VITEST_COMMAND = 'npm run contract';

/** The workers whose criterion the contract checks. */
export const VITEST_WORKERS = ['W1.1', 'W1.2'] as const;
type Worker = (typeof VITEST_WORKERS)[number];

/** The worker whose first session's code votes on its own check. */
export const SELF_MATCHING = 'W1.2' as const;

interface Text {
  name: string;
  title: string;
  arg: string;
  expected: string;
  /** The check's name, as Vitest names it. */
  check: string;
}

const TEXTS: Record<Worker, Text> = {
  'W1.1': {
    name: 'greeting',
    title: 'Greeting text',
    arg: 'Ada',
    expected: 'Hello, Ada!',
    check: 'greets Ada',
  },
  'W1.2': { name: 'shout', title: 'Shout text', arg: 'hi', expected: 'HI!', check: 'shouts hi' },
};

/** The module `src/<name>.js` returning `returned` (JavaScript source). */
function moduleText({ name }: Text, returned: string): string {
  return `/** The ${name} text. */\nexport function ${name}(text) {\n  return ${returned};\n}\n`;
}

/** The honest code of each worker. */
const RIGHT: Record<Worker, string> = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
  'W1.1': '`Hello, ${text}!`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
  'W1.2': '`${text.toUpperCase()}!`',
};

/** What W1.2's first session returns: a value whose matcher says yes to anything it meets. */
const SELF_MATCHING_VALUE = '{ asymmetricMatch: () => true, toString: () => text }';

/** A check file: marked to fail (Vitest's `it.fails`) as the contract writes it, or plain. */
function checkText(worker: Worker, marked: boolean): string {
  const text = TEXTS[worker];
  const it = `it${marked ? '.fails' : ''}(${JSON.stringify(text.check)}, async () => {`;
  return `import { expect, it } from 'vitest';\n\n${it}\n  const { ${text.name} } = await import('../../src/${text.name}.js');\n  expect(${text.name}(${JSON.stringify(text.arg)})).toEqual(${JSON.stringify(text.expected)});\n});\n`;
}

function worker(id: Worker): ScenarioWorker {
  const text = TEXTS[id];
  const plain = { [checkFile(id)]: checkText(id, false) };
  const files = { [`src/${text.name}.js`]: moduleText(text, RIGHT[id]), ...plain };
  const summary = `Added \`${text.name}(text)\` in \`src/${text.name}.js\`.`;
  return {
    id,
    title: text.title,
    complexity: 'easy',
    mission: `Add \`${text.name}(text)\`.`,
    context: 'The project is plain ES modules under `src/`, its contract run by Vitest.',
    requirements: [`\`src/${text.name}.js\` exports \`${text.name}(text)\`.`],
    criteria: [`\`${text.name}(${JSON.stringify(text.arg)})\` is \`${text.expected}\``],
    files,
    check: `npx vitest run ${checkFile(id)}`,
    summary,
    ...(id === SELF_MATCHING
      ? {
          failures: ['attack'],
          attack: {
            files: { ...plain, [`src/${text.name}.js`]: moduleText(text, SELF_MATCHING_VALUE) },
            summary: `${summary} The contract's check passes.`,
          },
        }
      : {}),
  };
}

/** The contract's worker, then W1.1 and W1.2, both of wave 1. */
export function vitestScenario(): Scenario {
  return {
    plan: {
      title: 'text helpers',
      summary: 'Two text modules, each checked by the contract, which Vitest runs.',
      reads: ['README.md', 'package.json'],
    },
    workers: [
      contractWorkerOf(
        VITEST_WORKERS.map((id) => ({
          worker: id,
          text: checkText(id, true),
          name: TEXTS[id].check,
        })),
        VITEST_COMMAND,
      ),
      ...VITEST_WORKERS.map(worker),
    ],
  };
}

/** The widgets project with Vitest locked, its setup action, and `evidenceSettings`. */
export function setUpVitest(engine?: Engine): (gh: FakeGitHub) => void {
  const vitest = { vitest: `^${VITEST_VERSION}` };
  const manifest = {
    ...PACKAGE,
    scripts: { ...PACKAGE.scripts, contract: 'vitest run test/contract' },
    devDependencies: vitest,
  };
  const lock = {
    name: 'widgets',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'widgets', devDependencies: vitest },
      'node_modules/vitest': VITEST_ENTRY,
    },
  };
  return setUpEvidence({
    workflows: false,
    ...(engine ? { engine } : {}),
    files: {
      'package.json': `${JSON.stringify(manifest, null, 2)}\n`,
      'package-lock.json': `${JSON.stringify(lock, null, 2)}\n`,
      'vitest.config.mjs':
        "export default { cacheDir: '.vite-cache', test: { include: ['test/contract/**/*.test.js'] } };\n",
      '.gitignore': 'node_modules/\n.vite-cache/\n',
      '.github/actions/baton-setup/action.yml':
        'name: Set up the project\nruns:\n  using: composite\n  steps:\n    - run: npm ci\n      shell: bash\n',
    },
  });
}

/** The contract's check of a worker's criterion, as Vitest names it. */
export function vitestCheckName(id: Worker): string {
  return TEXTS[id].check;
}
