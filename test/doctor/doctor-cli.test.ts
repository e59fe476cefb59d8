import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { SIM_APP_CLIENT_ID } from '../../sim/github/github-state.js';
import { main } from '../../src/doctor/doctor-cli.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import { clearConfigCache } from '../../src/read-config.js';
import { renderTemplates } from '../../src/templates.js';
import { TEST_PRIVATE_KEY as privateKey } from '../support/app-key.js';
import { mountOnNock } from '../support/mount-nock.js';
import { knownRestRoutes } from '../support/rest-routes.js';
import { templateText } from '../support/workflow-yaml.js';

const APP_URL = 'https://baton.example.com';
const WORKFLOW = '.github/workflows/baton.yml';

/** Retries and throttling off, as the app tests have them. */
const TestOctokit = BatonOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));

interface World {
  gh: FakeGitHub;
  source: FakeGitHub;
  pin: string;
  env: Record<string, string>;
}

let world: World;
let cwd: string;

/** The repository with Baton set up and the variable set, and Baton's source holding the pin. */
function healthyWorld(): World {
  const source = new FakeGitHub({ owner: 'baton-dev', repo: 'baton' });
  const pin = source.git.commitOn('main', { 'action/action.yml': 'name: Baton\n' }, 'Release');
  const gh = new FakeGitHub();
  const files = renderTemplates({ batonRepository: 'baton-dev/baton', batonRef: pin });
  gh.git.commitOn(
    gh.defaultBranch,
    Object.fromEntries(files.map((file) => [file.path, file.content])),
    'Set up Baton',
  );
  gh.variables.set('BATON_APP_URL', APP_URL);
  const env = {
    APP_ID: '1',
    PRIVATE_KEY: privateKey,
    BATON_SOURCE_REPOSITORY: 'baton-dev/baton',
    BATON_SOURCE_REF: pin,
    BATON_APP_URL: APP_URL,
  };
  return { gh, source, pin, env };
}

async function doctor(
  args: string[] = ['--repo', 'octo-org/widgets', '--no-session'],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, world.env, {
    Octokit: TestOctokit,
    out: (text) => {
      out += `${text}\n`;
    },
    err: (text) => {
      err += `${text}\n`;
    },
    cwd,
  });
  return { code, out, err };
}

function failures(out: string): string[] {
  return out.split('\n').filter((line) => line.startsWith('FAIL'));
}

beforeEach(() => {
  nock.disableNetConnect();
  clearConfigCache();
  cwd = mkdtempSync(join(tmpdir(), 'baton-doctor-'));
  world = healthyWorld();
  mountOnNock((path) => (path.startsWith('/repos/baton-dev/baton/') ? world.source : world.gh));
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  rmSync(cwd, { recursive: true, force: true });
});

