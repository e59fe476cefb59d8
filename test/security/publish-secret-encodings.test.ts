import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseUsageMessage } from '../../src/core/records/usage.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import type { ReviewResult } from '../../src/session/result.js';
import { makeCompletion, makeResult, workSession } from '../session/publish/fixture.js';
import { usePublishHarness } from '../session/publish/harness.js';
import {
  postedReview,
  REVIEW_ENV,
  REVIEWED,
  reviewResult,
  servePull,
} from '../session/publish/review.js';
import { WORKER_BRANCH, WORKER_COMPLETION } from '../session/publish/worker-paths.js';

/**
 * Secrets in what publish pushes and posts, past a pattern match on file
 * contents: encoded in a file (base64, hex, UTF-16, gzip), a file's name, an
 * env file by name, a commit's message, and the texts publish posts (a pull
 * request's body, a review, a usage record's reason). Secrets are built at run
 * time, so this file holds none a scanner would flag.
 */
const completion = JSON.stringify(makeCompletion());

/** A GitHub token of a random-looking alphabet (no real key). */
const TOKEN = `ghp_${'Q7xB3LmZ2RvN5KdW9pTfHs8Yc4Ue6Ja1Q7xB'.slice(0, 36)}`;
const base64 = (text: string) => Buffer.from(text).toString('base64');
const hex = (text: string) => Buffer.from(text).toString('hex');

describe('publish refuses a secret a commit holds encoded, in a name or a message', () => {
  const h = usePublishHarness();

  async function expectRefused(where: string, rule: string) {
    const before = h.fixture.remoteSha(WORKER_BRANCH);
    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    const summary = h.summary();
    expect(summary).toContain(where);
    expect(summary).toContain(`rule ${rule}`);
    for (const form of [TOKEN, base64(TOKEN), hex(TOKEN)]) {
      expect(summary).not.toContain(form.slice(4, 28));
    }
    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(before);
    expect(h.writes()).toEqual([]);
  }

  it.each([
    [
      'base64 in a Kubernetes secret',
      'deploy/secret.yaml',
      `kind: Secret\ndata:\n  token: ${base64(TOKEN)}\n`,
      'deploy/secret.yaml:3',
      'secretlint/github (base64)',
    ],
    [
      'base64url in JSON',
      'config.json',
      `{"t": "${base64(TOKEN).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}"}\n`,
      'config.json:1',
      'secretlint/github (base64)',
    ],
    [
      'hex',
      'src/key.ts',
      `// key\nexport const k = "${hex(TOKEN)}";\n`,
      'src/key.ts:2',
      'secretlint/github (hex)',
    ],
    [
      'base64 of hex',
      'src/key.ts',
      `export const k = "${base64(hex(TOKEN))}";\n`,
      'src/key.ts:1',
      'secretlint/github (base64)',
    ],
  ])('refuses a token as %s', async (_kind, path, content, where, rule) => {
    workSession(h.fixture, [{ [path]: content, [WORKER_COMPLETION]: completion }]);
    await expectRefused(where, rule);
  });

  it.each([
    [
      'UTF-16LE with a byte order mark',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`token=${TOKEN}\n`, 'utf16le')]),
      'secretlint/github (utf-16)',
    ],
    [
      'UTF-16LE without one',
      Buffer.from(`a = 1\ntoken=${TOKEN}\n`, 'utf16le'),
      'secretlint/github (utf-16)',
    ],
    [
      'UTF-16BE with a byte order mark',
      Buffer.from(Buffer.from(`\uFEFFtoken=${TOKEN}\n`, 'utf16le')).swap16(),
      'secretlint/github (utf-16)',
    ],
    ['a gzip member', gzipSync(Buffer.from(`dump\ntoken=${TOKEN}\n`)), 'secretlint/github (gzip)'],
    [
      'UTF-16 inside gzip',
      gzipSync(Buffer.from(`token=${TOKEN}\n`, 'utf16le')),
      'secretlint/github (gzip, utf-16)',
    ],
    [
      'UTF-16 strings inside a binary',
      Buffer.concat([
        Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? 0 : (i * 37) % 256))),
        Buffer.from(TOKEN, 'utf16le'),
        Buffer.from([0, 1, 2, 3]),
      ]),
      'secretlint/github',
    ],
  ])('refuses a token in a file saved as %s', async (_kind, bytes, rule) => {
    workSession(h.fixture, [{ 'data/dump.bin': bytes, [WORKER_COMPLETION]: completion }]);
    await expectRefused('data/dump.bin (rule', rule);
  });

  it('refuses a token as a file name, reporting the folder, never the name', async () => {
    workSession(h.fixture, [{ [`fixtures/${TOKEN}.txt`]: 'x\n', [WORKER_COMPLETION]: completion }]);
    await expectRefused('fixtures/(a file name)', 'secretlint/github (name)');
  });

  it.each(['.envrc', 'app/.env.production', '.env-staging'])(
    'refuses the env file %s by its name',
    async (path) => {
      workSession(h.fixture, [{ [path]: 'export DEBUG=1\n', [WORKER_COMPLETION]: completion }]);
      await expectRefused(`${path} (rule`, 'key-file');
    },
  );

  it('refuses a token in a commit message', async () => {
    workSession(h.fixture, [{ 'src/a.ts': 'export {};\n', [WORKER_COMPLETION]: completion }], {
      message: `Add the client\n\nUses ${TOKEN} for now.`,
    });
    await expectRefused('(commit message):3', 'secretlint/github');
  });

  it('publishes what only looks encoded: hashes, lock-file integrity, an image, example env files', async () => {
    const integrity = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;
    workSession(h.fixture, [
      {
        'package-lock.json': `{"integrity": "${integrity}", "resolved": "x"}\n`,
        'src/ids.ts': `export const commit = "${'0123456789abcdef'.repeat(5).slice(0, 40)}";\n`,
        'src/logo.ts': `export const png = "data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3, 250, 251, 252, 253, 254, 255, 0, 9, 8, 7]).toString('base64')}";\n`,
        '.env.example': 'API_KEY=\n',
        '.envrc.example': 'export API_KEY=\n',
        'docs/notes.md': `The greeting, base64: ${base64('hello from the docs, nothing secret here')}\n`,
        [WORKER_COMPLETION]: completion,
      },
    ]);
    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
  });

  it.each([
    ['reversed', [...TOKEN].reverse().join('')],
    ['split over two lines', `const t = "${TOKEN.slice(0, 20)}" +\n  "${TOKEN.slice(20)}";`],
  ])(
    'does not promise a token written %s on purpose (published: a scan is a guard against accidents)',
    async (_kind, text) => {
      workSession(h.fixture, [{ 'src/t.ts': `${text}\n`, [WORKER_COMPLETION]: completion }]);
      expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    },
  );
});

