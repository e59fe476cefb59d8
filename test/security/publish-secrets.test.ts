import { describe, expect, it } from 'vitest';
import { parseUsageMessage } from '../../src/core/records/usage.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { makeCompletion, workSession } from '../session/publish/fixture.js';
import { usePublishHarness } from '../session/publish/harness.js';
import { WORKER_BRANCH, WORKER_COMPLETION } from '../session/publish/worker-paths.js';

/**
 * A worker's commits carry a secret, openly or hidden in its history: publish
 * refuses the session before anything is pushed, and says where (file, line,
 * rule) without the value. Secrets are built at run time, so this file holds
 * none a scanner would flag.
 */
const completion = JSON.stringify(makeCompletion());

/** `n` characters of a random-looking alphabet (no real key). */
function noise(n: number, alphabet = 'Q7xB3LmZ2RvN5KdW9pTfHs8Yc4Ue6Ja1'): string {
  return alphabet.repeat(Math.ceil(n / alphabet.length)).slice(0, n);
}

const SECRETS = {
  'an AWS access key id': [`AKIA${noise(16).toUpperCase()}`, 'secretlint/aws'],
  'an AWS secret access key': [`aws_secret_access_key = "${noise(40)}"`, 'secretlint/aws'],
  'a Google API key': [`AIza${noise(35)}`, 'gcp-api-key'],
  'an Azure storage account key': [
    `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${noise(86)}==`,
    'azure-storage-account-key',
  ],
  'a GitHub personal access token (ghp_)': [`ghp_${noise(36)}`, 'secretlint/github'],
  'a GitHub OAuth token (gho_)': [`gho_${noise(36)}`, 'secretlint/github'],
  'a GitHub App installation token (ghs_)': [`ghs_${noise(36)}`, 'secretlint/github'],
  'a fine-grained GitHub token (github_pat_)': [
    `github_pat_${noise(22)}_${noise(59)}`,
    'secretlint/github',
  ],
  'an Anthropic API key': [`sk-ant-api03-${noise(93)}AA`, 'secretlint/anthropic'],
  'a private key': [
    `-----BEGIN OPENSSH ${'PRIVATE'} KEY-----\n${noise(64)}\n${noise(64)}\n-----END OPENSSH ${'PRIVATE'} KEY-----`,
    'private-key',
  ],
  'a high-entropy value assigned to a secret name': [
    `const clientSecret = "${noise(32)}";`,
    'generic-high-entropy-assignment',
  ],
} as const;

/** Line 3 of the file, so the report's line number is checked. */
const fileWith = (text: string) =>
  `// config\nexport const a = 1;\nexport const s = \`${text}\`;\n`;

