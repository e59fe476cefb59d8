import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { ensureSetupPull } from '../../src/github/setup/ensure-setup-pull.js';
import { SETUP_BRANCH } from '../../src/github/setup/setup-pulls.js';
import { fingerprintTemplate, loadSetupTemplates } from '../../src/github/setup/setup-templates.js';
import { packageVersion } from '../../src/templates.js';
import { type AppHarness, deliverLabelledIssue, startApp } from '../support/app-harness.js';
import { statusBody } from '../support/builds.js';
import {
  EARLIER_REF,
  FIX_SKILL,
  filesOn,
  installationPayload,
  mergeSetupWithoutFixSkill,
  parentsOf,
  rendered,
  SOURCE,
  setupPulls,
  startOnboardingEachTest,
  WORKER_SKILL,
} from '../support/onboarding.js';
import { knownRestRoutes } from '../support/rest-routes.js';

describe('onboarding', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let app: AppHarness;

  const restartWith = startOnboardingEachTest((started) => ({ gh, app, now } = started), {
    ref: SOURCE.ref,
    maintainer: true,
  });

  it('opens one "Set up Baton" pull request with every template in a fresh repository', async () => {
    await app.deliver('installation', installationPayload(gh, 'installation'));

    expect(app.errors).toEqual([]);
    const [pull, ...others] = setupPulls(gh);
    expect(others).toEqual([]);
    expect(pull).toMatchObject({ title: 'Set up Baton', base: 'main', state: 'open' });
    const files = filesOn(gh, SETUP_BRANCH);
    for (const [path, content] of Object.entries(rendered())) expect(files.get(path)).toBe(content);
    expect(files.get('README.md')).toBe('# widgets\n');
    expect(parentsOf(gh, SETUP_BRANCH)).toEqual([gh.git.resolve('main')]);
    expect(pull?.body).toMatchInlineSnapshot(`
      "Baton runs its sessions in this repository's GitHub Actions. This pull request adds what they need; nothing runs until it is merged.

      | File | What it is | Change |
      | --- | --- | --- |
      | \`.github/workflows/baton.yml\` | The session workflow. Every plan, work, review and fix session runs through it in this repository's GitHub Actions, with this repository's own secret. | added |
      | \`.github/baton.yml\` | Baton's settings for this repository: every key listed at its default, commented out. | added |
      | \`.baton/skills/plan.md\` | How a plan session breaks an issue into workers and writes their briefs. | added |
      | \`.baton/skills/worker.md\` | How a work session carries out one brief and reports back. | added |
      | \`.baton/skills/review.md\` | How a review session reviews a worker's pull request. | added |
      | \`.baton/skills/fix.md\` | How a fix session answers a review on its pull request. | added |
      | \`.baton/skills/research.md\` | How an improvement loop (\`/improve\`) studies the repository and writes what is worth doing next. | added |
      | \`.baton/skills/summary.md\` | How an improvement loop's summary says what changed, what was learned and what is left. | added |
      | \`.baton/skills/research-work.md\` | How a research worker investigates one question and writes its findings (sources, confidence). | added |
      | \`.baton/skills/research-review.md\` | How a review session checks a research worker's evidence. | added |
      | \`.baton/skills/synthesis.md\` | How a synthesis session writes a research build's report. | added |
      | \`.baton/skills/content-work.md\` | How a content worker writes the documents its plan entry names. | added |
      | \`.baton/skills/content-review.md\` | How a review session checks documents against the brief and the repository's style guide. | added |
      | \`.github/actions/baton-setup/action.yml\` | Your project's own setup for sessions (toolchain, services, dependency cache), run before the model's first turn. Yours: Baton adds it once and never changes it. | added |

      The workflow runs Baton's session action from \`baton-dev/baton\` at commit \`0123456789abcdef0123456789abcdef01234567\`.

      ### Next steps

      1. Add the repository secret \`ANTHROPIC_API_KEY\` (Settings → Secrets and variables → Actions → Secrets). Sessions use it; the Baton app never sees it.
      2. Set the repository variable \`BATON_APP_URL\` (same page → Variables) to the Baton app's public URL: where its webhooks go, without \`/api/github/webhooks\`. A session's publish job gets its token there.
      3. Merge this pull request.
      4. Label an issue \`orchestrate\` (or the label your \`.github/baton.yml\` sets). Baton answers with a plan.

      If steps 1 and 2 are done already, merging is all this pull request needs."
    `);
  });

  it('calls only REST routes that GitHub publishes', async () => {
    await app.deliver('installation', installationPayload(gh, 'installation'));
    expect(gh.callsOutside(await knownRestRoutes())).toEqual([]);
    expect(gh.log.filter((entry) => entry.status === 501)).toEqual([]);
  });

  it('onboards a repository added to an existing installation', async () => {
    await app.deliver(
      'installation_repositories',
      installationPayload(gh, 'installation_repositories'),
    );
    expect(setupPulls(gh)).toHaveLength(1);
  });

  it('still opens one pull request, with one commit, when the event is delivered twice', async () => {
    const payload = installationPayload(gh, 'installation');
    await app.deliver('installation', payload);
    const head = gh.git.resolve(SETUP_BRANCH);
    await app.deliver('installation', payload);

    expect(setupPulls(gh)).toHaveLength(1);
    expect(gh.git.resolve(SETUP_BRANCH)).toBe(head);
    expect(gh.log.filter((entry) => entry.method === 'PATCH')).toEqual([]);
  });

  it('opens one pull request when two app processes get the event at once', async () => {
    const other = await startApp({ gh, now });
    try {
      const payload = installationPayload(gh, 'installation');
      await Promise.all([
        app.deliver('installation', payload),
        other.deliver('installation', payload),
      ]);
      expect([...app.errors, ...other.errors]).toEqual([]);
      expect(setupPulls(gh)).toHaveLength(1);
    } finally {
      other.stop();
    }
  });

  it('keeps a customised skill and lists it in the pull request', async () => {
    const ours = '# How we work here\nOur own rules.\n';
    gh.git.commitOn('main', { [WORKER_SKILL]: ours }, 'Our worker skill');
    await app.deliver('installation', installationPayload(gh, 'installation'));

    const [pull] = setupPulls(gh);
    expect(filesOn(gh, SETUP_BRANCH).get(WORKER_SKILL)).toBe(ours);
    expect(filesOn(gh, SETUP_BRANCH).get('.baton/skills/plan.md')).toBe(
      rendered()['.baton/skills/plan.md'],
    );
    const [table = '', leftAlone = ''] = (pull?.body ?? '').split('### Left alone');
    expect(table).not.toContain(WORKER_SKILL);
    expect(leftAlone).toContain(`\`${WORKER_SKILL}\``);
  });

  it.each([
    ['already has every file at the current version', {}],
    ['has every file, one of them customised', { [WORKER_SKILL]: '# Ours\n' }],
  ])('opens nothing in a repository that %s', async (_, extra) => {
    gh.git.commitOn('main', { ...rendered(), ...extra }, 'Set up Baton');
    await app.deliver('installation', installationPayload(gh, 'installation'));

    expect(app.errors).toEqual([]);
    expect(setupPulls(gh)).toEqual([]);
    expect(gh.git.resolve(SETUP_BRANCH)).toBeNull();
  });

  it("opens nothing when the workflow differs from Baton's only by its pinned commit", async () => {
    gh.git.commitOn('main', rendered(EARLIER_REF), 'Set up Baton');
    await app.deliver('installation', installationPayload(gh, 'installation'));

    expect(app.errors).toEqual([]);
    expect(setupPulls(gh)).toEqual([]);
    expect(gh.git.resolve(SETUP_BRANCH)).toBeNull();
  });

  it('moves the pin forward when a real change opens an update, and touches nothing else', async () => {
    mergeSetupWithoutFixSkill(gh, EARLIER_REF, 'Set up Baton');
    const before = filesOn(gh, 'main');
    await app.deliver('installation', installationPayload(gh, 'installation'));

    const [pull] = setupPulls(gh);
    const files = filesOn(gh, SETUP_BRANCH);
    const changed = [...files].filter(([path, content]) => before.get(path) !== content);
    // The settings' file moves too: its first line names the schema at the pinned commit.
    expect(changed.map(([path]) => path).sort()).toEqual(
      ['.github/workflows/baton.yml', '.github/baton.yml', FIX_SKILL].sort(),
    );
    expect(files.get('.github/workflows/baton.yml')).toContain(`/action@${SOURCE.ref}`);
    expect(files.get('.github/baton.yml')?.split('\n')[0]).toContain(`/${SOURCE.ref}/schema/`);
    expect(pull?.body).toContain("| updated to Baton's current version |");
    expect(pull?.body).toContain('| added |');
  });

  it('bumps only the action pin of a workflow the user has edited, for a new release', async () => {
    const earlier = rendered(EARLIER_REF, 'v0.0.9');
    const workflow = (earlier['.github/workflows/baton.yml'] ?? '')
      .replace(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow's own expression, as text
        "timeout-minutes: ${{ fromJSON(inputs.timeout || '65') }}",
        'timeout-minutes: 90 # ours',
      )
      .replace(
        `      BATON_TRIGGER: \${{ inputs.trigger }}\n`,
        `      BATON_TRIGGER: \${{ inputs.trigger }}\n      OUR_FLAG: on\n`,
      );
    gh.git.commitOn('main', { ...earlier, '.github/workflows/baton.yml': workflow }, 'Ours');
    await app.deliver('installation', installationPayload(gh, 'installation'));

    const [pull] = setupPulls(gh);
    const after = filesOn(gh, SETUP_BRANCH).get('.github/workflows/baton.yml') ?? '';
    const lines = (text: string) => text.split('\n');
    const changed = lines(after).filter((line, i) => line !== lines(workflow)[i]);
    expect(lines(after)).toHaveLength(lines(workflow).length);
    // A change set's views job's, the agent job's session step, the publish job's, and the
    // review's two jobs' after them.
    expect(changed).toEqual(
      Array(5).fill(
        `        uses: ${SOURCE.repository}/action@${SOURCE.ref} # ${packageVersion()}`,
      ),
    );
    expect(after).toContain('timeout-minutes: 90 # ours');
    expect(after).toContain('OUR_FLAG: on');
    expect(pull?.body).toContain("| Baton's action pin updated; every other line kept |");
  });

  it('names a customised workflow it cannot bump, with the line to change', async () => {
    const old = (rendered()['.github/workflows/baton.yml'] ?? '').replace(
      /uses: \S+\/action@.*/g,
      'run: npx our-own-baton-wrapper',
    );
    const { '.github/actions/baton-setup/action.yml': _setup, ...installed } = rendered();
    gh.git.commitOn('main', { ...installed, '.github/workflows/baton.yml': old }, 'Ours');
    await app.deliver('installation', installationPayload(gh, 'installation'));

    const [pull] = setupPulls(gh);
    expect(filesOn(gh, SETUP_BRANCH).get('.github/workflows/baton.yml')).toBe(old);
    expect(pull?.body).toContain('### Left alone');
    expect(pull?.body).toContain(
      `should read \`uses: ${SOURCE.repository}/action@${SOURCE.ref} # ${packageVersion()}\``,
    );
  });

  it('installs the setup action once and never touches the repository’s own', async () => {
    const ours = 'name: ours\nruns:\n  using: composite\n  steps: []\n';
    gh.git.commitOn('main', { '.github/actions/baton-setup/action.yml': ours }, 'Our setup');
    await app.deliver('installation', installationPayload(gh, 'installation'));

    const [pull] = setupPulls(gh);
    expect(filesOn(gh, SETUP_BRANCH).get('.github/actions/baton-setup/action.yml')).toBe(ours);
    expect(pull?.body).not.toContain('baton-setup');
  });

  it('brings an open setup pull request up to date with a new commit on its branch', async () => {
    await restartWith(EARLIER_REF);
    await app.deliver('installation', installationPayload(gh, 'installation'));
    const earlierHead = gh.git.resolve(SETUP_BRANCH);
    await restartWith(SOURCE.ref);
    await app.deliver('installation', installationPayload(gh, 'installation'));

    expect(setupPulls(gh)).toHaveLength(1);
    expect(parentsOf(gh, SETUP_BRANCH)).toEqual([earlierHead]);
    expect(filesOn(gh, SETUP_BRANCH).get('.github/workflows/baton.yml')).toContain(
      `/action@${SOURCE.ref}`,
    );
    expect(setupPulls(gh)[0]?.body).toContain(SOURCE.ref);
  });

  it('keeps what a person changed in the open setup pull request when bringing it up to date', async () => {
    await restartWith(EARLIER_REF);
    await app.deliver('installation', installationPayload(gh, 'installation'));
    const edited = '# Worker\nOur tweak, made in the setup pull request.\n';
    const personsHead = gh.git.commitOn(SETUP_BRANCH, { [WORKER_SKILL]: edited }, 'Tweak');
    await restartWith(SOURCE.ref);
    await app.deliver('installation', installationPayload(gh, 'installation'));

    expect(parentsOf(gh, SETUP_BRANCH)).toEqual([personsHead]);
    const files = filesOn(gh, SETUP_BRANCH);
    expect(files.get(WORKER_SKILL)).toBe(edited);
    expect(files.get('.github/workflows/baton.yml')).toContain(`/action@${SOURCE.ref}`);
  });

  it('opens a new pull request from the current default branch when the app is installed again after a "no"', async () => {
    await app.deliver('installation', installationPayload(gh, 'installation'));
    const first = setupPulls(gh)[0];
    if (first) first.state = 'closed';
    gh.git.commitOn('main', { 'README.md': '# widgets, moved on\n' });
    await app.deliver('installation', installationPayload(gh, 'installation'));

    const open = setupPulls(gh).filter((pull) => pull.state === 'open');
    expect(open).toHaveLength(1);
    expect(open[0]?.number).not.toBe(first?.number);
    expect(parentsOf(gh, SETUP_BRANCH)).toEqual([gh.git.resolve('main')]);
  });

  it('offers an update after the setup pull request was merged and its branch kept', async () => {
    await restartWith(EARLIER_REF);
    await app.deliver('installation', installationPayload(gh, 'installation'));
    const first = setupPulls(gh)[0];
    // A squash merge: the files land on main in a new commit; the branch stays.
    // The merged version predates the fix skill, which the current release adds.
    mergeSetupWithoutFixSkill(gh, EARLIER_REF, 'Set up Baton (#1)');
    if (first) Object.assign(first, { state: 'closed', mergedAt: now() });
    await restartWith(SOURCE.ref);
    await app.deliver('installation', installationPayload(gh, 'installation'));

    const open = setupPulls(gh).filter((pull) => pull.state === 'open');
    expect(open).toHaveLength(1);
    expect(parentsOf(gh, SETUP_BRANCH)).toEqual([gh.git.resolve('main')]);
    const main = filesOn(gh, 'main');
    const changed = [...filesOn(gh, SETUP_BRANCH)].filter(
      ([path, text]) => main.get(path) !== text,
    );
    expect(changed.map(([path]) => path).sort()).toEqual(
      ['.github/workflows/baton.yml', '.github/baton.yml', FIX_SKILL].sort(),
    );
  });

  it('updates a skill that is an earlier shipped version', async () => {
    const earlier = '# Worker\nAn earlier text Baton shipped.\n';
    gh.git.commitOn('main', { ...rendered(), [WORKER_SKILL]: earlier }, 'Set up Baton');
    const templates = loadSetupTemplates(SOURCE);
    const shipped = {
      ...templates.shipped,
      [WORKER_SKILL]: [
        fingerprintTemplate(earlier, SOURCE),
        ...(templates.shipped[WORKER_SKILL] ?? []),
      ],
    };
    const ctx = {
      octokit: await app.probot.auth(1),
      owner: gh.owner,
      repo: gh.repo,
      botLogin: gh.botLogin,
    };

    const pull = await ensureSetupPull(ctx, {
      defaultBranch: 'main',
      templates: { ...templates, shipped },
    });

    expect(pull).toEqual({ number: 1, url: `${gh.htmlUrl}/pull/1` });
    expect(filesOn(gh, SETUP_BRANCH).get(WORKER_SKILL)).toBe(rendered()[WORKER_SKILL]);
  });

  it('links the setup pull request from the status of a build that cannot start', async () => {
    await deliverLabelledIssue(app, gh);

    expect(app.errors).toEqual([]);
    const [pull] = setupPulls(gh);
    expect(pull).toBeDefined();
    expect(gh.runs).toEqual([]);
    expect(statusBody(gh, '1-add-oauth-login')).toContain(
      `Merge [#${pull?.number}](${gh.htmlUrl}/pull/${pull?.number}), which adds it.`,
    );
  });
});
