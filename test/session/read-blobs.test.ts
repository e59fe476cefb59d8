import childProcess from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBlobsIn } from '../../src/session/agent/git/git.js';
import {
  installDefaultSkills,
  STEERING_FILES,
} from '../../src/session/agent/git/steering-files.js';
import { parseBatch, readCappedBlobs } from '../../src/session/publish/cat-file-batch.js';
import { checkPlanRecord } from '../../src/session/publish/checks/check-plan-record.js';
import { HEAD_REF } from '../../src/session/publish/checks/read-pushed-commits.js';
import { scanCommits } from '../../src/session/publish/checks/secrets/scan-secrets.js';
import { createScratchRepo } from '../../src/session/publish/scratch-repo.js';
import { gitIn, makeTempDir, removeTempDirs } from './agent-fixtures.js';
import { gitsStartedBy } from './publish/started-gits.js';

afterAll(removeTempDirs);

/** A repository whose one commit holds a text file, a binary one, an empty one and a folder. */
async function repository(): Promise<string> {
  const root = await makeTempDir();
  gitIn(root, 'init', '-q', '-b', 'main');
  await writeFile(path.join(root, 'a.txt'), 'first\nsecond line with a space\n');
  // Bytes that are no UTF-8, and line feeds in the middle: read by size, not by line.
  await writeFile(path.join(root, 'b.bin'), Buffer.from([0xff, 0x0a, 0x00, 0xfe, 0x0a, 0x0a]));
  await writeFile(path.join(root, 'empty'), '');
  gitIn(root, 'add', '-A');
  gitIn(root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'one');
  return root;
}

describe('many blobs read by one git', () => {
  it('answers each blob’s bytes in the order asked, and null for what is absent or no blob', async () => {
    const root = await repository();
    const options = { root, env: { HOME: root } };
    const binary = gitIn(root, 'rev-parse', 'HEAD:b.bin');
    const read = await readBlobsIn(options, [
      'HEAD:a.txt',
      binary,
      'HEAD:missing.txt',
      'HEAD:empty',
      // The commit's tree: an object, but no file's content.
      'HEAD^{tree}',
      'HEAD:a.txt',
    ]);
    expect(read.map((blob) => blob?.toString('latin1') ?? null)).toEqual([
      'first\nsecond line with a space\n',
      '\xff\n\0\xfe\n\n',
      null,
      '',
      null,
      'first\nsecond line with a space\n',
    ]);
  });

  it('refuses a name with a line break, which git would read as two names', async () => {
    const root = await repository();
    await expect(
      readBlobsIn({ root, env: { HOME: root } }, ['HEAD:a.txt\nHEAD:b.bin']),
    ).rejects.toThrow(/line break/);
  });

  it('says so where git answered fewer objects than were asked, or ended inside one', () => {
    const id = 'a'.repeat(40);
    expect(() => parseBatch(Buffer.from(`${id} blob 3\nabc\n`), 2)).toThrow(/answered 1 of 2/);
    expect(() => parseBatch(Buffer.from(`${id} blob 30\nabc\n`), 1)).toThrow(/inside an object/);
  });
});

/** How many processes `act` starts: every way of child_process comes to ChildProcess's spawn. */
async function processesOf(act: () => Promise<void>): Promise<number> {
  // Node's own method, which its types leave out.
  const proto = childProcess.ChildProcess.prototype as unknown as {
    spawn: (...args: unknown[]) => unknown;
  };
  const { spawn } = proto;
  let started = 0;
  proto.spawn = function (this: unknown, ...args: unknown[]) {
    started++;
    return spawn.apply(this, args);
  };
  try {
    await act();
  } finally {
    proto.spawn = spawn;
  }
  return started;
}