describe('publish refuses a session whose commits carry a secret', () => {
  const h = usePublishHarness();

  async function expectRefused(rule: string, where: RegExp, value: string) {
    const before = h.fixture.remoteSha(WORKER_BRANCH);
    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    const summary = h.summary();
    expect(summary).toMatch(where);
    expect(summary).toContain(`rule ${rule}`);
    // The value never reaches the summary: at most its first four characters.
    expect(summary).not.toContain(value.slice(0, 24));
    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(before);
    expect(h.writes()).toEqual([]);
  }

  it.each(Object.entries(SECRETS))('refuses %s in a new file', async (_kind, [text, rule]) => {
    workSession(h.fixture, [
      { 'src/settings.ts': fileWith(text), [WORKER_COMPLETION]: completion },
    ]);
    await expectRefused(rule, /src\/settings\.ts:3 \(rule /, text);
  });

  it('refuses a secret added to a file the base already has, by its line', async () => {
    workSession(h.fixture, [
      {
        'src/app.ts': `export const app = 1;\nconst token = "ghp_${noise(36)}";\n`,
        [WORKER_COMPLETION]: completion,
      },
    ]);
    await expectRefused('secretlint/github', /src\/app\.ts:2 \(rule /, `ghp_${noise(36)}`);
  });

  it('refuses a secret that a later commit of the session removes (it is pushed with its history)', async () => {
    const text = `sk-ant-api03-${noise(93)}AA`;
    workSession(h.fixture, [
      { 'src/settings.ts': fileWith(text) },
      { 'src/settings.ts': fileWith('nothing here') },
      { [WORKER_COMPLETION]: completion },
    ]);
    await expectRefused('secretlint/anthropic', /src\/settings\.ts:3 \(rule /, text);
  });

  it('refuses a secret in a file the session renames, whatever its new name', async () => {
    // An earlier session left a file with a key on the branch; this one moves it.
    const text = `ghs_${noise(36)}`;
    const earlier = h.fixture.agentCommit({
      branch: 'earlier',
      files: { 'src/keys.ts': fileWith(text) },
    });
    h.fixture.git([
      'push',
      '--quiet',
      h.fixture.remoteDir,
      `${earlier}:refs/heads/${WORKER_BRANCH}`,
    ]);
    workSession(
      h.fixture,
      [{ 'src/keys.ts': null, 'lib/moved.ts': fileWith(text), [WORKER_COMPLETION]: completion }],
      { from: earlier },
    );
    await expectRefused('secretlint/github', /lib\/moved\.ts:3 \(rule /, text);
  });

  it.each([
    ['a private key file by its kind', 'deploy/id_ed25519', 'anything\n', 'key-file'],
    ['a key store by its kind', 'certs/server.p12', '\0\x01binary', 'key-file'],
    ['an env file by its kind', '.env', 'DEBUG=1\n', 'key-file'],
  ])('refuses %s', async (_kind, path, content, rule) => {
    workSession(h.fixture, [{ [path]: content, [WORKER_COMPLETION]: completion }]);
    await expectRefused(
      rule,
      new RegExp(`${path.replace(/\./g, '\\.')} \\(rule `),
      'zzzzzzzzzzzzzzzzzzzzzzzzz',
    );
  });

  it('refuses a token inside a small binary file', async () => {
    const text = `ghp_${noise(36)}`;
    workSession(h.fixture, [
      { 'assets/blob.bin': `\0\x01\x02${text}\x03\0`, [WORKER_COMPLETION]: completion },
    ]);
    await expectRefused('secretlint/github', /assets\/blob\.bin \(rule /, text);
  });

  it('records the refusal with its usage, for the worker’s row, the value masked', async () => {
    const text = `ghp_${noise(36)}`;
    workSession(h.fixture, [
      { 'src/settings.ts': fileWith(text), [WORKER_COMPLETION]: completion },
    ]);
    expect(await h.publish({ GITHUB_RUN_ID: '4242' })).toBe(PUBLISH_EXIT.refused);
    const message = h.usageMessage('4242');
    const record = parseUsageMessage(message);
    expect(record?.reason).toBe(
      'publish refused: a secret in src/settings.ts:3 (rule secretlint/github, ghp_************)',
    );
    expect(message).not.toContain(text.slice(0, 12));
  });

  it('publishes near misses: documented examples, placeholders, templates and env reads', async () => {
    const nearMisses = [
      // AWS's own documented example key id; secretlint allows it by name.
      'const id = "AKIAIOSFODNN7EXAMPLE";',
      `const token = "ghp_${'x'.repeat(36)}";`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder is the point.
      'const password = "${DB_PASSWORD}";',
      'const token = process.env.GITHUB_TOKEN;',
      'ANTHROPIC_API_KEY=sk-ant-...',
      'const secret = "changeme-changeme-changeme";',
      'const apiKey = "<your-api-key-here-please-change>";',
      'cp .env.example .env',
    ].join('\n');
    workSession(h.fixture, [
      {
        'docs/setup.md': `${nearMisses}\n`,
        '.env.example': 'API_KEY=\n',
        [WORKER_COMPLETION]: completion,
      },
    ]);
    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
  });
});
