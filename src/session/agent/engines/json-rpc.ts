/**
 * What Baton says to an engine it talks to over JSON-RPC (Codex's app server, Copilot's ACP):
 * the request that opens the talk, and the answer to any request the engine makes of Baton.
 */

/**
 * The JSON-RPC `initialize` request that opens a talk (`id`): the engine's own `params`,
 * and Baton's name as a client.
 */
export function initializeRequest(id: number, params: Record<string, unknown> = {}) {
  return {
    id,
    method: 'initialize',
    params: { ...params, clientInfo: { name: 'baton', title: 'Baton', version: '1' } },
  };
}

/** The answer to any request an engine makes of Baton: JSON-RPC's "method not found". */
export function noAnswer(id: unknown) {
  return { id, error: { code: -32601, message: 'Baton answers no requests' } };
}
