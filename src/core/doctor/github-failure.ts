/**
 * Why a request to GitHub failed, told apart once for every place that says
 * so (`baton doctor`, a session's reads and publish, `/readyz`): GitHub could
 * not be reached (its name, a connection, TLS, a proxy, a time limit), or it
 * answered and refused. Octokit turns a request that never reached GitHub
 * into an error with status 500 and the network error as its `cause`
 * (@octokit/request's fetch wrapper), so the status alone says nothing: a
 * refusal is an error that carries GitHub's `response`. A request fetch
 * refused to send (a blocked port) never reached GitHub either.
 */

/** Where on the way a request stopped. */
export type ReachLayer = 'dns' | 'port' | 'tcp' | 'tls' | 'proxy' | 'timeout';

export type GitHubFailure =
  /** No answer from GitHub: `code` is the system's or undici's (`ENOTFOUND`), `detail` its message. */
  | { kind: 'unreachable'; layer: ReachLayer; code: string; detail: string }
  /** GitHub answered with an error status. */
  | { kind: 'refused'; status: number; message: string }
  /** Neither could be told (not an HTTP error at all). */
  | { kind: 'other'; message: string };

const LAYERS: Record<ReachLayer, readonly string[]> = {
  dns: ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME'],
  // fetch's network error for a port the Fetch standard blocks carries no code: see `layerOf`.
  port: [],
  tcp: [
    'ECONNREFUSED',
    'ECONNRESET',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENETDOWN',
    'EPIPE',
    'EADDRNOTAVAIL',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
  ],
  tls: [
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'EPROTO',
  ],
  proxy: ['UND_ERR_PRX_TLS', 'ERR_PROXY_TUNNEL', 'ERR_PROXY_INVALID_CONFIG'],
  timeout: [
    'ETIMEDOUT',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'ABORT_ERR',
  ],
};

/** What a failed request to GitHub was: unreachable, refused, or neither. */
export function classifyGitHubFailure(error: unknown): GitHubFailure {
  const response = field(error, 'response');
  const status = field(error, 'status');
  if (response && typeof status === 'number') {
    return { kind: 'refused', status, message: refusalMessage(error, response) };
  }
  for (const link of causeChain(error)) {
    const code = String(field(link, 'code') ?? '');
    const detail = String(field(link, 'message') ?? code);
    const layer = layerOf(code, detail, String(field(link, 'name') ?? ''));
    if (layer) return { kind: 'unreachable', layer, code: code || layer, detail };
  }
  if (typeof status === 'number' && status !== 500) {
    return { kind: 'refused', status, message: String(field(error, 'message') ?? '') };
  }
  return { kind: 'other', message: String(field(error, 'message') ?? error) };
}

/** True when GitHub was never reached: a network fault, not an answer. */
export function isUnreachable(error: unknown): boolean {
  return classifyGitHubFailure(error).kind === 'unreachable';
}

const LAYER_NAMES: Record<ReachLayer, string> = {
  dns: 'DNS',
  port: 'blocked port',
  tcp: 'TCP',
  tls: 'TLS',
  proxy: 'proxy',
  timeout: 'timed out',
};

/** What to check, per layer, in a sentence that follows "check ". */
const LAYER_FIXES: Record<ReachLayer, string> = {
  dns: 'the host name and the DNS this machine uses',
  port: 'the port in the URL: fetch never connects to some ports (https://fetch.spec.whatwg.org/#port-blocking, such as 9 or 6000); serve it on another',
  tcp: 'the network, a firewall, and that the host answers on its port',
  tls: 'the certificate the host presents and the CAs this machine trusts (NODE_EXTRA_CA_CERTS)',
  proxy: 'the proxy settings (HTTPS_PROXY, NO_PROXY) and the proxy itself',
  timeout: 'the network and the proxy; GitHub may also be slow right now',
};

/**
 * One line for a log, a doctor check or a job summary: `cannot reach GitHub
 * (DNS: getaddrinfo ENOTFOUND api.github.com)`, `GitHub refused (401 Bad
 * credentials)`; `host` names another server (the app, for publish's token
 * exchange). Never a stack and never a request's headers.
 */
export function describeGitHubFailure(failure: GitHubFailure, host = 'GitHub'): string {
  switch (failure.kind) {
    case 'unreachable':
      return `cannot reach ${host} (${LAYER_NAMES[failure.layer]}: ${failure.detail})`;
    case 'refused':
      return `${host} refused (${failure.status}${failure.message ? ` ${failure.message}` : ''})`;
    case 'other':
      return failure.message;
    default: {
      const _exhaustive: never = failure;
      return _exhaustive;
    }
  }
}

/** The layer in a word or two (`DNS`, `timed out`), for a short reason such as `/readyz`'s. */
export function reachLayerName(layer: ReachLayer): string {
  return LAYER_NAMES[layer];
}

/** What to check for a failure that never reached GitHub. */
export function reachFix(layer: ReachLayer): string {
  return `check ${LAYER_FIXES[layer]}`;
}

function layerOf(code: string, message: string, name: string): ReachLayer | null {
  for (const [layer, codes] of Object.entries(LAYERS) as [ReachLayer, readonly string[]][]) {
    if (codes.includes(code)) return layer;
  }
  // undici's network error for a port the Fetch standard blocks; the request never left.
  if (message === 'bad port') return 'port';
  if (/proxy/i.test(message)) return 'proxy';
  if (/certificate|ssl|tls/i.test(message)) return 'tls';
  if (name === 'AbortError' || name === 'TimeoutError') return 'timeout';
  return null;
}

/** The error, its causes, and the errors an AggregateError holds (one per address tried). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 10) {
    const next = queue.shift();
    if (next === undefined || next === null || chain.includes(next)) continue;
    chain.push(next);
    queue.push(field(next, 'cause'));
    const errors = field(next, 'errors');
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return chain;
}

function refusalMessage(error: unknown, response: unknown): string {
  const data = field(response, 'data');
  const message = field(data, 'message');
  if (typeof message === 'string') return message;
  const own = field(error, 'message');
  return typeof own === 'string' ? own : '';
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
