import type { Scenario, TalkScript } from '../scenario.js';

/**
 * A one-worker build on the widgets project (`setUpWidgets`) whose worker
 * people talk to while it works (`TalkScript`): W1.1 writes the greeting, takes
 * a `/steer` in, stops at its dollar limit with partial work, and a
 * continuation writes the test and what a `/queue` asked.
 */
export function talkScenario(talk: TalkScript): Scenario {
  return {
    plan: {
      title: 'A greeting',
      summary: 'One worker: the greeting text and its test.',
      reads: ['README.md', 'package.json'],
    },
    workers: [
      {
        id: 'W1.1',
        title: 'Greeting text',
        complexity: 'complex',
        mission: 'Add `greeting(name)`, the text `widgets greet` prints.',
        context: 'The project is plain ES modules under `src/`, tested with `node --test`.',
        requirements: [
          '`src/greeting.js` exports `greeting(name)` returning `Hello, <name>!`.',
          'A test in `test/greeting.test.js`.',
        ],
        criteria: ['`greeting("Ada")` is `Hello, Ada!`', 'the test passes'],
        files: {
          'src/greeting.js':
            // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
            'export function greeting(name) {\n  return `Hello, ${name}!`;\n}\n',
          'test/greeting.test.js':
            "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { greeting } from '../src/greeting.js';\n\ntest('greets by name', () => {\n  assert.equal(greeting('Ada'), 'Hello, Ada!');\n});\n",
        },
        check: 'node --test test/greeting.test.js',
        summary: 'Added `greeting(name)` in `src/greeting.js` with its test.',
        talk,
      },
    ],
  };
}