describe('baton doctor', () => {
  it('passes every check on a healthy installation and exits 0', async () => {
    const { code, out } = await doctor();
    expect(failures(out)).toEqual([]);
    expect(verdicts(out)).toEqual(passed(...INSTALLATION_CHECKS, 'pin', 'config', 'app-url'));
    expect(code).toBe(0);
  });

  it('asks GitHub only through routes in its published description', async () => {
    await doctor();
    const known = await knownRestRoutes();
    const routes = [...world.gh.log, ...world.source.log].map((entry) => entry.route);
    expect(routes.filter((route) => !known.has(route))).toEqual([]);
  });

  it('prints the checks as JSON for scripts', async () => {
    const { code, out } = await doctor(['--repo', 'octo-org/widgets', '--json', '--no-session']);
    const parsed = JSON.parse(out) as { ok: boolean; checks: { id: string; ok: boolean }[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.checks.map((check) => check.id)).toContain('pin');
    expect(code).toBe(0);
  });

  it('reads the credentials from .env in the current folder, under the environment', async () => {
    const { APP_ID, PRIVATE_KEY, ...rest } = world.env;
    writeFileSync(join(cwd, '.env'), `APP_ID=${APP_ID}\nPRIVATE_KEY="${PRIVATE_KEY}"\n`);
    world.env = rest;
    const { code, out } = await doctor();
    expect(failures(out)).toEqual([]);
    expect(code).toBe(0);
  });

  it('refuses to start without credentials, saying which to set', async () => {
    world.env = {};
    const { code, err } = await doctor();
    expect(code).toBe(2);
    expect(err).toContain('APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are not set');
  });

  it('refuses a --repo that is not owner/name', async () => {
    const { code, err } = await doctor(['--repo', 'widgets']);
    expect(code).toBe(2);
    expect(err).toContain('--repo must be owner/name, not "widgets"');
  });

  it.each<[string, (w: World) => void, RegExp]>([
    [
      'the app is not installed on the repository',
      (w) => {
        w.gh.installed = false;
      },
      /^FAIL installed: the app is not installed on octo-org\/widgets → install it: https:\/\/github.com\/apps\/baton\/installations\/new$/m,
    ],
    [
      'a permission is not granted',
      (w) => {
        delete w.gh.installationGrants.permissions.workflows;
        w.gh.installationGrants.permissions.checks = 'read';
      },
      /^FAIL permissions: the installation lacks checks: write, workflows: write → accept the app's requested permissions and events at https:\/\/github.com\/organizations\/octo-org\/settings\/installations\/1/m,
    ],
    [
      'an event is not delivered',
      (w) => {
        w.gh.installationGrants.events = w.gh.installationGrants.events.filter(
          (event) => event !== 'workflow_run',
        );
      },
      /^FAIL events: the installation does not deliver workflow_run → accept .* at https:\/\/github.com\/organizations\/octo-org\/settings\/installations\/1/m,
    ],
    [
      'the session workflow is missing',
      (w) => {
        w.gh.git.commitOn(w.gh.defaultBranch, { [WORKFLOW]: null });
      },
      /^FAIL workflow: \.github\/workflows\/baton\.yml is not on the default branch → merge the "Set up Baton" pull request/m,
    ],
    [
      'a customised workflow does not pin the action',
      (w) => {
        w.gh.git.commitOn(w.gh.defaultBranch, {
          [WORKFLOW]: 'name: Baton\non: workflow_dispatch\njobs: {}\n',
        });
      },
      /^FAIL workflow: .* is customised and its steps do not pin baton-dev\/baton\/action@<sha> # <version> → make its two session steps read/m,
    ],
    [
      'the pinned commit is unknown to the source (a local commit)',
      (w) => {
        const workflow = templateText(WORKFLOW, { ref: 'f'.repeat(40) });
        w.gh.git.commitOn(w.gh.defaultBranch, { [WORKFLOW]: workflow });
      },
      /^FAIL pin: the workflow pins f{40}, which baton-dev\/baton does not have: every session would fail to fetch the action → merge Baton's "Set up Baton" update pull request, or set the pin to [0-9a-f]{40}; a commit only on the app's machine must be pushed to baton-dev\/baton first$/m,
    ],
    [
      'the pin is all zeros',
      (w) => {
        const workflow = templateText(WORKFLOW, { ref: '0'.repeat(40) });
        w.gh.git.commitOn(w.gh.defaultBranch, { [WORKFLOW]: workflow });
      },
      /^FAIL pin: the workflow pins the all-zero commit, which no runner can fetch → set BATON_SOURCE_REF on the app/m,
    ],
    [
      '.github/baton.yml does not parse',
      (w) => {
        w.gh.git.commitOn(w.gh.defaultBranch, {
          '.github/baton.yml': 'label: orchestrate\nmaxParallel: many\n',
        });
      },
      /^FAIL config: \.github\/baton\.yml:2: maxParallel .* → correct \.github\/baton\.yml on the default branch/m,
    ],
    [
      'the variable BATON_APP_URL is missing',
      (w) => {
        w.gh.variables.delete('BATON_APP_URL');
      },
      /^FAIL app-url: the repository variable BATON_APP_URL is not set: sessions cannot get a token → set it in Settings → Secrets and variables → Actions → Variables to https:\/\/baton\.example\.com$/m,
    ],
    [
      'the variable BATON_APP_URL names another app',
      (w) => {
        w.gh.variables.set('BATON_APP_URL', 'https://old.example.com');
      },
      /^FAIL app-url: the repository variable BATON_APP_URL is https:\/\/old\.example\.com, the app's is https:\/\/baton\.example\.com → set it in .* to https:\/\/baton\.example\.com$/m,
    ],
    [
      "the app's URL is one runners cannot reach",
      (w) => {
        w.env.BATON_APP_URL = 'http://localhost:3000';
        w.gh.variables.set('BATON_APP_URL', 'http://localhost:3000');
      },
      /^FAIL app-url: BATON_APP_URL is http:\/\/localhost:3000, which GitHub's runners cannot reach/m,
    ],
    [
      'the installation may not read variables (actions_variables not accepted)',
      (w) => {
        delete w.gh.installationGrants.permissions.actions_variables;
      },
      /^FAIL app-url: could not read the repository variable BATON_APP_URL → check it is set/m,
    ],
  ])('fails when %s, and names the fix', async (_, breakIt, expected) => {
    breakIt(world);
    const { code, out } = await doctor();
    expect(out).toMatch(expected);
    expect(code).toBe(1);
  });

  it('does not dispatch the doctor session while a check fails, and says so', async () => {
    world.gh.variables.delete('BATON_APP_URL');
    const { code, out } = await doctor(['--repo', 'octo-org/widgets']);
    expect(out).toMatch(
      /^FAIL session: the doctor session was not dispatched: fix the checks above first → run the doctor again once they pass$/m,
    );
    expect(world.gh.runs).toEqual([]);
    expect(code).toBe(1);
  });

  it('stops at the credentials when GitHub refuses them, naming the variables', async () => {
    world.gh.faults.push({
      route: 'GET /app',
      response: { status: 401, body: { message: 'A JSON web token could not be decoded' } },
    });
    const { code, out } = await doctor();
    expect(out.trim()).toMatch(
      /^FAIL auth: GitHub refused the app's credentials \(.*\) → check APP_ID and PRIVATE_KEY \(or PRIVATE_KEY_PATH\)/,
    );
    expect(code).toBe(1);
  });

  it.each([
    [
      'ENOTFOUND',
      'getaddrinfo ENOTFOUND api.github.com',
      /^FAIL auth: cannot reach GitHub \(DNS: getaddrinfo ENOTFOUND api\.github\.com\) → check the host name and the DNS/,
    ],
    [
      'ECONNREFUSED',
      'connect ECONNREFUSED 127.0.0.1:443',
      /^FAIL auth: cannot reach GitHub \(TCP: connect ECONNREFUSED/,
    ],
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'self-signed certificate',
      /^FAIL auth: cannot reach GitHub \(TLS: self-signed certificate\) → check the certificate/,
    ],
    [
      // fetch's refusal to send to a blocked port (GHE_HOST at :9): no code, never sent.
      undefined,
      'bad port',
      /^FAIL auth: cannot reach GitHub \(blocked port: bad port\) → check the port in the URL/,
    ],
  ])(
    'says GitHub cannot be reached (%s), not that it refused the credentials',
    async (code, message, expected) => {
      nock.cleanAll();
      nock('https://api.github.com').get('/app').times(10).replyWithError({ code, message });
      const { code: exit, out } = await doctor();
      expect(out.trim()).toMatch(expected);
      expect(out).not.toContain('refused');
      expect(exit).toBe(1);
    },
  );
});

describe("baton doctor on the page's sign-in", () => {
  const CLIENT = { GITHUB_CLIENT_ID: SIM_APP_CLIENT_ID, GITHUB_CLIENT_SECRET: 'client-secret' };

  function pageLine(out: string): string {
    return out.split('\n').find((line) => /^(ok {3}|FAIL )page:/.test(line)) ?? '';
  }

  it('passes with the page off, as builds do not need it', async () => {
    const { code, out } = await doctor();
    expect(pageLine(out)).toMatch(
      /^ok {3}page: the page is off \(GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are not set\)/,
    );
    expect(code).toBe(0);
  });

  it("passes with this app's client and names the callback URL to register", async () => {
    world.env = { ...world.env, ...CLIENT };
    const { code, out } = await doctor();
    expect(pageLine(out)).toBe(
      `ok   page: the page signs people in as this app (client ${SIM_APP_CLIENT_ID}) at ${APP_URL}; the app's settings (https://github.com/settings/apps/baton) must list ${APP_URL}/sign-in/callback as a Callback URL, and keep "Expire user authorization tokens" on`,
    );
    expect(code).toBe(0);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      "another app's client id",
      { ...CLIENT, GITHUB_CLIENT_ID: 'Iv23liAnotherApp' },
      new RegExp(
        `^FAIL page: GITHUB_CLIENT_ID is Iv23liAnotherApp, not this app's client id \\(${SIM_APP_CLIENT_ID}\\): GitHub would sign people in to another app → set GITHUB_CLIENT_ID to ${SIM_APP_CLIENT_ID}`,
      ),
    ],
    [
      'a client id without its secret',
      { GITHUB_CLIENT_ID: SIM_APP_CLIENT_ID },
      /^FAIL page: the page signs people in with GITHUB_CLIENT_ID but no GITHUB_CLIENT_SECRET → set both from the app's settings/,
    ],
    [
      'a secret without its client id',
      { GITHUB_CLIENT_SECRET: 'client-secret' },
      /^FAIL page: the page signs people in with GITHUB_CLIENT_SECRET but no GITHUB_CLIENT_ID/,
    ],
    [
      'no app URL to come back to',
      { ...CLIENT, BATON_APP_URL: '' },
      /^FAIL page: the page needs the app's public https URL to send people back to: BATON_APP_URL is not set → set BATON_APP_URL/,
    ],
    [
      'an app URL GitHub cannot send people back to over https',
      { ...CLIENT, BATON_APP_URL: 'http://baton.example.com' },
      /^FAIL page: the page needs the app's public https URL to send people back to: BATON_APP_URL is http:\/\/baton\.example\.com: /,
    ],
  ])('fails with %s, saying what to set', async (_case, env, expected) => {
    world.env = { ...world.env, ...env };
    const { code, out } = await doctor();
    expect(pageLine(out)).toMatch(expected);
    expect(code).toBe(1);
  });
});

