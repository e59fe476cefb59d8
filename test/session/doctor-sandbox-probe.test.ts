import { afterAll, describe, expect, it } from 'vitest';
import { probeSandbox } from '../../src/session/doctor/sandbox-probe.js';
import { describeAsRoot, removeUser, throwawayUser } from '../security/confine-fixtures.js';

describe('the doctor’s sandbox probe without a tools user', () => {
  it('answers yes only where session.network is open (the commands then run unconfined)', async () => {
    expect(await probeSandbox({ user: undefined, networkOpen: true })).toMatchObject({
      answer: 'yes',
      detail: expect.stringContaining('run unconfined'),
    });
    expect(await probeSandbox({ user: undefined, networkOpen: false })).toMatchObject({
      answer: 'no',
      detail: expect.stringContaining('sets no BATON_TOOL_USER'),
    });
  });
});

const USER = throwawayUser('d');
afterAll(() => removeUser(USER));

describeAsRoot('the doctor’s sandbox probe on this machine', () => {
  it('opens the sandbox and finds a run there the tools user with no capability', async () => {
    expect(await probeSandbox({ user: USER, networkOpen: false })).toEqual({
      answer: 'yes',
      detail: expect.stringMatching(
        new RegExp(`^a run is ${USER} \\(uid \\d+\\) with no capability`),
      ),
    });
  });
});
