import { MAINTAINER } from '../../e2e.js';
import type { FakeGitHub } from '../../github/fake-github.js';
import type { SimPull } from '../../github/records.js';
import { mergePull } from '../../github/routes/routes-pulls.js';
import type { Scenario, ScenarioLesson, ScenarioWorker } from '../scenario.js';

/**
 * Three builds on the widgets project that teach a lesson, follow it, and see it go
 * stale (docs/memory.md): build 1 adds two text modules, whose pull requests a writer
 * corrects the same way; its learn session proposes `trim-names`, citing the greeting's
 * line; build 2 adds two more modules, every session reading the lesson; build 3 comes
 * after a commit changed the cited line, and no session reads it.
 */

/** The lesson the writer's corrections teach, as the learn session proposes it. */
export const TRIM_NAMES: ScenarioLesson = {
  slug: 'trim-names',
  rule: 'Trim a name before a text says it: a padded name must not print its spaces.',
  why: 'A writer asked for it on both text modules of the first build.',
  paths: ['src/**'],
  citations: [{ path: 'src/greeting.js', line: 3 }],
};

/** What the writer says on each text module's pull request of build 1, on its `return` line. */
export const CORRECTION = 'Trim the name first: `greet("  Ada ")` must not print the spaces.';

/** The cited line, as build 1 writes it, and as the commit before build 3 changes it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
export const CITED_LINE = '  return `Hello, ${name}!`;';
// biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a person writes
export const CHANGED_LINE = '  return `Hello, ${name.trim()}!`;';

/** The issues of the three builds. */
export const MEMORY_ISSUES = [
  {
    title: 'Add the greeting texts',
    body: 'Say hello and goodbye by name, each text in its own module.',
  },
  { title: 'Add the loud texts', body: 'Shout and whisper a name, each text in its own module.' },
  { title: 'Add the polite texts', body: 'Ask for and thank a name, each text in its own module.' },
] as const;

const IMPORTS = "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\n";

/**
 * A worker writing `src/<name>.js`, whose `<name>(name)` returns `text` of the name, and its
 * test; given the lesson `trim-names`, it trims the name first, as the lesson asks.
 */
function textWorker(
  id: string,
  name: string,
  text: (who: string) => string,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
  line: string = `  return \`${text('${name}')}\`;`,
): ScenarioWorker {
  const module = (said: string) =>
    `/** The ${name} text. */\nexport function ${name}(name) {\n${said}\n}\n`;
  const test = `${IMPORTS}import { ${name} } from '../src/${name}.js';\n\ntest('${name} by name', () => {\n  assert.equal(${name}('Ada'), '${text('Ada')}');\n});\n`;
  const files = (said: string) => ({
    [`src/${name}.js`]: module(said),
    [`test/${name}.test.js`]: test,
  });
  return {
    id,
    title: `The ${name} text`,
    complexity: 'easy',
    mission: `Add \`${name}(name)\` in \`src/${name}.js\`.`,
    context: 'The project is plain ES modules under `src/`, tested with `node --test`.',
    requirements: [
      `\`src/${name}.js\` exports \`${name}(name)\` returning \`${text('<name>')}\`.`,
      `A test in \`test/${name}.test.js\`.`,
    ],
    criteria: [`\`${name}("Ada")\` is \`${text('Ada')}\``],
    files: files(line),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
    followed: { lesson: TRIM_NAMES.slug, files: files(line.replace('${name}', '${name.trim()}')) },
    check: `node --test test/${name}.test.js`,
    summary: `Added \`${name}(name)\` in \`src/${name}.js\` with its test.`,
  };
}

function twoWorkers(title: string, summary: string, workers: [ScenarioWorker, ScenarioWorker]) {
  return { plan: { title, summary, reads: ['README.md', 'package.json'] }, workers };
}

/** Build 1: the greeting and the farewell, and the lesson its learn session proposes. */
export function teachingScenario(): Scenario {
  return {
    ...twoWorkers('greeting texts', 'Two text modules, side by side.', [
      textWorker('W1.1', 'greeting', (who) => `Hello, ${who}!`, CITED_LINE),
      textWorker('W1.2', 'farewell', (who) => `Goodbye, ${who}.`),
    ]),
    learn: [TRIM_NAMES],
  };
}

/** Build 2: the shout and the whisper, written by workers that read the lesson. */
export function followingScenario(): Scenario {
  return twoWorkers('loud texts', 'Two more text modules, side by side.', [
    textWorker('W1.1', 'shout', (who) => `HEY, ${who}!`),
    textWorker('W1.2', 'whisper', (who) => `psst, ${who}`),
  ]);
}

/** Build 3: the ask and the thanks, after the cited line changed. */
export function staleScenario(): Scenario {
  return twoWorkers('polite texts', 'Two polite text modules, side by side.', [
    textWorker('W1.1', 'ask', (who) => `May I, ${who}?`),
    textWorker('W1.2', 'thank', (who) => `Thank you, ${who}.`),
  ]);
}

/** The widgets project with Baton, its work and fix sessions on `engine`, the rest on Baton's loop. */
export function memorySettings(engine: string): string {
  return `session:\n  engine:\n    default: baton\n    work: ${engine}\n    fix: ${engine}\n    allow: [baton, ${engine}]\n`;
}

/**
 * A writer merges a pull request on GitHub, as a person does (not through Baton): the
 * merge on its base, the pull request closed as merged, and its webhook.
 */
export function mergeAsWriter(gh: FakeGitHub, pull: SimPull): void {
  mergePull(gh, pull, MAINTAINER);
}

/** A writer's review of a pull request's head: an approval, or a comment on one line. */
export function reviewAsWriter(
  gh: FakeGitHub,
  pull: SimPull,
  review: { approve: true } | { path: string; line: number; body: string },
): void {
  const commitId =
    gh.git.resolve(pull.head) ?? gh.reviews.find((one) => one.pull === pull.number)?.commitId ?? '';
  gh.addReview({
    pull: pull.number,
    user: MAINTAINER,
    commitId,
    ...('approve' in review
      ? { body: 'Read it: fine to merge.', state: 'APPROVED', comments: [] }
      : {
          body: '',
          state: 'COMMENTED',
          comments: [{ path: review.path, line: review.line, side: 'RIGHT', body: review.body }],
        }),
  });
}