describe('baton doctor on a repository with nothing hosted', () => {
  /** The conductor installed as `baton setup --serverless` installs it, and BATON_APP_ID set. */
  function serverless(appIdVariable = '1', config?: string): void {
    const conductor = '.github/workflows/baton-conductor.yml';
    world.gh.git.commitOn(
      world.gh.defaultBranch,
      {
        [conductor]: templateText(conductor, { ref: world.pin, serverless: true }),
        ...(config ? { '.github/baton.yml': config } : {}),
      },
      'Run Baton with nothing hosted',
    );
    world.gh.variables.delete('BATON_APP_URL');
    world.gh.variables.set('BATON_APP_ID', appIdVariable);
  }

  it('checks the conductor and BATON_APP_ID instead of BATON_APP_URL, and passes', async () => {
    serverless();
    const { code, out } = await doctor();
    expect(verdicts(out)).toEqual(
      passed(...INSTALLATION_CHECKS, 'conductor', 'pin', 'config', 'app-id'),
    );
    expect(code).toBe(0);
  });

  it('names the variable to set when BATON_APP_ID is another app’s', async () => {
    serverless('999');
    const { code, out } = await doctor();
    expect(failures(out)).toEqual([
      "FAIL app-id: BATON_APP_ID is 999, but this app's id is 1 → gh variable set BATON_APP_ID --body 1 --repo octo-org/widgets (and the secret BATON_APP_PRIVATE_KEY must be this app's key)",
    ]);
    expect(code).toBe(1);
  });

  it('says allowWorkflowChanges is not honoured there', async () => {
    serverless('1', 'session:\n  allowWorkflowChanges: true\n');
    const { out } = await doctor();
    expect(failures(out)).toEqual([
      expect.stringMatching(
        /^FAIL workflow-changes: session\.allowWorkflowChanges is true, but with nothing hosted/,
      ),
    ]);
  });
});

