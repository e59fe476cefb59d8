import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { SETUP_BRANCH } from '../../src/github/setup/setup-pulls.js';
import type { AppHarness } from '../support/app-harness.js';
import {
  EARLIER_REF,
  installationPayload,
  mergeSetupWithoutFixSkill,
  SOURCE,
  setupPulls,
  startOnboardingEachTest,
} from '../support/onboarding.js';

/**
 * Anyone who can open a pull request can open one from the repository's
 * existing `baton/setup` branch. Such a pull request is not Baton's: closing it
 * must not stand for the repository's "no", and Baton must not take an open
 * one for its own (committing to it, rewriting its body).
 */
describe('a setup pull request opened by someone else', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let app: AppHarness;

  /** Baton's first setup PR, merged with its branch kept (so `baton/setup` exists). */
  async function mergedSetupWithBranchKept(): Promise<void> {
    await app.deliver('installation', installationPayload(gh, 'installation'));
    const [ours] = setupPulls(gh);
    mergeSetupWithoutFixSkill(gh, EARLIER_REF, 'Set up Baton (#1)');
    if (ours) Object.assign(ours, { state: 'closed', mergedAt: now() });
  }

  const restart = startOnboardingEachTest((started) => ({ gh, app, now } = started), {
    ref: SOURCE.ref,
  });

  it('closed without merging, does not stop Baton offering its update', async () => {
    await mergedSetupWithBranchKept();
    const theirs = gh.openPull({
      title: 'Set up Baton',
      body: 'not really',
      head: SETUP_BRANCH,
      base: 'main',
      user: 'mallory',
    });
    theirs.state = 'closed';
    // A pass that is not an explicit ask: the one after the app starts.
    await restart(SOURCE.ref, { resync: true });

    expect(app.errors).toEqual([]);
    const open = setupPulls(gh).filter((pull) => pull.state === 'open');
    expect(open.map((pull) => pull.user.login)).toEqual([gh.botLogin]);
  });

  it('open, is not taken for Baton’s: its body stays, and Baton opens its own', async () => {
    await mergedSetupWithBranchKept();
    gh.git.commitOn('dev', { 'README.md': '# widgets on dev\n' });
    const theirs = gh.openPull({
      title: 'Set up Baton',
      body: 'Merge me, I am Baton.',
      head: SETUP_BRANCH,
      base: 'dev',
      user: 'mallory',
    });
    await app.deliver('installation', installationPayload(gh, 'installation'));

    expect(app.errors).toEqual([]);
    expect(theirs.body).toBe('Merge me, I am Baton.');
    const ours = setupPulls(gh).filter(
      (pull) => pull.state === 'open' && pull.user.login === gh.botLogin,
    );
    expect(ours).toHaveLength(1);
    expect(ours[0]?.base).toBe('main');
  });
});
