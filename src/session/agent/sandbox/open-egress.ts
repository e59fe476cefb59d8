import { type BlockedConnections, SANDBOX_PROXY_PORT } from '../../../core/sessions/egress.js';
import type { Forward } from './forwarder.js';
import { type EgressProxy, startEgressProxy } from './proxy.js';

/** The port inside the sandbox where the egress proxy answers (the namespace is the sandbox's own). */
export const EGRESS_PORT = SANDBOX_PROXY_PORT;

/** The sandbox's way out while a session runs: the proxy, where it is forwarded, and what commands are told. */
export interface Egress {
  /** Variables that point the model's programs at the proxy. */
  env: Record<string, string>;
  forward: Forward;
  blocked: () => BlockedConnections[];
  close: () => Promise<void>;
}

/** The variables common programs read for a proxy (curl, git, pip, npm, cargo, go, gem, apt; Node's fetch; Java). */
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
 * Starts the egress proxy for the session on the unix socket `socket` (in the
 * session's own folder, hidden inside the sandbox), for the sandbox to reach
 * at `127.0.0.1:EGRESS_PORT` through its forwarder, which is the sandbox's
 * only way out.
 */
export async function openEgress({
  socket,
  allow,
  log,
  hosts,
}: {
  socket: string;
  allow: readonly string[];
  log: (line: string) => void;
  /** Fixed addresses for names (tests, simulations); the rest is resolved by the proxy. */
  hosts?: Readonly<Record<string, string>>;
}): Promise<Egress> {
  const proxy: EgressProxy = await startEgressProxy({
    socket,
    allow,
    log,
    ...(hosts ? { hosts } : {}),
  });
  return {
    env: proxyEnv(EGRESS_PORT),
    forward: { port: EGRESS_PORT, socket },
    blocked: proxy.blocked,
    close: proxy.close,
  };
}
