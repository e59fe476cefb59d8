import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { makeCompletion, workSession } from './publish/fixture.js';
import { type Harness, usePublishHarness } from './publish/harness.js';
import { WORKER_COMPLETION } from './publish/worker-paths.js';

/**
 * A work, contract or fix session's publish names the head it pushed and its pull request in
 * the step's outputs (`review-head`, `review-pr`): the workflow's review jobs review it next,
 * in the same run (docs/sessions.md, "The review in the run").
 */
function publishWith(h: Harness, completion = makeCompletion(), result = {}) {
  const head = workSession(
    h.fixture,
    {
      'src/login.ts': 'export const login = true;\n',
      [WORKER_COMPLETION]: JSON.stringify(completion),
    },
    { result: { completion, ...result } },
  );
  const output = join(h.fixture.root, 'github-output');
  writeFileSync(output, '');
  const published = h.publish({}, { outputPath: output });
  return { head, published, outputs: () => readFileSync(output, 'utf8') };
}

describe('publish of a work session, and the review in its run', () => {
  const h = usePublishHarness();

  it('names the head it pushed and the pull request it opened, for the review jobs', async () => {
    const { head, published, outputs } = publishWith(h);
    expect(await published).toBe(PUBLISH_EXIT.published);
    expect(outputs()).toBe(`review-pr=7\nreview-head=${head}\n`);
    expect(h.summary()).toContain(`This run reviews #7 at ${head.slice(0, 7)} next`);
  });

  it('names nothing for partial work, a draft no review takes for the whole change', async () => {
    h.github.routes.set('POST /graphql', () => ({ status: 200, body: { data: {} } }));
    const partial = makeCompletion({
      status: 'partial',
      handoff: { done: 'The form.', left: 'Its tests.', next: 'Write them.' },
    });
    const { published, outputs } = publishWith(h, partial, {
      status: 'partial',
      reason: 'out of turns',
      limit: 'turns',
    });
    expect(await published).toBe(PUBLISH_EXIT.published);
    expect(outputs()).toBe('');
  });
});

describe('publish of a work session where the default branch turns reviews off', () => {
  const h = usePublishHarness({ config: 'review:\n  enabled: false\n' });

  it('names nothing: no review runs in its run', async () => {
    const { published, outputs } = publishWith(h);
    expect(await published).toBe(PUBLISH_EXIT.published);
    expect(outputs()).toBe('');
  });
});
