import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { MAX_DISPATCH_INPUTS } from '../../sim/github/routes/routes-runs.js';
import { asApp } from '../support/as-app.js';

/**
 * A dispatch as GitHub takes it: only the inputs the workflow file at the ref
 * declares, and none at all when the file declares more than GitHub allows (an
 * invalid workflow has no trigger).
 */
function workflowWith(inputs: string[]): string {
  const declared = inputs.map((name) => `      ${name}: { type: string }`).join('\n');
  return `on:\n  workflow_dispatch:\n    inputs:\n${declared}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`;
}

function dispatch(gh: FakeGitHub, inputs: Record<string, string>) {
  return gh.handle({
    method: 'POST',
    path: `/repos/${gh.fullName}/actions/workflows/baton.yml/dispatches`,
    query: new URLSearchParams(),
    body: { ref: gh.defaultBranch, inputs },
    headers: asApp(gh),
  });
}

const names = (count: number) => Array.from({ length: count }, (_, i) => `input${i + 1}`);

describe('the simulated workflow dispatch', () => {
  it(`starts a run of a workflow declaring ${MAX_DISPATCH_INPUTS} inputs`, () => {
    const gh = new FakeGitHub();
    gh.workflows.add('baton.yml');
    gh.git.commitOn(gh.defaultBranch, {
      '.github/workflows/baton.yml': workflowWith(names(MAX_DISPATCH_INPUTS)),
    });
    expect(dispatch(gh, { input25: 'x' }).status).toBe(204);
  });

  it('refuses an input the workflow does not declare', () => {
    const gh = new FakeGitHub();
    gh.workflows.add('baton.yml');
    gh.git.commitOn(gh.defaultBranch, { '.github/workflows/baton.yml': workflowWith(names(2)) });
    const answer = dispatch(gh, { input3: 'x' });
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.body)).toContain('Unexpected inputs provided');
  });

  it(`refuses any dispatch of a workflow declaring more than ${MAX_DISPATCH_INPUTS} inputs`, () => {
    const gh = new FakeGitHub();
    gh.workflows.add('baton.yml');
    gh.git.commitOn(gh.defaultBranch, {
      '.github/workflows/baton.yml': workflowWith(names(MAX_DISPATCH_INPUTS + 1)),
    });
    const answer = dispatch(gh, { input1: 'x' });
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.body)).toContain("does not have 'workflow_dispatch' trigger");
  });
});
