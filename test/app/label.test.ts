import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { type AppHarness, labeledPayload, startApp } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, statusBody } from '../support/builds.js';
import { knownRestRoutes } from '../support/rest-routes.js';

describe('an issue labelled orchestrate', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app, now } = started));

  function openLabelledIssue(): number {
    return gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
  }

  it('creates the build branch, dispatches the plan session and posts one planning comment', async () => {
    const issue = openLabelledIssue();
    await app.deliver('issues', labeledPayload(gh, { issue }));

    expect(app.errors).toEqual([]);
    expect(gh.git.refs.has(`refs/heads/baton/${BUILD}/integration`)).toBe(true);
    expect(gh.runs.map((run) => run.inputs)).toEqual([
      { role: 'plan', build: BUILD, issue: '1', worker: '', pr: '', trigger: '' },
    ]);
    expect(gh.runs[0]?.headBranch).toBe(`baton/${BUILD}/integration`);
    expect(gh.comments).toHaveLength(1);
    expect(statusBody(gh, BUILD)).toContain(`actions/runs/${gh.runs[0]?.id}`);
  });

  it('reads the repository settings once for the label and the reconcile it starts, as Probot reads context.config once an event', async () => {
    gh.git.commitOn(
      gh.defaultBranch,
      { '.github/baton.yml': 'budget:\n  maxUsd: 40\n' },
      'Configure Baton',
    );
    await app.deliver('issues', labeledPayload(gh, { issue: openLabelledIssue() }));

    expect(app.errors).toEqual([]);
    expect(gh.runs.map((run) => run.inputs.role)).toEqual(['plan']);
    const reads = gh.log.filter((entry) => entry.path.includes('/contents/.github%2Fbaton.yml'));
    expect(reads.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'GET /repos/octo-org/widgets/contents/.github%2Fbaton.yml',
    ]);
  });

  it('calls only REST routes that GitHub publishes', async () => {
    const issue = openLabelledIssue();
    await app.deliver('issues', labeledPayload(gh, { issue }));
    expect(gh.callsOutside(await knownRestRoutes())).toEqual([]);
    expect(gh.log.filter((entry) => entry.status === 501)).toEqual([]);
  });

  it('starts improvement loops from the improve.label, with loop 1’s research', async () => {
    gh.git.commitOn(
      gh.defaultBranch,
      { '.github/baton.yml': 'improve:\n  label: improve\n  loops: 2\n' },
      'Configure Baton',
    );
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['improve'] });
    gh.events.labeled(issue, 'improve', 'maintainer');
    for (const event of gh.outbox.splice(0)) await app.deliver(event.name, event.payload);

    expect(app.errors).toEqual([]);
    expect(gh.runs.map((run) => run.inputs)).toEqual([
      { role: 'research', build: BUILD, issue: '1', worker: 'L1', pr: '', trigger: '' },
    ]);
    expect(gh.runs[0]?.headBranch).toBe(`baton/${BUILD}/integration`);
    expect(statusBody(gh, BUILD)).toContain(
      '**Improvement loops** — 1 of 2 (asked by @maintainer)',
    );
  });

  it('ignores other labels', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['bug'] });
    await app.deliver('issues', labeledPayload(gh, { issue, label: 'bug' }));
    expect(gh.runs).toEqual([]);
    expect(gh.comments).toEqual([]);
  });

  it('refuses politely when the labeller has no write access, and starts nothing', async () => {
    const issue = openLabelledIssue();
    await app.deliver('issues', labeledPayload(gh, { issue, sender: 'reader' }));
    await app.deliver('issues', labeledPayload(gh, { issue, sender: 'reader' }));

    expect(gh.git.refs.has(`refs/heads/baton/${BUILD}/integration`)).toBe(false);
    expect(gh.runs).toEqual([]);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.body).toContain('@reader');
    expect(gh.comments[0]?.body).toContain('write access');
  });

  it('still makes one branch, one dispatch and one comment when the event is delivered twice', async () => {
    const issue = openLabelledIssue();
    const payload = labeledPayload(gh, { issue });
    await app.deliver('issues', payload);
    await app.deliver('issues', payload);

    expect(gh.runs).toHaveLength(1);
    expect(gh.comments).toHaveLength(1);
  });

  it('does not start again when the label is removed and added again', async () => {
    const issue = openLabelledIssue();
    await app.deliver('issues', labeledPayload(gh, { issue }));
    gh.issues.get(issue)?.labels.splice(0);
    gh.issues.get(issue)?.labels.push('orchestrate');
    await app.deliver('issues', labeledPayload(gh, { issue, sender: 'admin' }));

    expect(gh.runs).toHaveLength(1);
    expect(gh.comments).toHaveLength(1);
    expect([...gh.git.refs.keys()].filter((ref) => ref.includes('integration'))).toHaveLength(1);
  });

  it('makes one branch, one dispatch and one comment when two app processes get the event at once', async () => {
    const other = await startApp({ gh, now });
    try {
      const issue = openLabelledIssue();
      const payload = labeledPayload(gh, { issue });
      await Promise.all([app.deliver('issues', payload), other.deliver('issues', payload)]);

      expect([...app.errors, ...other.errors]).toEqual([]);
      expect(gh.runs).toHaveLength(1);
      expect(gh.comments).toHaveLength(1);
    } finally {
      other.stop();
    }
  });

  it('says how to set Baton up when the repository has no Baton workflow', async () => {
    gh.workflows.clear();
    const issue = openLabelledIssue();
    await app.deliver('issues', labeledPayload(gh, { issue }));

    expect(gh.runs).toEqual([]);
    expect(gh.git.refs.has(`refs/heads/baton/${BUILD}/integration`)).toBe(false);
    const body = statusBody(gh, BUILD) ?? '';
    expect(body).toContain('.github/workflows/baton.yml');
    expect(body).toContain('ANTHROPIC_API_KEY');
  });

  it.each([
    ['a YAML syntax error', 'label: [orchestrate\nmaxParallel: 2\n', /line 2/, '(file)'],
    [
      'a field of the wrong type',
      'label: orchestrate\nreview:\n  maxFixRounds: many\n',
      /line 3/,
      'review.maxFixRounds',
    ],
    ['an unknown field', 'label: orchestrate\nmaxParalel: 3\n', /line 2/, 'maxParalel'],
    [
      'a model with no price',
      'label: orchestrate\nmodels:\n  review: sonnet-4\n  normal: gpt-7\n',
      /line 4/,
      'models.normal',
    ],
  ])('names the file, line and field of %s, and starts nothing', async (_, yaml, line, field) => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': yaml });
    const issue = openLabelledIssue();
    await app.deliver('issues', labeledPayload(gh, { issue }));

    expect(gh.runs).toEqual([]);
    const body = statusBody(gh, BUILD) ?? '';
    expect(body).toContain('.github/baton.yml');
    expect(body).toMatch(line);
    expect(body).toContain(field);
  });

  it('follows a custom label from the config', async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'label: conduct\n' });
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['conduct'] });
    await app.deliver('issues', labeledPayload(gh, { issue }));
    expect(gh.runs).toEqual([]);
    await app.deliver('issues', labeledPayload(gh, { issue, label: 'conduct' }));
    expect(gh.runs).toHaveLength(1);
  });

  it.each([
    ['orchestrate:research', ''],
    ['study', 'types:\n  research: study\n'],
  ])('starts a build on the research label %s, as on the build label', async (label, config) => {
    if (config) gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': config });
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: [label] });
    await app.deliver('issues', labeledPayload(gh, { issue, label }));
    expect(app.errors).toEqual([]);
    expect(gh.runs.map((run) => run.inputs.role)).toEqual(['plan']);
  });
});
