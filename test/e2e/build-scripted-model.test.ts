// The scripted model that plays whole builds in the simulator, tried against
// the real agent (runAgent in this process, its real tools, real git), so
// that a change to the prompts or tools that the model no longer understands
// fails here in seconds rather than as a stuck build.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../sim/github/git/unified-diff.js';
import { ADAPTED_NOTE, adaptScenario } from '../../sim/scenario/builds/adapt-scenario.js';
import { diamondScenario } from '../../sim/scenario/builds/greeting-scenario.js';
import {
  CITED_LINE,
  CORRECTION,
  TRIM_NAMES,
  teachingScenario,
} from '../../sim/scenario/builds/memory-scenario.js';
import { renderBriefBody, type Scenario, scenarioWorker } from '../../sim/scenario/scenario.js';
import { createScriptedModel } from '../../sim/scenario/scripted-model.js';
import { addedLines, conflictBlocks, viewedLines } from '../../sim/scenario/text-reading.js';
import { lessonPath, parseLesson } from '../../src/core/memory/lesson.js';
import { renderBriefFile } from '../../src/core/records/brief.js';
import {
  briefPath,
  completionPath,
  integrationBranch,
  planPath,
} from '../../src/core/vocabulary/ids.js';
import {
  gitIn,
  makeRepo,
  makeTempDir,
  REPOSITORY,
  removeTempDirs,
  reviewRoutes,
  runSession,
  writeFiles,
} from '../session/agent-fixtures.js';

const BUILD = '12-add-greeting';
const PACKAGE = '{ "type": "module" }\n';
const USAGE = {
  input_tokens: 1,
  output_tokens: 1,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
  cost_usd: 0.01,
  turns: 1,
  seconds: 1,
};

afterEach(removeTempDirs);

/** The brief file a plan session would have written for a scenario worker. */
function briefOf(scenario: Scenario, id: string): Record<string, string> {
  const worker = scenarioWorker(scenario, id);
  const front = {
    id,
    title: worker.title,
    depends_on: worker.depends_on ?? [],
    complexity: worker.complexity ?? 'normal',
  };
  return { [briefPath(BUILD, id)]: renderBriefFile(front, renderBriefBody(worker)) };
}

/** Runs one real agent session against the scripted model; answers the result and the model. */
async function session({
  scenario,
  root,
  env,
  github = {},
}: {
  scenario: Scenario;
  root: string;
  env: Record<string, string>;
  github?: Record<string, unknown>;
}) {
  const model = createScriptedModel(scenario);
  const { code, result } = await runSession({
    root,
    env: { BATON_BUILD: BUILD, ...env },
    respond: model,
    routes: github,
    options: { anthropic: { maxRetries: 2 } },
  });
  // A failed session fails its job (exit 1); any other ends 0.
  expect(code).toBe(result.status === 'failed' ? 1 : 0);
  return { result, model };
}

/** A work session of `worker` on its branch, its brief there: the repository, the result and the model. */
async function workSession(scenario: Scenario, worker: string) {
  const { root } = await makeRepo({
    branch: `baton/${BUILD}/${worker}`,
    files: { 'package.json': PACKAGE, ...briefOf(scenario, worker) },
  });
  const ran = await session({ scenario, root, env: { BATON_ROLE: 'work', BATON_WORKER: worker } });
  return { root, ...ran };
}