describe('the default branch’s skills in a checkout', () => {
  it('are put in place by three gits whatever their number, not one a skill', async () => {
    const root = await repository();
    const skills = STEERING_FILES.filter((file) => file.startsWith('.baton/'));
    for (const file of skills) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), `the default branch's ${file}\n`);
    }
    gitIn(root, 'add', '-A');
    gitIn(root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'skills');
    gitIn(root, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    // The branch under work rewrote every skill.
    for (const file of skills) await writeFile(path.join(root, file), 'the branch’s own\n');
    const options = { root, env: { HOME: root } };
    const source = {
      kind: 'default-branch',
      branch: 'main',
      ref: 'refs/remotes/origin/main',
    } as const;
    // Reading, asking which are tracked, and telling git to leave them alone.
    expect(await processesOf(() => installDefaultSkills(options, source))).toBe(3);
    for (const file of skills) {
      expect(await readFile(path.join(root, file), 'utf8')).toBe(`the default branch's ${file}\n`);
    }
    expect(skills.length).toBeGreaterThan(10);
  });
});

describe('the secrets scan of a pushed commit', () => {
  it('reads the commit’s files by one git, whatever their number, and still finds a secret among them', async () => {
    const root = await repository();
    const base = gitIn(root, 'rev-parse', 'HEAD');
    for (let i = 0; i < 12; i++) await writeFile(path.join(root, `file-${i}.txt`), `plain ${i}\n`);
    // A token of GitHub's shape, in the eighth file.
    await writeFile(path.join(root, 'file-7.txt'), `token = ghp_${'A1b2C3d4E5'.repeat(3)}abcdef\n`);
    gitIn(root, 'add', '-A');
    gitIn(root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'twelve files');
    const repo = await createScratchRepo(root);
    try {
      await repo.must({ args: ['update-ref', HEAD_REF, gitIn(root, 'rev-parse', 'HEAD')] });
      let hits: Awaited<ReturnType<typeof scanCommits>> = [];
      const started = await processesOf(async () => {
        hits = await scanCommits({ repo, base });
      });
      expect(hits.map((hit) => hit.path)).toEqual(['file-7.txt']);
      // The listing, the build branch's ref, the diff, the message and the files: not one a file.
      expect(started).toBeLessThanOrEqual(6);
    } finally {
      await repo.dispose();
    }
  });
});

describe('record files read at a commit with a cap', () => {
  it('reads each by two gits at most, not what is over the cap, and a commit id’s file once', async () => {
    const root = await repository();
    await writeFile(path.join(root, 'big.json'), 'x'.repeat(100));
    gitIn(root, 'add', '-A');
    gitIn(root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'big');
    const commit = gitIn(root, 'rev-parse', 'HEAD');
    const repo = await createScratchRepo(root);
    try {
      const names = ['a.txt', 'big.json', 'missing', 'empty'].map((file) => `${commit}:${file}`);
      let read: (Buffer | null)[] = [];
      const first = await gitsStartedBy(async () => {
        read = await readCappedBlobs(repo, [...names, `${commit}^{tree}`], 50);
      });
      expect(read.map((blob) => blob?.toString('utf8') ?? null)).toEqual([
        'first\nsecond line with a space\n',
        null,
        null,
        '',
        null,
      ]);
      // The sizes, then the contents of what fits: big.json's never.
      expect(first.map((args) => args.slice(0, 2).join(' '))).toEqual([
        'cat-file --batch-check=%(objectname) %(objectsize)',
        'cat-file --batch',
      ]);
      expect(await gitsStartedBy(() => readCappedBlobs(repo, names, 50))).toEqual([]);
    } finally {
      await repo.dispose();
    }
  });
});

describe('a plan session’s record checked at its head', () => {
  it('names a sub-issue graph over the cap and a plan that is a folder, as before', async () => {
    const root = await repository();
    const dir = path.join(root, '.baton', 'builds', 'b1');
    await mkdir(path.join(dir, 'plan.json'), { recursive: true });
    await writeFile(path.join(dir, 'plan.json', 'x'), '{}');
    await writeFile(path.join(dir, 'sub-issues.json'), `"${'x'.repeat(256 * 1024)}"`);
    gitIn(root, 'add', '-A');
    gitIn(root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'record');
    const repo = await createScratchRepo(root);
    try {
      expect(
        await checkPlanRecord({ repo, head: gitIn(root, 'rev-parse', 'HEAD'), build: 'b1' }),
      ).toEqual(['plan.json is not valid JSON', 'sub-issues.json is larger than 262144 bytes']);
    } finally {
      await repo.dispose();
    }
  });
});
