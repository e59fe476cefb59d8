import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { fileClasses } from '../../src/core/verification/risk.js';
import { WORKER_GUIDE_MAX_CHARS } from '../../src/core/verification/worker-guide.js';
import { BODY_MAX_CHARS } from '../../src/session/publish/checks/size-limits.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { renderPullBody } from '../../src/session/publish/write/pull-body.js';
import { workerEvidence } from '../../src/session/publish/write/worker-evidence.js';
import { CONTRACT_TEST, contractOptions, PACKAGE_JSON_TEXT } from './publish/contract-fixture.js';
import { BUILD, type Fixture, makeCompletion, WORKER, workSession } from './publish/fixture.js';
import { type Harness, PULLS, usePublishHarness } from './publish/harness.js';
import { WORKER_COMPLETION } from './publish/worker-paths.js';

/** The body publish opened the pull request with. */
function openedBody(harness: Harness): string {
  const call = harness.github.api.findLast(
    (each) => each.method === 'POST' && each.path.startsWith(PULLS),
  );
  return (call?.body as { body?: string } | undefined)?.body ?? '';
}

/** The guide: the body up to the worker's report. */
function guideOf(body: string): string {
  return body.split(`\n\n## ${WORKER}'s report`)[0] ?? '';
}

/** The default branch moves on to a commit whose `.github/baton.yml` is `config`; the build branch stays. */
function setDefaultConfig(fixture: Fixture, config: string): void {
  fixture.git(['checkout', '--quiet', '-B', 'main', fixture.base]);
  writeFileSync(join(fixture.root, 'work', '.github', 'baton.yml'), config);
  fixture.git(['commit', '--quiet', '-am', 'settings']);
  fixture.git(['push', '--quiet', fixture.remoteDir, 'HEAD:refs/heads/main']);
}

const DEPENDENCY = PACKAGE_JSON_TEXT.replace(
  '"private": true,',
  '"private": true,\n  "dependencies": { "left-pad": "1.3.0" },',
);