/** Each line's verdict and check, without what it says: `ok   auth`. */
/** The first checks of every run, hosted or not: the app, its installation and the workflow. */
const INSTALLATION_CHECKS = ['auth', 'page', 'installed', 'permissions', 'events', 'workflow'];

/** The verdicts of `checks`, each passed, as `verdicts` reads them. */
function passed(...checks: string[]): string[] {
  return checks.map((check) => `ok   ${check}`);
}

function verdicts(out: string): string[] {
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(':')[0] ?? '');
}

describe("baton doctor on a change set's repositories", () => {
  let lib: FakeGitHub;

  /** octo-org/widgets lists octo-org/lib, set up as widgets is; both require baton/change-set from the app. */
  beforeEach(() => {
    lib = new FakeGitHub({ owner: 'octo-org', repo: 'lib', repositoryId: 2 });
    const files = renderTemplates({ batonRepository: 'baton-dev/baton', batonRef: world.pin });
    lib.git.commitOn(
      lib.defaultBranch,
      Object.fromEntries(files.map((file) => [file.path, file.content])),
      'Set up Baton',
    );
    lib.variables.set('BATON_APP_URL', APP_URL);
    world.gh.git.commitOn(
      world.gh.defaultBranch,
      { '.github/baton.yml': 'changeSets:\n  repositories: [octo-org/lib]\n' },
      'A change set with the library',
    );
    for (const one of [world.gh, lib]) {
      one.defaultBranchRequiredChecks.add('baton/change-set');
      one.requiredCheckSources.set('baton/change-set', one.appId);
    }
    nock.cleanAll();
    mountOnNock((path) =>
      path.startsWith('/repos/baton-dev/baton/')
        ? world.source
        : path.startsWith('/repos/octo-org/lib/') || path === '/repos/octo-org/lib'
          ? lib
          : world.gh,
    );
  });

  it('checks each listed repository: installed in the same installation, set up, requiring the order', async () => {
    const { code, out } = await doctor();
    expect(failures(out)).toEqual([]);
    expect(verdicts(out).slice(9)).toEqual([
      'ok   octo-org/widgets order',
      'ok   octo-org/lib installed',
      'ok   octo-org/lib workflow',
      'ok   octo-org/lib pin',
      'ok   octo-org/lib config',
      'ok   octo-org/lib app-url',
      'ok   octo-org/lib order',
    ]);
    expect(code).toBe(0);
    const known = await knownRestRoutes();
    expect(lib.log.map((entry) => entry.route).filter((route) => !known.has(route))).toEqual([]);
  });

  it.each<[string, (lib: FakeGitHub) => void, RegExp]>([
    [
      'a listed repository is not installed',
      (one) => {
        one.installed = false;
      },
      /^FAIL octo-org\/lib installed: the app is not installed on octo-org\/lib.* → add octo-org\/lib to the app's installation/m,
    ],
    [
      'a listed repository is in another installation',
      (one) => {
        Object.assign(one, { installationId: 7 });
      },
      /^FAIL octo-org\/lib installed: octo-org\/lib is in the app's installation 7, not in 1/m,
    ],
    [
      'a listed repository has no workflow',
      (one) => {
        one.git.commitOn(one.defaultBranch, { '.github/workflows/baton.yml': null }, 'Remove');
      },
      /^FAIL octo-org\/lib workflow: \.github\/workflows\/baton\.yml is not on the default branch/m,
    ],
    [
      'a listed repository does not require baton/change-set',
      (one) => {
        one.defaultBranchRequiredChecks.clear();
      },
      /^FAIL octo-org\/lib order: main does not require baton\/change-set.* → add a ruleset on octo-org\/lib's main/m,
    ],
    [
      'a listed repository requires baton/change-set from any app',
      (one) => {
        one.requiredCheckSources.clear();
      },
      /^FAIL octo-org\/lib order: main requires baton\/change-set from any source, not from baton: a check of that name from a workflow's job .* → add a ruleset on octo-org\/lib's main that requires the status check baton\/change-set from the app baton/m,
    ],
  ])('fails when %s, and names the fix', async (_, breakIt, expected) => {
    breakIt(lib);
    const { code, out } = await doctor();
    expect(out).toMatch(expected);
    expect(code).toBe(1);
  });
});
