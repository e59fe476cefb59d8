import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BlockedConnections } from '../../../core/sessions/egress.js';
import { programPath } from '../../programs.js';
import { type EgressProxy, startEgressProxy } from './proxy.js';
import { applyEgressRules, EgressSetupError, type FilterExec } from './rules.js';

const run = promisify(execFile);

/** The tools user's network while a session runs: the proxy, the rules, and what its commands are told. */
export interface Egress {
  /** Variables that point the tools user's programs at the proxy. */
  env: Record<string, string>;
  blocked: () => BlockedConnections[];
  /** How long the proxy and the rules took to set up. */
  setupMs: number;
  close: () => Promise<void>;
}

/** The variables common programs read for a proxy (curl, git, pip, npm, cargo, go, gem; Node's fetch; Java). */
export function proxyEnv(port: number): Record<string, string> {
  const url = `http://127.0.0.1:${port}`;
  const local = 'localhost,127.0.0.1,::1';
  return {
    HTTP_PROXY: url,
    HTTPS_PROXY: url,
    http_proxy: url,
    https_proxy: url,
    NO_PROXY: local,
    no_proxy: local,
    npm_config_proxy: url,
    npm_config_https_proxy: url,
    NODE_USE_ENV_PROXY: '1',
    JAVA_TOOL_OPTIONS: `-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=${port} -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=${port}`,
  };
}

/**
 * Limits `user`'s network to `allow` for the session: starts the proxy in
 * this process, then sets the packet filter rules that leave that user
 * loopback only. Throws EgressSetupError (what the runner needs) when the
 * rules cannot be set; nothing of the user's runs before they are.
 */
export async function openEgress({
  user,
  allow,
  log,
  hosts,
  exec,
}: {
  user: string;
  allow: readonly string[];
  log: (line: string) => void;
  /** Fixed addresses for names (tests, simulations); the rest is resolved by the proxy. */
  hosts?: Readonly<Record<string, string>>;
  exec?: FilterExec;
}): Promise<Egress> {
  const started = performance.now();
  const uid = await uidOf(user);
  const proxy: EgressProxy = await startEgressProxy({ allow, log, ...(hosts ? { hosts } : {}) });
  let removeRules: () => Promise<void>;
  try {
    removeRules = await applyEgressRules({ uid, ...(exec ? { exec } : {}) });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  const setupMs = Math.round(performance.now() - started);
  log(
    `egress: ${user}'s commands reach ${allow.length} allowed host patterns through 127.0.0.1:${proxy.port}; everything else is refused (set up in ${setupMs} ms)`,
  );
  return {
    env: proxyEnv(proxy.port),
    blocked: proxy.blocked,
    setupMs,
    close: async () => {
      await removeRules();
      await proxy.close();
    },
  };
}

async function uidOf(user: string): Promise<number> {
  try {
    const { stdout } = await run(programPath('id'), ['-u', '--', user]);
    const uid = Number(stdout.trim());
    if (Number.isInteger(uid) && uid > 0) return uid;
  } catch {
    // Said below.
  }
  throw new EgressSetupError(`could not read the uid of the tools user ${user}`);
}
