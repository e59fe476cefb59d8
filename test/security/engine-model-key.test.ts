import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CodingEngine, providerOf } from '../../src/core/sessions/engines.js';
import { ENGINE_KITS } from '../../src/session/agent/engines/engine-registry.js';
import { API_KEY, makeTempDir } from '../session/agent-fixtures.js';
import { describeAsRoot, useThrowawayUser } from './confine-fixtures.js';
import { ENGINE_CASE_LIMIT_MS, engineSession, OPENAI_KEY } from './engine-fixtures.js';

/**
 * A whole engine (each of engine-registry.ts) runs the model's commands, so the
 * model's commands are the engine's: whatever the engine's process could
 * reach, they can. The model key lives only in the session's process (its
 * model proxy); the engine calls the proxy with a token good for this session
 * only. Its commands look for the key everywhere a process of the job keeps it.
 */
const ENGINES = Object.keys(ENGINE_KITS) as CodingEngine[];

/**
 * What an engine's commands see in their environment: a variable of the
 * engine's, and whether the session's proxy token is among them (Copilot
 * takes its provider's variables out of its shell's environment).
 */
const ENVIRONMENT_SEEN: Record<CodingEngine, { listed: string; token: boolean }> = {
  'claude-code': { listed: 'ANTHROPIC_BASE_URL=http://127.0.0.1:3129', token: true },
  codex: { listed: 'BATON_MODEL_TOKEN=baton-session-', token: true },
  copilot: { listed: 'COPILOT_CLI=1', token: false },
};

/** The prefixes travel reversed, so that only the key itself (never the command's text) matches. */
const reversed = (text: string) => [...text].reverse().join('');

/**
 * Every process's environment (but the scanner's own), and the readable memory of every process it
 * may open (maps, then mem), searched for the two keys' prefixes: what a
 * command would do to find a key in the process that holds it.
 */
const SCAN_PROCESSES = `node -e '
const fs = require("node:fs");
const wanted = [${JSON.stringify(reversed(API_KEY.slice(0, 14)))}, ${JSON.stringify(reversed(OPENAI_KEY.slice(0, 14)))}].map((w) => [...w].reverse().join(""));
let read = 0, found = [];
for (const pid of fs.readdirSync("/proc").filter((name) => /^\\d+$/.test(name) && name !== String(process.pid))) {
  try { const env = fs.readFileSync("/proc/" + pid + "/environ", "latin1"); read++; for (const w of wanted) if (env.includes(w)) found.push(pid + " environ " + env.slice(env.indexOf(w), env.indexOf(w) + 40)); } catch {}
  let maps = ""; try { maps = fs.readFileSync("/proc/" + pid + "/maps", "latin1"); } catch { continue; }
  let fd; try { fd = fs.openSync("/proc/" + pid + "/mem", "r"); } catch { continue; }
  for (const line of maps.split("\\n")) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(line); if (!m) continue;
    const start = parseInt(m[1], 16), size = Math.min(parseInt(m[2], 16) - start, 64 << 20);
    const buf = Buffer.alloc(size); try { fs.readSync(fd, buf, 0, size, start); } catch { continue; }
    const text = buf.toString("latin1"); for (const w of wanted) { const at = text.indexOf(w); if (at >= 0) found.push(pid + " mem " + text.slice(at, at + 40)); }
  }
}
console.log("environ read: " + read + "; found: " + (found.join(" | ") || "none"));
'`;

describeAsRoot('an engine never holds the model key', () => {
  const user = useThrowawayUser('ek');
  // The session's own process has the keys in its environment, as the job's step gives them.
  beforeAll(() => {
    process.env.ANTHROPIC_API_KEY = API_KEY;
    process.env.OPENAI_API_KEY = OPENAI_KEY;
  });
  afterAll(() => {
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.OPENAI_API_KEY;
  });

  it.each(ENGINES)(
    '%s: its commands find the key neither in their environment, nor in any process’s environment or memory, nor in the job user’s files',
    async (engine) => {
      const secrets = await makeTempDir('baton-job-files-');
      await chmod(secrets, 0o755);
      // Where a job keeps what it must not share: its own files, readable by itself only.
      await writeFile(
        path.join(secrets, 'credentials'),
        `ANTHROPIC_API_KEY=${API_KEY}\nOPENAI_API_KEY=${OPENAI_KEY}\n`,
        { mode: 0o600 },
      );
      await mkdir(path.join(secrets, 'run'), { mode: 0o700 });
      const run = await engineSession({
        engine,
        user,
        commands: [
          'env; echo ---; tr "\\0" "\\n" < /proc/self/environ',
          SCAN_PROCESSES,
          `cat ${secrets}/credentials; ls ${secrets}/run; grep -rs ${API_KEY.slice(0, 14)} ${secrets} /tmp 2>&1 | head -5; echo searched`,
        ],
      });
      // The commands ran and looked: the environment listed, processes scanned, files tried.
      expect(run.seen).toContain(ENVIRONMENT_SEEN[engine].listed);
      expect(run.seen).toMatch(/environ read: \d+; found: none/);
      expect(run.seen).toContain('searched');
      for (const key of [API_KEY, OPENAI_KEY]) expect(run.seen).not.toContain(key);
      // What the engine holds instead: the session's proxy token, which the provider never sees.
      if (ENVIRONMENT_SEEN[engine].token) expect(run.seen).toMatch(/baton-session-[0-9a-f]{48}/);
      const sent = JSON.stringify([
        ...run.anthropic.map((r) => r.headers),
        ...run.openai.map((r) => r.headers),
      ]);
      expect(sent).not.toContain('baton-session-');
      expect(sent).toContain(providerOf(engine) === 'openai' ? `Bearer ${OPENAI_KEY}` : API_KEY);
      expect(run.result.status).toBe('complete');
    },
    ENGINE_CASE_LIMIT_MS,
  );
});