describe('publish masks a secret in the text it posts', () => {
  const h = usePublishHarness();

  it('masks a token in the pull request body', async () => {
    workSession(h.fixture, [{ 'src/a.ts': 'export {};\n', [WORKER_COMPLETION]: completion }], {
      result: { completion: makeCompletion({ summary: `Wired the client to ${TOKEN}.` }) },
    });
    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    const posted = JSON.stringify(h.github.api.filter((call) => call.method !== 'GET'));
    expect(posted).toContain('Wired the client to ghp_');
    expect(posted).not.toContain(TOKEN.slice(4, 20));
    expect(h.summary()).toContain("Masked a secret in the session's completion.summary");
  });

  it('masks a token, and its base64, in a review’s body and comments', async () => {
    servePull(h);
    const review: ReviewResult = {
      verdict: 'changes-requested',
      body: `The test hard-codes ${TOKEN}; rotate it.`,
      commit_sha: REVIEWED,
      comments: [
        { path: 'src/login.ts', line: 2, side: 'RIGHT', body: `Encoded: ${base64(TOKEN)}` },
      ],
    };
    h.fixture.writeResult(reviewResult(review));
    expect(await h.publish(REVIEW_ENV)).toBe(PUBLISH_EXIT.published);
    const posted = JSON.stringify(postedReview(h));
    expect(posted).toContain('rotate it');
    expect(posted).not.toContain(TOKEN.slice(4, 20));
    expect(posted).not.toContain(base64(TOKEN).slice(0, 20));
  });

  it('masks a token in a failed session’s reason: the usage record and the summary', async () => {
    h.fixture.writeResult(
      makeResult({ status: 'failed', reason: `curl refused ${TOKEN} with 401` }),
    );
    expect(await h.publish({ GITHUB_RUN_ID: '4343' })).toBe(PUBLISH_EXIT.sessionFailed);
    expect(parseUsageMessage(h.usageMessage('4343'))?.reason).toMatch(
      /^curl refused ghp_\*+ with 401$/,
    );
    expect(h.summary()).not.toContain(TOKEN.slice(4, 20));
  });
});