describe('the review guide at the head of a worker pull request', () => {
  const h = usePublishHarness(contractOptions({ config: 'maxParallel: 2\n' }));

  function work(files: Record<string, string>, summary = 'Added the login check.') {
    const report = makeCompletion({ summary, artifacts: [] });
    return workSession(
      h.fixture,
      { ...files, [WORKER_COMPLETION]: JSON.stringify(report) },
      { result: { completion: report } },
    );
  }

  it("opens the body: the worker's criteria with their checks, what to read first, the rest", async () => {
    setDefaultConfig(h.fixture, 'verification:\n  securityPaths: [src/login.ts]\n');
    work({
      'src/login.ts':
        'export const login = (user: string, password: string) => password === "secret";\n',
      'package.json': DEPENDENCY,
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    const body = openedBody(h);
    expect(body.startsWith('## Review guide\n')).toBe(true);
    const guide = guideOf(body);
    expect(guide).toContain(
      `| W1.1:1 | “A right password signs in” | “${CONTRACT_TEST} › login › accepts the right password” | runs in this pull request's checks |`,
    );
    expect(guide).toContain('| W1.1:2 | “A wrong password is refused” |');
    expect(guide).toContain(
      "### Read these first: 2 of 2 changed lines, not counting Baton's build records (1 line)",
    );
    expect(guide).toContain('**Risk: security, dependency.**');
    expect(guide).toContain('- “package.json”: 1 line, dependency');
    expect(guide).toContain('- “src/login.ts”: 1 line, security');
    expect(guide).toContain(`### The rest\n\n- “${WORKER_COMPLETION}”: 1 line`);
    expect(guide).not.toContain('not judged');
    // The report follows, and the evidence ends the body as before.
    expect(body).toContain("## W1.1's report\n\nAdded the login check.");
    expect(parseEvidenceMarker(body)?.files).toHaveLength(3);
  });

  it("takes the settings' paths from the default branch, never from the branch the worker started from", async () => {
    // The build branch and the worker's base name src/login.ts nowhere; the default branch does.
    setDefaultConfig(h.fixture, 'verification:\n  interfacePaths: ["src/**"]\n');
    work({ 'src/login.ts': 'export const login = () => true;\n' });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    expect(guideOf(openedBody(h))).toContain('- “src/login.ts”: 1 line, interface');
  });

  it('judges the classes that need no settings, and says so, where it cannot read them', async () => {
    setDefaultConfig(h.fixture, '_extends: acme/.github\n');
    work({ 'src/login.ts': 'export const login = () => true;\n', 'package.json': DEPENDENCY });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    const guide = guideOf(openedBody(h));
    expect(guide).toContain('**Risk: dependency.**');
    expect(guide).toContain(
      '_Security and interface paths were not judged here: `.github/baton.yml` on the default branch extends a file of another repository, which publish cannot read.',
    );
  });
});

describe('a worker that forges the guide', () => {
  const h = usePublishHarness(contractOptions({ config: 'maxParallel: 2\n' }));
  // A name that reads as a line of the guide's own and a risk label, were it not quoted.
  const FORGED_PATH = 'docs/notes.md”: 1 line. **Risk: none.** Nothing here is risky | “ok.md';
  const FORGED_SUMMARY = [
    '## Review guide',
    '',
    '### Read these first: 0 of 3 changed lines',
    '',
    "Nothing here is risky by Baton's measure.",
  ].join('\n');

  it('changes no line of it with its file names or its report, nor what the evidence says', async () => {
    const report = makeCompletion({ summary: FORGED_SUMMARY, artifacts: [] });
    workSession(
      h.fixture,
      {
        'package.json': DEPENDENCY,
        [FORGED_PATH]: 'notes\n',
        [WORKER_COMPLETION]: JSON.stringify(report),
      },
      { result: { completion: report } },
    );

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    const body = openedBody(h);
    const guide = guideOf(body);
    expect(body.startsWith('## Review guide\n')).toBe(true);
    expect(guide.match(/^### Read these first/gm)).toEqual(['### Read these first']);
    expect(guide).toContain(
      "### Read these first: 1 of 2 changed lines, not counting Baton's build records (1 line)",
    );
    expect(guide).toContain('**Risk: dependency.**');
    expect(guide).not.toContain('**Risk: none');
    // The forged name shows as text, in the app's one pair of quotes.
    expect(guide).toContain(
      '- “docs/notes.md": 1 line. \\*\\*Risk: none.\\*\\* Nothing here is risky \\| "ok.md”: 1 line',
    );
    // The report's own forgery comes after the guide, under the report's heading.
    expect(body.indexOf(FORGED_SUMMARY)).toBeGreaterThan(body.indexOf(`## ${WORKER}'s report`));
    // The app's marker names the file as it is, and judges it as the app's own classes do.
    const evidence = parseEvidenceMarker(body);
    const forged = evidence?.files.find((file) => file.path === FORGED_PATH);
    expect(forged).toBeDefined();
    expect(forged && fileClasses(forged, { securityPaths: [], interfacePaths: [] })).toEqual([]);
  });
});

describe("a worker pull request's body with its guide", () => {
  it("stays within GitHub's limit with the largest guide, the largest evidence and a long report, the guide whole", () => {
    const guide = `## Review guide\n\n${'g'.repeat(WORKER_GUIDE_MAX_CHARS - 20)}`;
    const evidence = workerEvidence({
      head: 'a'.repeat(40),
      diff: Array.from({ length: 400 }, (_, i) => ({
        path: `src/${'deep/'.repeat(80)}f${i}.ts`,
        status: 'modified' as const,
        lines: 3,
      })),
      guarded: null,
      claims: { checked: 0, flagged: [], artifacts: [] },
    });

    const body = renderPullBody({
      build: BUILD,
      completion: makeCompletion({ summary: 'word '.repeat(30_000) }),
      evidence,
      guide,
    });

    expect(body.length).toBeLessThanOrEqual(BODY_MAX_CHARS);
    expect(body.startsWith(`${guide}\n\n## ${WORKER}'s report\n\n`)).toBe(true);
    expect(body).toContain('… (cut to fit)');
    expect(parseEvidenceMarker(body)).toEqual(evidence);
  });
});
