import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { type CodingEngine, providerOf } from '../src/core/sessions/engines.js';
import { HOME_FOLDERS } from '../src/session/agent/engines/engine-home.js';
import { ENGINE_KITS, engineKit } from '../src/session/agent/engines/engine-registry.js';
import { engineCacheDir, ensureEngine } from '../src/session/agent/engines/install-engine.js';
import { SYSTEM_PATH } from '../src/session/programs.js';
import { listenLocally } from '../test/support/local-server.js';
import { stopAtFirstRequest } from './first-request.js';

/**
 * Each engine's own start-up, beside Baton's loop (bench/startup.ts): from
 * the spawn of the pinned binary, with the command line and environment a
 * session gives it (its kit's command, engines/engine-registry.ts) and its
 * prompt on its input (its kit's talk), to its first request to the
 * model, here one local server that notes the time and answers 503 (each
 * engine then stops at once: no retry is allowed). The engine is found in the
 * tool cache, or installed into it first (that install is timed too). Not in
 * the sandbox: bench/egress.ts measures what a run of the sandbox adds.
 */
export interface EngineReport {
  samples: number;
  engines: Array<{
    engine: CodingEngine;
    version: string;
    /** Finding it in the cache, or installing it (`downloaded`). */
    ensureMs: number;
    downloaded: boolean;
    medianMs: number;
    maxMs: number;
  }>;
}

export async function measureEngines({ samples = 5 } = {}): Promise<EngineReport> {
  const engines: EngineReport['engines'] = [];
  for (const engine of Object.keys(ENGINE_KITS) as CodingEngine[]) {
    const started = performance.now();
    const installed = await ensureEngine({ engine, cacheDir: engineCacheDir() });
    const ensureMs = performance.now() - started;
    const times: number[] = [];
    for (let i = 0; i < samples; i += 1) times.push(await firstRequestMs(engine, installed));
    times.sort((a, b) => a - b);
    engines.push({
      engine,
      version: installed.version,
      ensureMs,
      downloaded: installed.downloaded,
      medianMs: times[Math.floor(times.length / 2)] ?? Number.NaN,
      maxMs: times.at(-1) ?? Number.NaN,
    });
  }
  return { samples, engines };
}

async function firstRequestMs(
  engine: CodingEngine,
  installed: { binary: string; pathDirs: string[] },
): Promise<number> {
  let first: number | null = null;
  const server = createServer((req, res) => {
    first ??= performance.now();
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"error":{"type":"overloaded_error","message":"bench"}}');
  });
  const url = await listenLocally(server);
  const model = providerOf(engine) === 'openai' ? 'gpt-5.5' : 'claude-sonnet-5-5';
  const root = await mkdtemp(join(tmpdir(), 'baton-bench-engine-'));
  try {
    const work = join(root, 'work');
    const home = join(root, 'home');
    for (const dir of [work, ...Object.keys(HOME_FOLDERS).map((folder) => join(home, folder))])
      await mkdir(dir, { recursive: true });
    const command = engineKit(engine).command({
      binary: installed.binary,
      pathDirs: installed.pathDirs,
      basePath: SYSTEM_PATH,
      prompt: 'Say hello.',
      model,
      system: 'You are a bench.',
      workDir: work,
      home,
      modelUrl: url,
      token: 'bench',
      web: false,
      maxTurns: 1,
      resume: false,
    });
    for (const file of command.files) {
      await mkdir(dirname(file.path), { recursive: true });
      await writeFile(file.path, file.content);
    }
    const env = {
      ...command.env,
      CLAUDE_CODE_MAX_RETRIES: '0',
      // Claude Code refuses to skip permissions as root unless told it is sandboxed.
      IS_SANDBOX: '1',
    };
    const started = performance.now();
    const child = spawn(installed.binary, command.args, {
      cwd: work,
      env,
      stdio: ['pipe', 'pipe', process.env.BENCH_DEBUG ? 'inherit' : 'ignore'],
    });
    // The prompt goes in as a session gives it: on the engine's input (its kit's talk).
    const talk = engineKit(engine).talk({
      prompt: 'Say hello.',
      model,
      workDir: work,
      resume: false,
      thread: { id: null },
      log: () => undefined,
    });
    createInterface({ input: child.stdout }).on('line', (line) => talk.line(line));
    child.stdin.on('error', () => undefined);
    talk.start(child.stdin);
    await stopAtFirstRequest(child, () => first !== null);
    if (first === null) throw new Error(`${engine} made no request`);
    return (first as number) - started;
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(await measureEngines()));
}
