import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckoutState, warnSourceDrift } from '../../src/github/setup/checkout-state.js';
import { captureLog } from '../support/captured-log.js';
import { fakeCheckout } from '../support/fake-checkout.js';

describe("the app's start-up warning when its code is not its sessions'", () => {
  it('warns when the checkout has moved past its release tag, naming both commits and what to do', () => {
    const checkout = fakeCheckout({ later: 1 });
    const { log, records } = captureLog();
    warnSourceDrift({}, log, checkout.dir);
    const warnings = records().filter((r) => r.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain(`runs commit ${checkout.head.slice(0, 12)}`);
    expect(warnings[0]?.msg).toContain(`v0.2.0 (${checkout.tagged.slice(0, 12)})`);
    expect(warnings[0]?.msg).toContain('git checkout v0.2.0');
  });

  it('says nothing at the release tag, and warns once the tree has changes', () => {
    const checkout = fakeCheckout();
    const quiet = captureLog();
    expect(warnSourceDrift({}, quiet.log, checkout.dir)).toBeNull();
    expect(quiet.records()).toEqual([]);
    writeFileSync(
      join(checkout.dir, 'package.json'),
      '{"version":"0.2.0","repository":"github:baton-dev/baton","edited":true}',
    );
    expect(readCheckoutState(checkout.dir)).toEqual({ head: checkout.tagged, dirty: true });
    expect(warnSourceDrift({}, captureLog().log, checkout.dir)).toMatch(/uncommitted changes/);
  });

  it('says nothing when BATON_SOURCE_REF is the commit the checkout runs', () => {
    const checkout = fakeCheckout({ later: 2 });
    const env = { BATON_SOURCE_REPOSITORY: 'me/baton', BATON_SOURCE_REF: checkout.head };
    expect(warnSourceDrift(env, captureLog().log, checkout.dir)).toBeNull();
  });

  it('asks a clone without tags to fetch the tag from Baton’s repository, or both variables by name', () => {
    const checkout = fakeCheckout({ tagged: false });
    const drift = warnSourceDrift({}, captureLog().log, checkout.dir);
    expect(drift).toMatch(/no tag v0\.2\.0/);
    expect(drift).toContain('git fetch https://github.com/baton-dev/baton.git tag v0.2.0');
    expect(drift).toContain('BATON_SOURCE_REPOSITORY');
    expect(drift).toContain('BATON_SOURCE_REF');
  });

  it('takes the app renamed in app.yml, as the quick start asks, for no change', () => {
    const checkout = fakeCheckout({ files: { 'app.yml': 'name: my-baton\n' } });
    writeFileSync(join(checkout.dir, 'app.yml'), 'name: acme-baton\n');
    expect(readCheckoutState(checkout.dir)).toEqual({ head: checkout.tagged, dirty: false });
    expect(warnSourceDrift({}, captureLog().log, checkout.dir)).toBeNull();
  });
});
