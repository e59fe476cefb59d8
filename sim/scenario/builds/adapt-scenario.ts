import { renderBriefBody, type Scenario, scenarioWorker } from '../scenario.js';
import { diamondScenario } from './greeting-scenario.js';

/** What W1.1 learned, which its adapt session writes into W2.1's brief. */
export const ADAPTED_NOTE =
  'Learned in W1.1: `greeting(name)` already ends with "!"; print its result as it is, never add punctuation.';

/**
 * The diamond, where W1.1's completion names W2.1 in `affects` and the adapt
 * session after W1.1 rewrites W2.1's brief with what W1.1 learned.
 */
export function adaptScenario(): Scenario {
  const base = diamondScenario();
  const commands = scenarioWorker(base, 'W2.1');
  const revised = renderBriefBody({
    ...commands,
    context: `${commands.context}\n\n${ADAPTED_NOTE}`,
  });
  return {
    ...base,
    workers: base.workers.map((worker) =>
      worker.id === 'W1.1' ? { ...worker, learnings: [ADAPTED_NOTE], affects: ['W2.1'] } : worker,
    ),
    adaptations: { 'W1.1': { 'W2.1': revised } },
  };
}
