import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { SETUP_BRANCH } from '../../src/github/setup/setup-pulls.js';
import { type AppHarness, labeledPayload } from '../support/app-harness.js';
import { statusBody } from '../support/builds.js';
import {
  EARLIER_REF,
  installationPayload,
  mergeSetupWithoutFixSkill,
  rendered,
  SOURCE,
  setupPulls,
  startOnboardingEachTest,
} from '../support/onboarding.js';

const LATER_REF = '89abcdef0123456789abcdef0123456789abcdef';

describe('a "Set up Baton" pull request closed without merging', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let app: AppHarness;

  function closeSetupPull(): void {
    const [pull] = setupPulls(gh);
    if (!pull) throw new Error('no setup pull request');
    Object.assign(pull, { state: 'closed', closedAt: now() });
  }

  /** An issue labelled for a build by `sender`, as GitHub's timeline records it. */
  function labelIssue(sender: string, issue?: number): number {
    const number = issue ?? gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    const simIssue = gh.issues.get(number);
    if (simIssue)
      simIssue.labelEvents = [
        ...(simIssue.labelEvents ?? []),
        { label: 'orchestrate', actor: sender, at: now() },
      ];
    return number;
  }

  function openSetupPulls() {
    return setupPulls(gh).filter((pull) => pull.state === 'open');
  }

  const restart = startOnboardingEachTest((started) => ({ gh, app, now } = started), {
    ref: SOURCE.ref,
    maintainer: true,
  });
  beforeEach(async () => {
    await app.deliver('installation', installationPayload(gh, 'installation'));
    expect(openSetupPulls()).toHaveLength(1);
  });

  it('is not opened again after the app restarts, nor after a deploy of a new commit', async () => {
    closeSetupPull();
    const branch = gh.git.resolve(SETUP_BRANCH);

    await restart(SOURCE.ref, { resync: true });
    await restart(LATER_REF, { resync: true });

    expect(app.errors).toEqual([]);
    expect(openSetupPulls()).toEqual([]);
    expect(setupPulls(gh)).toHaveLength(1);
    expect(gh.git.resolve(SETUP_BRANCH)).toBe(branch);
  });

  it('is not opened again by a build labelled before the "no"', async () => {
    const issue = labelIssue('maintainer');
    closeSetupPull();
    await app.deliver('issues', labeledPayload(gh, { issue }));

    expect(app.errors).toEqual([]);
    expect(openSetupPulls()).toEqual([]);
    expect(gh.runs).toEqual([]);
    const body = statusBody(gh, `${issue}-add-oauth-login`) ?? '';
    expect(body).toContain('.github/workflows/baton.yml');
    expect(body).not.toContain('/pull/');
  });

  it('is asked again by a maintainer labelling an issue after the "no": the status links the new one', async () => {
    closeSetupPull();
    const issue = labelIssue('maintainer');
    await app.deliver('issues', labeledPayload(gh, { issue }));

    expect(app.errors).toEqual([]);
    const [opened] = openSetupPulls();
    expect(opened).toBeDefined();
    expect(setupPulls(gh)).toHaveLength(2);
    expect(statusBody(gh, `${issue}-add-oauth-login`)).toContain(`/pull/${opened?.number}`);
  });

  it('is asked again by installing the app again: one new pull request opens', async () => {
    closeSetupPull();
    await restart(SOURCE.ref, { resync: true });
    await app.deliver('installation', installationPayload(gh, 'installation'));

    expect(openSetupPulls()).toHaveLength(1);
    expect(setupPulls(gh)).toHaveLength(2);
  });

  it('stays answered by the newest one: once the one opened on asking again is merged, updates are offered', async () => {
    closeSetupPull();
    await app.deliver('installation', installationPayload(gh, 'installation'));
    const [, second] = setupPulls(gh);
    mergeSetupWithoutFixSkill(gh, SOURCE.ref, 'Set up Baton (#2)');
    if (second) Object.assign(second, { state: 'closed', mergedAt: now() });
    await restart(LATER_REF, { resync: true });

    expect(app.errors).toEqual([]);
    expect(openSetupPulls()).toHaveLength(1);
    expect(setupPulls(gh)).toHaveLength(3);
  });

  it('is asked again by adding the repository to the installation again', async () => {
    closeSetupPull();
    await app.deliver(
      'installation_repositories',
      installationPayload(gh, 'installation_repositories'),
    );

    expect(openSetupPulls()).toHaveLength(1);
  });

  it('is asked again by reopening it: the next pass brings it up to date, and no other opens', async () => {
    closeSetupPull();
    await restart(LATER_REF, { resync: true });
    const [pull] = setupPulls(gh);
    if (pull) pull.state = 'open'; // A person reopens it.
    await restart(LATER_REF, { resync: true });

    expect(setupPulls(gh)).toHaveLength(1);
    expect(openSetupPulls()).toHaveLength(1);
    const workflow = gh.git
      .filesOf(gh.git.resolve(SETUP_BRANCH) ?? '')
      .get('.github/workflows/baton.yml');
    expect(workflow).toContain(`/action@${LATER_REF}`);
  });
});

describe('update pull requests', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  const restart = startOnboardingEachTest((started) => ({ gh, app } = started));

  it('opens none after a deploy when only the pinned commit differs', async () => {
    gh.git.commitOn('main', rendered(EARLIER_REF), 'Set up Baton (#1)');
    await restart(SOURCE.ref, { resync: true });
    await restart(LATER_REF, { resync: true });

    expect(app.errors).toEqual([]);
    expect(setupPulls(gh)).toEqual([]);
    expect(gh.git.resolve(SETUP_BRANCH)).toBeNull();
  });

  it('opens one when a file differs, and keeps it the only one across restarts', async () => {
    mergeSetupWithoutFixSkill(gh, EARLIER_REF, 'Set up Baton (#1)');
    await restart(SOURCE.ref, { resync: true });
    await restart(SOURCE.ref, { resync: true });
    await restart(LATER_REF, { resync: true });

    expect(app.errors).toEqual([]);
    expect(setupPulls(gh)).toHaveLength(1);
    expect(setupPulls(gh)[0]?.state).toBe('open');
  });

  it('opens none after a closed update until asked again', async () => {
    mergeSetupWithoutFixSkill(gh, EARLIER_REF, 'Set up Baton (#1)');
    await restart(SOURCE.ref, { resync: true });
    const [update] = setupPulls(gh);
    if (update) update.state = 'closed';
    await restart(LATER_REF, { resync: true });

    expect(setupPulls(gh).filter((pull) => pull.state === 'open')).toEqual([]);
  });
});