describe('the scripted model against the real agent', () => {
  it('plans: reads the skill and the repository, then submits the scenario’s workers with full briefs', async () => {
    const scenario = diamondScenario();
    const { root } = await makeRepo({
      files: { 'README.md': '# widgets\n', 'package.json': PACKAGE },
    });
    const { result, model } = await session({
      scenario,
      root,
      env: { BATON_ROLE: 'plan', BATON_ISSUE: '12' },
      github: {
        'GET /repos/octo/demo/issues/12': {
          number: 12,
          title: 'Add greet and bye',
          body: 'Hello.',
        },
      },
    });
    expect(model.problems).toEqual([]);
    expect(result.status).toBe('complete');
    expect(result.plan?.workers.map((w) => [w.id, w.depends_on])).toEqual([
      ['W1.1', []],
      ['W1.2', []],
      ['W2.1', ['W1.1', 'W1.2']],
    ]);
    const brief = await readFile(path.join(root, briefPath(BUILD, 'W2.1')), 'utf8');
    for (const part of [
      'Mission',
      'Output paths',
      'Context',
      'Requirements',
      'Success criteria',
      'Report back',
    ]) {
      expect(brief).toContain(`## ${part}`);
    }
    expect(brief).toContain(
      '- [ ] `node --test test/cli.test.js && node src/cli.js greet Ada` succeeds',
    );
    expect(model.sessions).toMatchObject([{ role: 'plan', turns: 3 }]);
  });

  it('adapts: reads the merged report and the briefs it names, revises only unstarted workers’ briefs', async () => {
    const scenario = adaptScenario();
    const plan = {
      version: 1,
      build: BUILD,
      issue: 12,
      title: 'greet and bye commands',
      summary: 'The diamond.',
      workers: scenario.workers.map((worker) => ({
        id: worker.id,
        title: worker.title,
        depends_on: worker.depends_on ?? [],
        complexity: 'normal',
      })),
    };
    const completion = {
      worker_id: 'W1.1',
      status: 'complete',
      summary: 'Added greeting.',
      learnings: [ADAPTED_NOTE],
      affects: ['W1.2', 'W2.1'],
      usage: USAGE,
    };
    const { root, base } = await makeRepo({
      branch: `baton/${BUILD}/integration`,
      files: {
        'package.json': PACKAGE,
        [planPath(BUILD)]: JSON.stringify(plan),
        [completionPath(BUILD, 'W1.1')]: JSON.stringify(completion),
        ...briefOf(scenario, 'W1.1'),
        ...briefOf(scenario, 'W1.2'),
        ...briefOf(scenario, 'W2.1'),
      },
    });
    const before = await readFile(path.join(root, briefPath(BUILD, 'W2.1')), 'utf8');
    const { result, model } = await session({
      scenario,
      root,
      env: { BATON_ROLE: 'plan', BATON_ISSUE: '12', BATON_TRIGGER: 'adapt-W1.1' },
      github: {
        // W1.2 has started (its branch exists): its brief is not offered.
        [`GET /repos/octo/demo/git/matching-refs/heads/baton/${BUILD}`]: [
          { ref: `refs/heads/baton/${BUILD}/integration` },
          { ref: `refs/heads/baton/${BUILD}/W1.1` },
          { ref: `refs/heads/baton/${BUILD}/W1.2` },
        ],
        // No first attempt runs on the build branch but W1.2's, whose branch is there already.
        'GET /repos/octo/demo/actions/workflows/baton.yml/runs': {
          workflow_runs: [
            {
              id: 7,
              display_title: `baton work ${BUILD} W1.2 -`,
              created_at: '2026-01-01T00:00:00Z',
            },
          ],
        },
      },
    });
    expect(model.problems).toEqual([]);
    expect(result.reason).toBeNull();
    expect(result).toMatchObject({ status: 'complete', base });
    expect(gitIn(root, 'show', '--name-only', '--format=', 'HEAD')).toBe(briefPath(BUILD, 'W2.1'));
    const after = await readFile(path.join(root, briefPath(BUILD, 'W2.1')), 'utf8');
    expect(after).toContain(ADAPTED_NOTE);
    // The front matter is kept; only the body changes.
    expect(after.split('\n---\n')[0]).toBe(before.split('\n---\n')[0]);
    expect(model.sessions).toMatchObject([{ role: 'plan', turns: 2 }]);
  });

  it('works: reads the brief, writes its files with the editor, runs its test, submits', async () => {
    const scenario = diamondScenario();
    const { root, result, model } = await workSession(scenario, 'W1.1');
    expect(model.problems).toEqual([]);
    expect(result).toMatchObject({ status: 'complete', completion: { status: 'complete' } });
    expect(gitIn(root, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
      completionPath(BUILD, 'W1.1'),
      'src/greeting.js',
      'test/greeting.test.js',
    ]);
    expect(result.usage.turns).toBe(4);
    expect(result.usage.cost_usd).toBeGreaterThan(0);
    expect(result.usage.cache_read_input_tokens).toBeGreaterThan(0);
  });

  it.each([
    ['failed', 'Stopped after writing `src/farewell.js`'],
    ['error', 'prompt is too long'],
  ] as const)(
    'fails an attempt the scenario marks %s, keeping what was written',
    async (failure, why) => {
      const scenario = diamondScenario({ failures: { 'W1.2': [failure] } });
      const { result, model } = await workSession(scenario, 'W1.2');
      expect(model.problems).toEqual([]);
      expect(result.status).toBe('failed');
      expect(result.reason).toContain(why);
      expect(result.completion?.status).toBe('failed');
    },
  );

  it('reviews: reads the diff and comments on an added line, with the round’s verdict', async () => {
    const scenario = diamondScenario({ reviewChanges: true });
    const worker = scenarioWorker(scenario, 'W1.1');
    const { root } = await makeRepo({ files: { ...worker.files, ...briefOf(scenario, 'W1.1') } });
    const files = Object.entries(worker.files).map(([filename, text]) => ({
      filename,
      status: 'added',
      additions: text.split('\n').length - 1,
      deletions: 0,
      patch: unifiedDiff(null, text),
    }));
    const { result, model } = await session({
      scenario,
      root,
      env: { BATON_ROLE: 'review', BATON_WORKER: 'W1.1', BATON_PR: '5' },
      github: {
        'GET /repos/octo/demo/pulls/5': {
          number: 5,
          title: 'W1.1',
          state: 'open',
          head: { sha: 'a'.repeat(40), ref: `baton/${BUILD}/W1.1` },
          base: { ref: `baton/${BUILD}/integration` },
        },
        'GET /repos/octo/demo/pulls/5/files': files,
        'GET /repos/octo/demo/pulls/5/reviews': [],
      },
    });
    expect(model.problems).toEqual([]);
    expect(result.review).toMatchObject({
      verdict: 'changes-requested',
      comments: [{ path: 'src/greeting.js', line: 3, side: 'RIGHT' }],
    });
  });

  it('fixes what the review asked, carrying the earlier report’s notes into the new one', async () => {
    const scenario = diamondScenario({ reviewChanges: true });
    const worker = scenarioWorker(scenario, 'W1.1');
    const earlier = `${worker.summary} Merged the build branch and resolved the conflict in src/index.js, keeping both sides.`;
    const { root } = await makeRepo({
      branch: `baton/${BUILD}/W1.1`,
      files: {
        'package.json': PACKAGE,
        ...worker.files,
        ...briefOf(scenario, 'W1.1'),
        [completionPath(BUILD, 'W1.1')]: JSON.stringify(
          { worker_id: 'W1.1', status: 'complete', summary: earlier, usage: USAGE },
          null,
          2,
        ),
      },
    });
    const { result, model } = await session({
      scenario,
      root,
      env: { BATON_ROLE: 'fix', BATON_WORKER: 'W1.1', BATON_PR: '5', BATON_TRIGGER: 'review-901' },
      github: reviewRoutes({
        body: 'Changes requested.',
        state: 'COMMENTED',
        comments: [{ path: 'src/greeting.js', line: 3, body: 'Trim the name.' }],
      }),
    });
    expect(model.problems).toEqual([]);
    expect(result.completion?.summary).toBe(
      `${worker.summary} After review, a blank name is greeted as \`there\`. Merged the build branch and resolved the conflict in src/index.js, keeping both sides.`,
    );
    expect(gitIn(root, 'show', 'HEAD:src/greeting.js')).toContain("name.trim() || 'there'");
  });

  it('fixes a conflict: merges the build branch and resolves every marker with the editor', async () => {
    const scenario = diamondScenario({ sharedIndex: true });
    const worker = scenarioWorker(scenario, 'W1.1');
    const branch = `baton/${BUILD}/W1.1`;
    const { root, base } = await makeRepo({
      branch,
      files: { 'package.json': PACKAGE, ...briefOf(scenario, 'W1.1') },
    });
    const origin = await makeTempDir('baton-origin-');
    gitIn(origin, 'init', '-q', '--bare');
    gitIn(root, 'remote', 'add', 'origin', origin);
    gitIn(root, 'checkout', '-q', '-b', `baton/${BUILD}/integration`, base);
    await writeFiles(root, scenarioWorker(scenario, 'W1.2').files);
    gitIn(root, 'add', '-A');
    gitIn(root, 'commit', '-q', '-m', 'W1.2 merged');
    gitIn(root, 'push', '-q', 'origin', `baton/${BUILD}/integration`);
    const integration = gitIn(root, 'rev-parse', 'HEAD');
    gitIn(root, 'checkout', '-q', branch);
    await writeFiles(root, worker.files);
    gitIn(root, 'add', '-A');
    gitIn(root, 'commit', '-q', '-m', 'W1.1');
    const { result, model } = await session({
      scenario,
      root,
      env: {
        BATON_ROLE: 'fix',
        BATON_WORKER: 'W1.1',
        BATON_PR: '5',
        BATON_TRIGGER: `conflict-${integration}`,
      },
    });
    expect(model.problems).toEqual([]);
    expect(model.sessions).toMatchObject([{ trigger: 'conflict', conflicts: ['src/index.js'] }]);
    expect(result.status).toBe('complete');
    expect(result.completion?.summary).toBe(
      `${worker.summary} Merged the build branch and resolved the conflict in src/index.js, keeping both sides.`,
    );
    expect(gitIn(root, 'show', 'HEAD:src/index.js')).toBe(
      "export { farewell } from './farewell.js';\nexport { greeting } from './greeting.js';",
    );
  });
});

