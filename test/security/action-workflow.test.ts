import { execFileSync } from 'node:child_process';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { bumpActionPins } from '../../src/github/setup/ensure-setup-pull.js';
import {
  fingerprintTemplate,
  readShippedVersions,
} from '../../src/github/setup/setup-templates.js';
import { TEMPLATE_REF, templateText, type WorkflowJob } from '../support/workflow-yaml.js';

const SOURCE = { repository: 'baton-dev/baton', ref: TEMPLATE_REF };
const EARLIER = 'fedcba9876543210fedcba9876543210fedcba98';
const WORKFLOW = '.github/workflows/baton.yml';

const workflowAt = (ref: string) => templateText(WORKFLOW, { ref });

const jobs = () =>
  (yaml.load(workflowAt(SOURCE.ref)) as { jobs: { agent: WorkflowJob; publish: WorkflowJob } })
    .jobs;

describe('the session workflow against a hostile worker branch', () => {
  it("runs the setup the default branch has, not the one a worker's branch wrote", () => {
    // The attack: a worker commits .github/actions/baton-setup/action.yml that
    // mints or reads the model key. Running `./.github/actions/baton-setup`
    // would run the worker's file from the dispatched checkout.
    const { agent } = jobs();
    const setup = agent.steps.filter((step) => step.uses?.includes('baton-setup'));
    expect(setup.map((step) => step.uses)).toEqual(['./.baton-setup/.github/actions/baton-setup']);
    const source = agent.steps.find((step) => step.with?.path === '.baton-setup');
    expect(source?.with?.ref).toBe(`\${{ github.event.repository.default_branch }}`);
  });

  it('keeps the model key out of the job and the setup, in the session step only', () => {
    const { agent } = jobs();
    const holders = agent.steps.filter((step) =>
      JSON.stringify(step).includes('ANTHROPIC_API_KEY'),
    );
    expect(holders.map((step) => step.with?.command)).toEqual(['agent']);
    expect(JSON.stringify(agent.env ?? {})).not.toContain('secrets.');
  });

  it('runs a bundle git tracks, so a session runs what was reviewed', () => {
    // Without this, an ignored bundle passes the staleness test locally and is missing from a release.
    expect(() =>
      execFileSync('git', ['ls-files', '--error-unmatch', 'action/dist/baton-session.cjs'], {
        cwd: new URL('../..', import.meta.url),
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('installs nothing and runs no script while publish can mint the write token', () => {
    // The attack: a lifecycle script in the checkout's package.json, run by an
    // `npm install` in publish, trades the OIDC token for the app's token.
    const { publish } = jobs();
    expect(publish.steps.filter((step) => step.run !== undefined)).toEqual([]);
    expect(publish.steps.map((step) => step.uses?.split('@')[0])).toEqual([
      'actions/checkout',
      'actions/download-artifact',
      `${SOURCE.repository}/action`,
    ]);
  });
});

describe("the update PR's pin bump", () => {
  it('never moves a pin of another repository’s action, nor counts its workflow as Baton’s', () => {
    // The attack: a workflow pointed at a lookalike (a fork) is taken for an
    // earlier Baton version and overwritten, or its pin is moved to Baton's.
    const lookalike = workflowAt(EARLIER).replaceAll(
      `uses: ${SOURCE.repository}/action@`,
      'uses: baton-dev/baton-fork/action@',
    );
    expect(readShippedVersions()[WORKFLOW]).not.toContain(fingerprintTemplate(lookalike, SOURCE));
    expect(
      bumpActionPins(lookalike, { current: workflowAt(SOURCE.ref), source: SOURCE }),
    ).toBeNull();
  });

  it('treats the repository name literally (a dot is not any character)', () => {
    const source = { repository: 'baton.dev/baton', ref: SOURCE.ref };
    const current = `    uses: baton.dev/baton/action@${SOURCE.ref} # v0.1.0\n`;
    const spoof = `    uses: batonXdev/baton/action@${EARLIER} # v0.0.9\n`;
    expect(bumpActionPins(spoof, { current, source })).toBeNull();
    expect(bumpActionPins(spoof.replace('batonXdev', 'baton.dev'), { current, source })).toBe(
      current,
    );
  });
});
