import type { Scenario } from '../scenario.js';
import { diamondScenario } from './greeting-scenario.js';

/** The issue an improvement series runs on: no label, a `/improve` comment instead. */
export const IMPROVE_ISSUE = {
  title: 'Make widgets friendlier',
  body: 'The `widgets` package should say hello and goodbye. Improve it a loop at a time.',
};

/** What `/improve` asks for on that issue: three loops and a focus. */
export const IMPROVE_COMMAND = '/improve 3 greetings and farewells people can reuse';

/** Text that marks each loop's findings and summary, so a test can tell which a prompt holds. */
export const LOOP_MARKS = {
  findings: ['FINDINGS-LOOP-1', 'FINDINGS-LOOP-2', 'FINDINGS-LOOP-3'],
  summaries: ['SUMMARY-LOOP-1', 'SUMMARY-LOOP-2'],
} as const;

/**
 * Three loops on the widgets project: loop 1's research finds no greeting and
 * its plan adds one (W1.1); loop 2's finds no farewell (W2.1, after W1.1's
 * wave); loop 3's research finds nothing worth doing, which ends the series.
 */
export function improveScenario(): Scenario {
  const [greeting, farewell] = diamondScenario().workers;
  if (!greeting || !farewell) throw new Error('the diamond scenario lost its workers');
  return {
    plan: { title: 'friendlier widgets', summary: 'One loop at a time.', reads: ['README.md'] },
    workers: [
      { ...greeting, id: 'W1.1', loop: 1 },
      { ...farewell, id: 'W2.1', loop: 2 },
    ],
    loops: [
      {
        findings: `${LOOP_MARKS.findings[0]}: there is no greeting; add \`src/greeting.js\`.`,
        plan: { title: 'a greeting', summary: 'Add the greeting text with its test.' },
        summary: `${LOOP_MARKS.summaries[0]}: \`greeting(name)\` is in; a farewell is still missing.`,
      },
      {
        findings: `${LOOP_MARKS.findings[1]}: there is no farewell; add \`src/farewell.js\`.`,
        plan: { title: 'a farewell', summary: 'Add the farewell text with its test.' },
        summary: `${LOOP_MARKS.summaries[1]}: \`farewell(name)\` is in; nothing obvious is left.`,
      },
      {
        findings: `${LOOP_MARKS.findings[2]}: greeting and farewell are done and tested.`,
        nothingWorthDoing: true,
      },
    ],
  };
}
