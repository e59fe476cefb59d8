import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/check.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-check-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Runs `baton check` in `dir`, output gathered. */
async function check(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {}, { cwd: dir, out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function config(text: string, path = '.github/baton.yml'): Promise<void> {
  await mkdir(join(dir, '.github'), { recursive: true });
  await writeFile(join(dir, path), text);
}

/** The lines `baton check` prints for `.github/baton.yml` holding `text`, which it refuses (exit 1). */
async function problemsOf(text: string): Promise<string[]> {
  await config(text);
  const { code, out } = await check([]);
  expect(code).toBe(1);
  return out.split('\n');
}

describe('baton check', () => {
  it('says a valid config is valid, and exits 0', async () => {
    await config('budget:\n  maxUsd: 20\nmaxParallel: 2\n');
    expect(await check([])).toEqual({
      code: 0,
      out: '.github/baton.yml: a valid Baton config',
      err: '',
    });
  });

  it('names a misspelt key with its line and the setting it meant, and exits 1', async () => {
    const problems = await problemsOf(
      'label: orchestrate\nbudget:\n  maxUSD: 20\nmodels:\n  thinking:\n    complx: 0\n',
    );
    expect(problems).toEqual([
      '.github/baton.yml: 2 problems',
      '  line 3: budget.maxUSD is not a Baton setting; did you mean `maxUsd`?',
      '  line 6: models.thinking.complx is not a Baton setting; did you mean `complex`?',
    ]);
  });

  it('names the settings a table takes where no one is near a misspelt key', async () => {
    const problems = await problemsOf('models:\n  thinker: x\nsession:\n  timout: 5\n');
    expect(problems[1]).toMatch(
      /^ {2}line 2: models\.thinker is not a Baton setting; models takes `plan`, `easy`, `normal`, `complex`, `review`, .*`thinking`/,
    );
    expect(problems[2]).toMatch(
      /^ {2}line 4: session\.timout is not a Baton setting; session takes .*`timeoutMinutes`, .*`maxTurns`/,
    );
  });

  it('names the known model id a misspelt one most likely meant', async () => {
    const problems = await problemsOf(
      'models:\n  normal: claude-sonet-5-5\n  openai:\n    plan: gtp-5.5\nsession:\n  engine: codex\n',
    );
    expect(problems).toEqual([
      '.github/baton.yml: 2 problems',
      expect.stringMatching(
        /^ {2}line 2: models\.normal claude-sonet-5-5 has no price; did you mean `claude-sonnet-5-5`\? As it is, its sessions would count as free/,
      ),
      expect.stringMatching(
        /^ {2}line 4: models\.openai\.plan gtp-5\.5 has no price; did you mean `gpt-5\.5`\? /,
      ),
    ]);
  });

  it('names an unpriced model in the same round as the other problems, and the engines a wrong engine could be', async () => {
    const problems = await problemsOf(
      'models:\n  complex: acme-1\nsession:\n  engine: claude\nbudget:\n  maxUSD: 20\n',
    );
    expect(problems).toEqual([
      '.github/baton.yml: 3 problems',
      expect.stringMatching(/^ {2}line 2: models\.complex acme-1 has no price, so /),
      '  line 4: session.engine ("claude") must be one of: baton, claude-code, codex, copilot',
      '  line 6: budget.maxUSD is not a Baton setting; did you mean `maxUsd`?',
    ]);
  });

  it('names the wrong engine inside a table of engines per role', async () => {
    expect(await problemsOf('session:\n  engine:\n    default: baton\n    work: codx\n')).toEqual([
      '.github/baton.yml: 1 problem',
      '  line 4: session.engine.work ("codx") must be one of: baton, claude-code, codex, copilot',
    ]);
  });

  it('refuses a risk class Baton does not know in verification.autonomy.waitFor, naming the choices', async () => {
    expect(
      await problemsOf('verification:\n  autonomy:\n    waitFor: [workflow, workflows]\n'),
    ).toEqual([
      '.github/baton.yml: 1 problem',
      '  line 3: verification.autonomy.waitFor, item 2 ("workflows") must be one of: memory, runs-contract, workflow, ownership, test-aware, build, dependency, security, interface, tests, size, rounds, disagreement',
    ]);
  });

  it('checks memory: a budget of tokens, days before expiry and the roles that read lessons', async () => {
    expect(
      await problemsOf(
        'memory:\n  budgetTokens: 50\n  expireDays: 0\n  roles: [work, learn]\n  enable: false\n',
      ),
    ).toEqual([
      '.github/baton.yml: 4 problems',
      '  line 2: memory.budgetTokens (50) must be at least 100',
      '  line 3: memory.expireDays (0) must be at least 1',
      '  line 4: memory.roles, item 2 ("learn") must be one of: plan, contract, work, fix, review, validate',
      '  line 5: memory.enable is not a Baton setting; did you mean `enabled`?',
    ]);
    expect(await problemsOf('memory:\n  roles: [work, work]\n')).toEqual([
      '.github/baton.yml: 1 problem',
      '  line 2: memory.roles lists a role twice',
    ]);
    await config(
      'memory:\n  enabled: false\n  budgetTokens: 800\n  expireDays: 30\n  roles: [work, fix]\n',
    );
    expect((await check([])).code).toBe(0);
  });

  it('checks changeSets: each repository as owner/name, at most ten', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `acme/r${i}`).join(', ');
    expect(
      await problemsOf(`changeSets:\n  repositories: [acme/lib, client]\n  sharewith: []\n`),
    ).toEqual([
      '.github/baton.yml: 2 problems',
      '  line 2: changeSets.repositories, item 2 ("client") must be a repository as owner/name, like acme/lib',
      '  line 3: changeSets.sharewith is not a Baton setting; did you mean `shareWith`?',
    ]);
    expect(await problemsOf(`changeSets:\n  repositories: [${eleven}]\n`)).toEqual([
      '.github/baton.yml: 1 problem',
      '  line 2: changeSets.repositories lists 11 items; at most 10 may be listed',
    ]);
    expect(await problemsOf('changeSets:\n  repositories: acme/lib\n')).toEqual([
      '.github/baton.yml: 1 problem',
      '  line 2: changeSets.repositories must be a list, not "acme/lib"',
    ]);
    expect(
      await problemsOf(
        'changeSets:\n  repositories:\n    - acme/lib\n    - acme/client\n    - acme/app.git\n',
      ),
    ).toEqual([
      '.github/baton.yml: 1 problem',
      '  line 5: changeSets.repositories, item 3 ("acme/app.git") must be owner/name without .git, like acme/lib',
    ]);
    await config('changeSets:\n  repositories: [acme/lib]\n  shareWith: [acme/app]\n');
    expect((await check([])).code).toBe(0);
  });

  it('finds change-set lists that come back round across several repositories’ files', async () => {
    await config('changeSets:\n  repositories: [acme/service]\n', '.github/lib.yml');
    await config('changeSets:\n  repositories: [acme/client]\n', '.github/service.yml');
    await config('changeSets:\n  repositories: [Acme/Lib]\n', '.github/client.yml');
    const files = ['--repo', 'acme/lib', '.github/lib.yml', '--repo', 'acme/service'];
    const round = await check([
      ...files,
      '.github/service.yml',
      '--repo',
      'acme/client',
      '.github/client.yml',
    ]);
    expect(round.code).toBe(1);
    expect(round.out.split('\n')).toEqual([
      '.github/lib.yml: a valid Baton config',
      '.github/service.yml: a valid Baton config',
      '.github/client.yml: a valid Baton config',
      expect.stringMatching(
        /^changeSets\.repositories come back round: acme\/client → acme\/lib → acme\/service → acme\/client\. /,
      ),
    ]);
    await config('changeSets:\n  repositories: []\n', '.github/client.yml');
    const line = await check([
      ...files,
      '.github/service.yml',
      '--repo',
      'acme/client',
      '.github/client.yml',
    ]);
    expect(line).toMatchObject({ code: 0, err: '' });
    expect(line.out).not.toContain('come back round');
  });

  it('reads a file’s repository from its checkout’s origin, and says when it cannot', async () => {
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd } });
    for (const [name, lists] of [
      ['lib', 'acme/service'],
      ['service', 'acme/lib'],
    ] as const) {
      await mkdir(join(dir, name, '.github'), { recursive: true });
      await writeFile(
        join(dir, name, '.github/baton.yml'),
        `changeSets:\n  repositories: [${lists}]\n`,
      );
      git(join(dir, name), 'init', '--quiet');
      git(join(dir, name), 'remote', 'add', 'origin', `git@github.com:acme/${name}.git`);
    }
    const { code, out } = await check(['lib/.github/baton.yml', 'service/.github/baton.yml']);
    expect(code).toBe(1);
    expect(out).toContain('come back round: acme/lib → acme/service → acme/lib.');
    await config('maxParallel: 2\n', '.github/loose.yml');
    const unknown = await check(['lib/.github/baton.yml', '.github/loose.yml']);
    expect(unknown.out).toContain('.github/loose.yml: its repository is unknown');
  });

  it('refuses --repo that is not owner/name, or with no file after it', async () => {
    expect((await check(['--repo', 'acme/lib.git', 'x.yml'])).err).toMatch(
      /^baton check: --repo must be owner\/name, not "acme\/lib\.git"/,
    );
    expect((await check(['--repo', 'acme/lib'])).err).toMatch(/give the file/);
  });

  it('checks the file it is given, and says where invalid YAML breaks', async () => {
    await config('budget: [1, 2\n', '.github/other.yml');
    const { code, out } = await check(['.github/other.yml']);
    expect(code).toBe(1);
    expect(out).toMatch(
      /^\.github\/other\.yml: 1 problem\n {2}line \d+: the file is not valid YAML: /,
    );
  });

  it('says the whole reason invalid YAML breaks: what is wrong, its line and column, not cut at a colon', async () => {
    expect(await problemsOf('models:\n  plan: a: b\n')).toEqual([
      '.github/baton.yml: 1 problem',
      '  line 2: the file is not valid YAML: Nested mappings are not allowed in compact mappings at line 2, column 9',
    ]);
  });

  it('reads the settings under _extends alone, since the base is elsewhere', async () => {
    await config('_extends: .github\nmaxParallel: 3\n');
    expect((await check([])).code).toBe(0);
  });

  it('says what to do when there is no file, and exits 2', async () => {
    const { code, err } = await check([]);
    expect(code).toBe(2);
    expect(err).toContain('.github/baton.yml does not exist: run it at the root of a repository');
  });
});

