import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { main } from '../../src/cli/setup.js';
import { clearConfigCache } from '../../src/read-config.js';
import { testOctokit } from '../support/app-harness.js';
import { TEST_PRIVATE_KEY as privateKey } from '../support/app-key.js';
import { fakeCheckout } from '../support/fake-checkout.js';
import { mountOnNock } from '../support/mount-nock.js';

const SOURCE = { repository: 'baton-dev/baton', ref: '0123456789abcdef0123456789abcdef01234567' };
const ENV = {
  APP_ID: '1',
  PRIVATE_KEY: privateKey,
  BATON_SOURCE_REPOSITORY: SOURCE.repository,
  BATON_SOURCE_REF: SOURCE.ref,
};

let gh: FakeGitHub;
let cwd: string;
beforeEach(() => {
  nock.disableNetConnect();
  clearConfigCache();
  gh = new FakeGitHub();
  mountOnNock(gh);
  cwd = mkdtempSync(join(tmpdir(), 'baton-setup-'));
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  rmSync(cwd, { recursive: true, force: true });
});

async function setup(args: string[], env: Record<string, string> = ENV) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, env, {
    Octokit: testOctokit(),
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    cwd,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const setupPull = () => [...gh.pulls.values()].find((pull) => pull.title === 'Set up Baton');
const filesOfSetupPull = () => {
  const pull = setupPull();
  return pull ? [...gh.git.filesOf(gh.git.resolve(pull.head) ?? '').keys()] : [];
};

describe('baton setup', () => {
  it('opens the "Set up Baton" pull request with the conductor for a repository with nothing hosted', async () => {
    const { code, out } = await setup(['--repo', gh.fullName, '--serverless']);
    expect(code).toBe(0);
    expect(filesOfSetupPull()).toEqual(
      expect.arrayContaining([
        '.github/workflows/baton.yml',
        '.github/workflows/baton-conductor.yml',
      ]),
    );
    expect(setupPull()?.body).toContain('`BATON_APP_PRIVATE_KEY`');
    expect([...gh.labels.keys()]).toEqual(
      expect.arrayContaining(['orchestrate', 'baton:needs-human']),
    );
    expect(out).toContain(`The "Set up Baton" pull request: `);
    expect(out).toContain(
      `npx baton setup --private-key | gh secret set BATON_APP_PRIVATE_KEY --repo ${gh.fullName}`,
    );
    expect(out).toContain(`gh variable set BATON_APP_ID --body 1 --repo ${gh.fullName}`);
  });

  it('opens it without the conductor for a hosted app, and names BATON_APP_URL', async () => {
    const { code, out } = await setup(['--repo', gh.fullName]);
    expect(code).toBe(0);
    expect(filesOfSetupPull()).not.toContain('.github/workflows/baton-conductor.yml');
    expect(setupPull()?.body).toContain('`BATON_APP_URL`');
    expect(out).toContain('gh variable set BATON_APP_URL');
  });

  it('says where to install the app when it is not installed on the repository', async () => {
    gh.installed = false;
    const { code, err } = await setup(['--repo', gh.fullName, '--serverless']);
    expect(code).toBe(1);
    expect(err).toContain(`the app is not installed on ${gh.fullName}: install it there`);
    expect(gh.pulls.size).toBe(0);
  });

  it('prints the key from .env as a PEM, for gh secret set', async () => {
    const escaped = privateKey.trim().replace(/\n/g, '\\n');
    writeFileSync(join(cwd, '.env'), `APP_ID=1\nPRIVATE_KEY="${escaped}"\n`);
    const { code, out } = await setup(['--private-key'], {});
    expect(code).toBe(0);
    expect(out).toBe(privateKey.trim());
  });

  it('refuses a repository that is not owner/name', async () => {
    expect((await setup(['--repo', 'widgets'])).code).toBe(2);
  });
});

describe("baton setup, when the app's code is not its sessions'", () => {
  it('warns, naming the commit it runs and the release sessions pin, and still opens the pull request', async () => {
    const checkout = fakeCheckout({ later: 1 });
    const out: string[] = [];
    const err: string[] = [];
    const env = {
      APP_ID: '1',
      PRIVATE_KEY: privateKey,
      BATON_SOURCE_REPOSITORY: SOURCE.repository,
    };
    const code = await main(['--repo', gh.fullName], env, {
      Octokit: testOctokit(),
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      cwd,
      checkoutRoot: checkout.dir,
    });
    expect(code).toBe(0);
    expect(err.join('\n')).toContain(
      `baton setup: warning: this app runs commit ${checkout.head.slice(0, 12)}, but its sessions run v0.2.0 (${checkout.tagged.slice(0, 12)})`,
    );
    expect(setupPull()).toBeDefined();
  });
});
