import { execFileSync } from 'node:child_process';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { confinementOf } from '../../src/session/agent/engines/confinement.js';
import {
  EngineHomeError,
  prepareEngineHome,
  writeHomeFile,
} from '../../src/session/agent/engines/engine-home.js';
import type { InstalledEngine } from '../../src/session/agent/engines/install-engine.js';
import { runEngineConversation } from '../../src/session/agent/engines/run-engine.js';
import type { AgentLimits } from '../../src/session/agent/model/limits.js';
import { createUsageMeter } from '../../src/session/agent/model/usage-meter.js';
import type { ModelProxy } from '../../src/session/agent/model-proxy/model-proxy.js';
import { openSandbox } from '../../src/session/agent/sandbox/sandbox.js';
import { ensureToolUser } from '../../src/session/agent/sandbox/sandbox-setup.js';
import { createSubmitTool } from '../../src/session/agent/tools/submit-tool.js';
import { makeTempDir } from '../session/agent-fixtures.js';
import { describeAsRoot, useThrowawayUser } from './confine-fixtures.js';

/**
 * The engine runs whole as the tools user, in a HOME that Baton (the job's
 * user) prepares again before every run of the engine: a run that ends
 * without a hand-in is asked again, and a session may hold several
 * conversations in one sandbox. Whatever the engine left in that HOME, Baton
 * must not follow it out: a link planted where Baton writes its files or makes
 * its folders would have the job's user overwrite or open up files of the
 * job's (the workflow's file commands, the engine's own cached binary).
 *
 * The engine here is a program of the attacker's (what a steered engine's
 * commands can do), run in the real sandbox as a real second user: on its
 * first run it plants a link at every entry Baton writes next, naming files of
 * the job's user that the tools user cannot reach; it never hands in.
 */
const ATTACKER_ENGINE = `#!/bin/sh
env > "$HOME/env-seen"
if [ ! -e "$HOME/planted" ]; then
  : > "$HOME/planted"
  # Files Baton writes again: the role prompt of each engine.
  rm -f "$HOME/.baton/system-prompt.md"; ln -s "$ATTACK/set_env" "$HOME/.baton/system-prompt.md"
  rm -f "$HOME/.codex/AGENTS.md"; ln -s "$ATTACK_BINARY" "$HOME/.codex/AGENTS.md"
  rm -f "$HOME/.copilot/copilot-instructions.md"; ln -s "$ATTACK_BINARY" "$HOME/.copilot/copilot-instructions.md"
  # Folders Baton makes again, and opens to all.
  mv "$HOME/tmp" "$HOME/tmp.old"; ln -s "$ATTACK/closed" "$HOME/tmp"
  rm -rf "$HOME/.baton/files"; ln -s "$ATTACK/files" "$HOME/.baton/files"
  ls -la "$HOME" "$HOME/.baton" "$HOME/.codex" "$HOME/.copilot" > "$HOME/planted" 2>&1
fi
echo '{"type":"result","is_error":false,"result":"done"}'
echo '{"method":"turn/completed","params":{"turn":{"status":"completed"}}}'
echo '{"jsonrpc":"2.0","id":3,"result":{"stopReason":"end_turn"}}'
`;

/** The workflow's file commands: what a step appends to them changes every later step. */
const FILE_COMMANDS = [
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
];