/** Runs bin/baton.js in `dir`: its exit code and stdout. */
async function baton(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const { execFile } = await import('node:child_process');
  const bin = new URL('../../bin/baton.js', import.meta.url).pathname;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { cwd: dir }, (_error, stdout) =>
      resolve({ code: child.exitCode, stdout }),
    );
  });
}

describe('the baton command', () => {
  it('sends check to it', async () => {
    await config('budget:\n  mxaUsd: 3\n');
    const result = await baton(['check']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('did you mean `maxUsd`?');
  });

  it.each([
    ['check', 'usage: baton check [FILE]'],
    ['doctor', 'usage: baton doctor --repo owner/name'],
    ['setup', 'usage: baton setup --repo owner/name'],
    ['session', 'usage: baton session agent'],
  ])("answers `baton help %s` with that command's help", async (command, usage) => {
    const result = await baton(['help', command]);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(usage)).toBe(true);
  });
});

describe('baton check --policy', () => {
  const POLICY = 'defaults:\n  budget:\n    maxUsd: 20\nlimits:\n  maxUsd: 30\n  memory: false\n';

  async function policyRepo(): Promise<string> {
    await mkdir(join(dir, 'org'), { recursive: true });
    await writeFile(join(dir, 'org', 'baton-policy.yml'), POLICY);
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: join(dir, 'org'), encoding: 'utf8' }).trim();
    git('init', '-q');
    git('-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-qm', 'policy', '--allow-empty');
    git('add', 'baton-policy.yml');
    git('-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-qm', 'policy');
    return git('rev-parse', 'HEAD');
  }

  it('refuses a setting that loosens a limit, and names the limit', async () => {
    await policyRepo();
    await config('budget:\n  maxUsd: 500\n');
    const { code, out } = await check(['--policy', 'org/baton-policy.yml']);
    expect(code).toBe(1);
    expect(out).toBe(
      '.github/baton.yml: 1 setting loosens org/baton-policy.yml, which the app ignores:\n  budget.maxUsd: 500: at most 30 US dollars a build',
    );
  });

  it('passes a repository within the policy', async () => {
    await policyRepo();
    await config('budget:\n  maxUsd: 10\n');
    expect(await check(['--policy', 'org/baton-policy.yml'])).toMatchObject({
      code: 0,
      out: '.github/baton.yml: within org/baton-policy.yml',
    });
  });

  it('prints every setting in effect and where it came from', async () => {
    const commit = await policyRepo();
    await config('budget:\n  dailyUsd: 5\n');
    const { code, out } = await check(['--policy', 'org/baton-policy.yml', '--effective']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines).toContain(
      `  budget.maxUsd: 20  # org/baton-policy.yml at ${commit.slice(0, 12)}`,
    );
    expect(lines).toContain('  budget.dailyUsd: 5  # .github/baton.yml');
    expect(lines).toContain('  label: orchestrate  # default');
    expect(lines).toContain(
      `  memory.enabled: false  # org/baton-policy.yml at ${commit.slice(0, 12)} (limit)`,
    );
  });

  it('finds a policy that is no policy', async () => {
    await mkdir(join(dir, 'org'), { recursive: true });
    await writeFile(join(dir, 'org', 'baton-policy.yml'), 'limits:\n  maxUsd: lots\n');
    await config('budget:\n  maxUsd: 10\n');
    const { code, out } = await check(['--policy', 'org/baton-policy.yml']);
    expect(code).toBe(1);
    expect(out).toContain('limits.maxUsd');
  });
});