describe('how the scripted model reads tool answers', () => {
  it.each([
    ['a new file', null, 'a\nb\n', [1, 2]],
    ['a line added in the middle', 'a\nb\nc\n', 'a\nb\nx\nc\n', [3]],
    ['a line changed at the end', 'a\nb\nc\nd\ne\nf\ng\nh\n', 'a\nb\nc\nd\ne\nf\ng\nH\n', [8]],
  ])('numbers the added lines of %s as in the new file', (_, before, after, lines) => {
    expect(addedLines(unifiedDiff(before, after)).map((added) => added.line)).toEqual(lines);
  });

  it.each([
    [
      'two sides of a merge',
      ['x', '<<<<<<< HEAD', 'ours', '=======', 'theirs', '>>>>>>> origin/b', 'y'],
      [{ text: '<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> origin/b', resolved: 'theirs\nours' }],
    ],
    [
      'a diff3 block with a line on both sides',
      ['<<<<<<< HEAD', 'same', 'ours', '||||||| base', 'old', '=======', 'same', '>>>>>>> b'],
      [
        {
          text: '<<<<<<< HEAD\nsame\nours\n||||||| base\nold\n=======\nsame\n>>>>>>> b',
          resolved: 'same\nours',
        },
      ],
    ],
    ['a file without markers', ['a', '======= not a marker'], []],
  ])('resolves %s keeping both sides', (_, lines, blocks) => {
    expect(conflictBlocks(lines)).toEqual(blocks);
  });

  it("learns: proposes the scenario's lesson, citing the checkout and linking the writer's correction", async () => {
    const scenario = teachingScenario();
    const url = `https://github.com/${REPOSITORY}/pull/5#discussion_r101`;
    const greeting = scenarioWorker(scenario, 'W1.1').files['src/greeting.js'] ?? '';
    const { root } = await makeRepo({ files: { 'src/greeting.js': greeting } });
    const api = `GET /repos/${REPOSITORY}`;
    const pull = (number: number, head: string, base: string) => ({
      number,
      html_url: `https://github.com/${REPOSITORY}/pull/${number}`,
      head: { ref: head },
      base: { ref: base },
    });
    const { result, model } = await session({
      scenario,
      root,
      env: { BATON_ROLE: 'learn', BATON_ISSUE: '12', BATON_WORKER: '' },
      github: {
        [`${api}/pulls`]: [
          pull(5, `baton/${BUILD}/W1.1`, integrationBranch(BUILD)),
          pull(9, integrationBranch(BUILD), 'main'),
        ],
        [`${api}/pulls/5/comments`]: [
          {
            id: 101,
            html_url: url,
            body: CORRECTION,
            user: { login: 'maria', type: 'User' },
            path: 'src/greeting.js',
            line: 3,
          },
        ],
        [`${api}/pulls/5/reviews`]: [],
        [`${api}/pulls/9/comments`]: [],
        [`${api}/pulls/9/reviews`]: [],
        [`${api}/issues/12/comments`]: [],
        [`${api}/issues/5/comments`]: [],
        [`${api}/issues/9/comments`]: [],
        [`${api}/collaborators/maria/permission`]: { permission: 'write' },
      },
    });
    expect(model.problems).toEqual([]);
    expect(result.status).toBe('complete');
    const file = lessonPath(TRIM_NAMES.slug);
    const read = parseLesson(file, await readFile(path.join(root, file), 'utf8'));
    expect(read.ok && read.lesson).toMatchObject({
      rule: TRIM_NAMES.rule,
      evidence: [url],
      citations: [{ path: 'src/greeting.js', line: 3, text: CITED_LINE }],
    });
  });

  it('takes the line numbers off an editor view', () => {
    expect(viewedLines('     1\tconst a = 1;\n     2\t\tindented')).toEqual([
      'const a = 1;',
      '\tindented',
    ]);
  });
});