describeAsRoot('the engine’s HOME, prepared again as the job’s user', () => {
  const user = useThrowawayUser('eh');
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  /**
   * The job's files, where the tools user cannot reach them (a 0700 folder of the job's user):
   * its `set_env`, readable by all, and a folder closed to all but the job's user.
   */
  async function jobFiles(): Promise<{ attack: string; setEnv: string }> {
    const attack = await mkdtemp('/var/lib/baton-engine-home-');
    made.push(attack);
    await chmod(attack, 0o700);
    const setEnv = path.join(attack, 'set_env');
    await writeFile(setEnv, 'KEEP=1\n', { mode: 0o644 });
    await mkdir(path.join(attack, 'closed'), { mode: 0o700 });
    return { attack, setEnv };
  }

  it('never follows a link the engine planted there: the job’s files stay as they were', async () => {
    const { attack, setEnv } = await jobFiles();
    await mkdir(path.join(attack, 'files'), { mode: 0o700 });
    // The engine's install: the job's, readable by all (as the tool cache keeps it).
    const install = await mkdtemp('/var/lib/baton-engine-install-');
    made.push(install);
    await chmod(install, 0o755);
    const binary = path.join(install, 'engine');
    await writeFile(binary, ATTACKER_ENGINE, { mode: 0o755 });

    const root = await makeTempDir('baton-engine-home-checkout-');
    await writeFile(path.join(root, 'README.md'), '# demo\n');
    execFileSync('chmod', ['-R', 'a+rX', '--', root]);
    const sandbox = await openSandbox({ root, user, egress: null });
    try {
      const confinement = await confinementOf(sandbox, {
        ownNetwork: false,
        proxyUrl: 'http://127.0.0.1:9',
      });
      if (!confinement) throw new Error('no confinement with a tools user');
      const lines: string[] = [];
      const seat = (engine: InstalledEngine['engine']) => ({
        installed: {
          engine,
          version: 'attacker',
          root: install,
          binary,
          pathDirs: [],
          downloaded: false,
        } satisfies InstalledEngine,
        confinement,
        proxy: stubProxy(),
        limits: LIMITS(),
        meter: createUsageMeter(),
        now: Date.now,
        log: (line: string) => lines.push(line),
      });
      const conversation = (extra: boolean) => ({
        role: 'work' as const,
        repository: 'octo/demo',
        model: 'claude-sonnet-4-5',
        prompt: 'Do the task.',
        submit: createSubmitTool({
          name: 'submit_completion',
          description: 'Hand in.',
          schema: z.object({ summary: z.string() }),
        }),
        writes: true,
        web: false,
        extra: extra
          ? {
              files: [{ name: 'FILES', content: 'modified a.ts\n' }],
              describe: (dir: string) => `The files are in ${dir}.`,
            }
          : null,
        // What the session passes: the job's environment, scrubbed of credentials.
        env: {
          PATH: '/usr/bin:/bin',
          ATTACK: attack,
          ATTACK_BINARY: binary,
          ...Object.fromEntries(FILE_COMMANDS.map((name) => [name, setEnv])),
        },
      });
      // Claude Code's conversation: the first run plants, the second (after a nudge) is prepared again.
      const first = await runEngineConversation(conversation(false), seat('claude-code'));
      const planted = await readFile(path.join(sandbox.home ?? '', 'planted'), 'utf8');
      // Then Codex's, in the same sandbox, with the files a review reads; then Copilot's.
      const second = await runEngineConversation(conversation(true), seat('codex'));
      const third = await runEngineConversation(conversation(false), seat('copilot'));
      const envSeen = await readFile(path.join(sandbox.home ?? '', 'env-seen'), 'utf8');

      // Nothing of the job's was written, replaced or opened up through a link.
      expect.soft(await readFile(setEnv, 'utf8')).toBe('KEEP=1\n');
      expect.soft(await readFile(binary, 'utf8')).toBe(ATTACKER_ENGINE);
      expect.soft((await stat(binary)).mode & 0o7777).toBe(0o755);
      expect.soft((await stat(path.join(attack, 'closed'))).mode & 0o7777).toBe(0o700);
      expect.soft((await stat(path.join(attack, 'files'))).mode & 0o7777).toBe(0o700);
      expect.soft(await readdir(path.join(attack, 'files'))).toEqual([]);
      expect.soft(await readdir(path.join(attack, 'closed'))).toEqual([]);
      expect.soft((await readdir(attack)).sort()).toEqual(['closed', 'files', 'set_env']);
      // The engine ran as the tools user, each time, and handed nothing in; it could not
      // replace what Baton keeps in its HOME, so nothing stopped the session but that.
      expect.soft(first).toEqual({
        kind: 'failed',
        reason: expect.stringContaining('without writing its hand-in'),
      });
      expect.soft(second).toEqual({
        kind: 'failed',
        reason: expect.stringContaining('without writing its hand-in'),
      });
      expect.soft(third).toEqual({
        kind: 'failed',
        reason: expect.stringContaining('without writing its hand-in'),
      });
      for (const dir of ['tmp', '.codex', '.copilot', '.baton']) {
        const kept = await lstat(path.join(sandbox.home ?? '', dir));
        expect.soft(kept.isDirectory() && kept.uid === process.getuid?.(), dir).toBe(true);
      }
      expect(
        lines.filter((line) => line.includes('ran for') || line.includes('went on for')).length,
      ).toBeGreaterThanOrEqual(5);
      expect(planted.length).toBeGreaterThan(0);
      // Nor does the engine learn where the workflow's file commands are.
      for (const name of FILE_COMMANDS) expect.soft(envSeen).not.toContain(`${name}=`);
      expect.soft(envSeen).toContain(`ATTACK=${attack}`);
    } finally {
      await sandbox.close();
    }
  });

  /**
   * The same writes alone, on a HOME that is not sticky (as the sandbox made it
   * before): whatever the tools user replaced, Baton follows none of it. Each
   * case is planted by the tools user's own uid, then Baton prepares the HOME.
   */
  it.each([
    {
      planted: 'its temp folder replaced by a link to a closed folder of the job’s',
      plant: 'mv tmp tmp.old && ln -s "$ATTACK/closed" tmp',
      write: null,
      refused: true,
    },
    {
      planted:
        'Codex’s folder replaced by one of its own, the role prompt in it a link to a file of the job’s',
      plant:
        'mv .codex .codex.old && mkdir -m 777 .codex && ln -s "$ATTACK/set_env" .codex/AGENTS.md',
      write: '.codex/AGENTS.md',
      refused: true,
    },
    {
      planted: 'the role prompt in Baton’s own folder replaced by a link to a file of the job’s',
      plant: 'rm -f .codex/AGENTS.md && ln -s "$ATTACK/set_env" .codex/AGENTS.md',
      write: '.codex/AGENTS.md',
      refused: false,
    },
    {
      planted: 'the folder of a review’s files replaced by a link to a closed folder of the job’s',
      plant: 'rm -rf .baton/files && ln -s "$ATTACK/closed" .baton/files',
      write: '.baton/files/FILES',
      refused: true,
    },
  ])(
    'as the job’s user, follows no link and enters no folder of another’s: $planted',
    async ({ plant, write, refused }) => {
      const tools = await ensureToolUser(user, { network: 'host' });
      const { attack, setEnv } = await jobFiles();
      // A HOME as the sandbox made it before: open to all, not sticky, Baton's folders in it open too.
      const base = await makeTempDir('baton-engine-home-');
      await chmod(base, 0o755);
      const home = path.join(base, 'home');
      await mkdir(home);
      await chmod(home, 0o777);
      for (const dir of ['tmp', '.codex', '.baton', '.baton/files']) {
        await mkdir(path.join(home, dir));
        await chmod(path.join(home, dir), 0o777);
      }
      await writeFile(path.join(home, '.codex', 'AGENTS.md'), 'the prompt\n', { mode: 0o644 });
      execFileSync(
        'setpriv',
        [`--reuid=${tools.uid}`, `--regid=${tools.gid}`, '--clear-groups', 'sh', '-ec', plant],
        { cwd: home, env: { PATH: '/usr/bin:/bin', ATTACK: attack } },
      );

      const files = write ? [{ relative: write, content: 'Baton’s own\n' }] : [];
      const prepared = write?.startsWith('.baton/files/')
        ? prepareEngineHome(home, []).then(() => writeHomeFile(home, files[0] as (typeof files)[0]))
        : prepareEngineHome(home, files);
      const failed = await prepared.then(
        () => null,
        (error: unknown) => error,
      );

      expect.soft(await readFile(setEnv, 'utf8')).toBe('KEEP=1\n');
      expect.soft((await stat(setEnv)).mode & 0o7777).toBe(0o644);
      expect.soft((await stat(path.join(attack, 'closed'))).mode & 0o7777).toBe(0o700);
      expect.soft(await readdir(path.join(attack, 'closed'))).toEqual([]);
      expect.soft((await readdir(attack)).sort()).toEqual(['closed', 'set_env']);
      // Baton refuses to go on where it would have to follow what the tools user left.
      expect(failed instanceof EngineHomeError ? 'refused' : `went on (${failed})`).toBe(
        refused ? 'refused' : 'went on (null)',
      );
      if (!refused && write) {
        // The link is gone, and Baton's file is its own, in its place.
        const written = await lstat(path.join(home, write));
        expect(written.isFile()).toBe(true);
        expect(written.uid).toBe(process.getuid?.());
        expect(await readFile(path.join(home, write), 'utf8')).toBe('Baton’s own\n');
      }
    },
  );
});

function LIMITS(): AgentLimits {
  return {
    maxTurns: 10,
    maxTokens: 1_000_000,
    maxUsd: null,
    usdLimit: 'budget',
    budgetUsd: null,
    budgetOf: 'build',
    startedAt: Date.now(),
    windDownTurns: 3,
    deadline: Date.now() + 100_000,
    maxOutputTokens: 1_000,
    maxInvalidSubmissions: 2,
    maxNudges: 1,
    commandTimeoutMs: 30_000,
    maxToolOutputChars: 10_000,
  };
}

/** A model proxy that is never called: the attacker's engine asks no model. */
function stubProxy(): ModelProxy {
  return {
    url: 'http://127.0.0.1:9',
    socket: '/nonexistent',
    token: 'baton-session-test',
    refused: () => [],
    stopped: () => null,
    stoppedAt: () => null,
    toolCalls: () => [],
    neededUsd: () => null,
    onStop: () => {},
    onMetered: () => {},
    onModelRequest: () => {},
    interrupt: () => {},
    allowWeb: () => {},
    close: async () => {},
  };
}
