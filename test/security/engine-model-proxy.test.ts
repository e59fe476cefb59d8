import { expect, it } from 'vitest';
import type { CodingEngine } from '../../src/core/sessions/engines.js';
import { findModelPrice } from '../../src/core/vocabulary/pricing.js';
import { ENGINE_KITS } from '../../src/session/agent/engines/engine-registry.js';
import { MAX_IN_FLIGHT } from '../../src/session/agent/model-proxy/model-proxy.js';
import { API_KEY } from '../session/agent-fixtures.js';
import { describeAsRoot, useThrowawayUser } from './confine-fixtures.js';
import { ENGINE_CASE_LIMIT_MS, engineSession, OPENAI_KEY } from './engine-fixtures.js';

/**
 * A whole engine (each of engine-registry.ts) runs the model's commands, so they can
 * do whatever the engine's process could: here they try to reach a model
 * without the model proxy (the provider directly, by name, by address, on
 * any port), to use the proxy for more than the model endpoints, and to
 * spend past the session's budget through it.
 */
const ENGINES = Object.keys(ENGINE_KITS) as CodingEngine[];

/**
 * How many of the twenty requests fired at once just under the budget (below)
 * a provider serves, the engine's first request included: three more after
 * Claude Code's $0.30, two after Codex's $0.60 (or one: told to wind down after
 * its first answer, Codex may have a request of its own under way, holding its
 * reservation while the twenty come, which the wind-down's turn/steer then cuts off).
 */
/**
 * What a command does first to hold the session's proxy token as
 * `$ANTHROPIC_API_KEY` and `$BATON_MODEL_TOKEN`, where Claude Code and Codex
 * give it: Copilot keeps its provider's variables out of its shell's
 * environment, so its commands take the token from the engine's own process,
 * as any command of the tools user can.
 */
const TOKEN_FIRST: Record<CodingEngine, string> = {
  'claude-code': '',
  codex: '',
  copilot: `ANTHROPIC_API_KEY=$(tr '\\0' '\\n' < /proc/$PPID/environ | sed -n 's/^COPILOT_PROVIDER_API_KEY=//p'); BATON_MODEL_TOKEN=$ANTHROPIC_API_KEY; `,
};

/** The model's commands on `engine`, each holding the token first. */
function asEngine(engine: CodingEngine, commands: readonly string[]): string[] {
  return commands.map((command) => `${TOKEN_FIRST[engine]}${command}`);
}

const SERVED_JUST_UNDER_BUDGET: Record<CodingEngine, readonly number[]> = {
  'claude-code': [4],
  codex: [2, 3],
  copilot: [4],
};

/** Every TCP port of 127.0.0.1 that answers, as the sandbox sees it (a socket that met itself does not count). */
const OPEN_PORTS = `node -e '
const net = require("node:net");
const open = [];
let port = 1, live = 0;
const next = () => {
  while (live < 512 && port <= 65535) {
    const p = port++; live++;
    const s = net.connect({ host: "127.0.0.1", port: p });
    s.setTimeout(2000);
    const done = (ok) => { if (ok) open.push(p); s.destroy(); live--; if (port > 65535 && live === 0) console.log("open ports: " + open.sort((a, b) => a - b).join(",")); else next(); };
    s.once("connect", () => done(s.localPort !== p)); s.once("error", () => done(false)); s.once("timeout", () => done(false));
  }
};
next();
'`;

/** Each path with the session's token, as `<path> <status>`: the provider's other APIs and path tricks. */
const OTHER_PATHS = [
  'GET /v1/models',
  'GET /v1/files',
  'POST /v1/files',
  'POST /v1/messages/batches',
  'GET /v1/organizations/me',
  'POST /v1/complete',
  'POST /v1/chat/completions',
  'POST /v1/embeddings',
  'GET /v1/responses/resp_1',
  'POST /v1/responses/resp_1/cancel',
  'POST /v1/messages/../models',
  'POST //v1/messages',
  'POST /v1/messages%2F..%2Fbatches',
  'POST /v1/messages?beta=true&x=1',
  'GET /v1/messages',
];
const TRY_PATHS = OTHER_PATHS.map((line) => {
  const [method, target] = line.split(' ');
  return `printf '%s ' '${line}'; curl -s --path-as-is -o /dev/null -w '%{http_code}\\n' -X ${method} -H "x-api-key: $ANTHROPIC_API_KEY" -H "authorization: Bearer $BATON_MODEL_TOKEN" -H 'content-type: application/json' -d '{}' 'http://127.0.0.1:3129${target}'`;
}).join('; ');

/** Requests that would have a provider fetch an address or read what they do not carry, as `<name> <route> <body>`. */
const REACHING_OUT = [
  [
    'anthropic-image-url',
    '/v1/messages',
    '{"model":"claude-sonnet-5-5","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://collector.example/x.png"}}]}]}',
  ],
  [
    'anthropic-document-url',
    '/v1/messages/count_tokens',
    '{"model":"claude-sonnet-5-5","messages":[{"role":"user","content":[{"type":"document","source":{"type":"url","url":"https://collector.example/x.pdf"}}]}]}',
  ],
  [
    'openai-image-url',
    '/v1/responses',
    '{"model":"gpt-5.5","input":[{"role":"user","content":[{"type":"input_image","image_url":"https://collector.example/x.png"}]}]}',
  ],
  [
    'openai-file-url',
    '/v1/responses',
    '{"model":"gpt-5.5","input":[{"role":"user","content":[{"type":"input_file","file_url":"https://collector.example/x.pdf"}]}]}',
  ],
  [
    'openai-stored-context',
    '/v1/responses',
    '{"model":"gpt-5.5","input":"hi","previous_response_id":"resp_1"}',
  ],
] as const;
const TRY_REACHING_OUT = REACHING_OUT.map(
  ([name, route, body]) =>
    `printf '%s ' '${name}'; curl -s -o /dev/null -w '%{http_code}\\n' -X POST -H "x-api-key: $ANTHROPIC_API_KEY" -H "authorization: Bearer $BATON_MODEL_TOKEN" -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' -d '${body}' http://127.0.0.1:3129${route}`,
).join('; ');

describeAsRoot('an engine reaches a model only through the model proxy', () => {
  const user = useThrowawayUser('ep');

  it.each(ENGINES)(
    '%s: its commands reach no provider directly, by name, address or port, and nothing but the model endpoints through the proxy',
    async (engine) => {
      const run = await engineSession({
        engine,
        user,
        commands: ({ anthropic, openai }) =>
          asEngine(engine, [
            // The fake providers where they listen on the runner, with a key of their own.
            `curl -sS -m 5 -X POST -H 'x-api-key: sk-ant-stolen' -d '{}' ${anthropic}/v1/messages; echo " direct anthropic: $?"; curl -sS -m 5 -X POST -d '{}' ${openai}/responses; echo " direct openai: $?"`,
            // By name through the egress proxy, and without it.
            `curl -sS -m 5 -o /dev/null -X POST https://api.anthropic.com/v1/messages; echo " by name: $?"; curl -sS -m 5 --noproxy '*' -o /dev/null https://api.openai.com/v1/responses; echo " by name, no proxy: $?"; curl -sS -m 5 --noproxy '*' -o /dev/null https://160.79.104.10/v1/messages; echo " by address: $?"`,
            OPEN_PORTS,
            TRY_PATHS,
          ]),
      });
      expect(run.result.status).toBe('complete');
      expect(run.seen).toMatch(/direct anthropic: [1-9]/);
      expect(run.seen).toMatch(/direct openai: [1-9]/);
      expect(run.seen).toMatch(/by name: [1-9]/);
      expect(run.seen).toMatch(/by name, no proxy: [1-9]/);
      expect(run.seen).toMatch(/by address: [1-9]/);
      // Inside, 127.0.0.1 is the sandbox's own: the egress proxy and the model proxy, nothing of the runner's.
      expect(run.seen).toContain('open ports: 3128,3129\n');
      for (const line of OTHER_PATHS)
        expect(run.seen).toMatch(new RegExp(`${escapeRegExp(line)} 404`));
      // Every request a provider saw came through the proxy (its key), to a model endpoint.
      expect(run.unknown).toEqual([]);
      for (const request of run.anthropic) {
        expect(request.headers['x-api-key']).toBe(API_KEY);
      }
      for (const request of run.openai) {
        expect(request.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
      }
      expect(run.anthropic.length + run.openai.length).toBeGreaterThanOrEqual(5);
    },
    ENGINE_CASE_LIMIT_MS,
  );

  it.each(ENGINES)(
    '%s: its commands ask either provider for an image, a document or a file by address, or stored context, and no provider gets it',
    async (engine) => {
      const run = await engineSession({
        engine,
        user,
        commands: asEngine(engine, [TRY_REACHING_OUT]),
      });
      expect(run.result.status).toBe('complete');
      for (const [name] of REACHING_OUT) expect(run.seen).toMatch(new RegExp(`${name} 400\\b`));
      // The providers saw the engine's own requests only: no part by address, no stored context
      // (the commands' text reaches them, quoted inside the engine's tool calls, as any command).
      const sent = JSON.stringify([
        ...run.anthropic.map((request) => request.body),
        ...run.openai.map((request) => request.body),
      ]);
      expect(run.anthropic.length + run.openai.length).toBeGreaterThan(0);
      for (const field of [
        '"source":{"type":"url"',
        '"image_url":',
        '"file_url":',
        '"previous_response_id":',
      ])
        expect(sent).not.toContain(field);
      expect(run.logs.filter((line) => line.includes('model proxy: refused'))).toHaveLength(
        REACHING_OUT.length,
      );
    },
    ENGINE_CASE_LIMIT_MS,
  );

  it.each(ENGINES)(
    '%s: once the session has spent its budget, neither the engine nor its commands get another answer',
    async (engine) => {
      const tryAgain = `for i in 1 2 3 4 5; do curl -s -o /dev/null -w '%{http_code} ' -X POST -H "x-api-key: $ANTHROPIC_API_KEY" -H "authorization: Bearer $BATON_MODEL_TOKEN" -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' -d '{"model":"claude-sonnet-5-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}' http://127.0.0.1:3129/v1/messages; curl -s -o /dev/null -w '%{http_code} ' -X POST -H "authorization: Bearer $BATON_MODEL_TOKEN" -H 'content-type: application/json' -d '{"model":"gpt-5.5","input":"hi"}' http://127.0.0.1:3129/v1/responses; done`;
      const run = await engineSession({
        engine,
        user,
        // Each answer reports a million input tokens: more than the budget of $2 on either provider.
        usage: { input_tokens: 1_000_000 },
        budgetUsd: 2,
        commands: asEngine(engine, [tryAgain, tryAgain, 'echo still going']),
      });
      expect(run.result.status).toBe('failed');
      expect(run.result.reason).toMatch(/budget/);
      // The provider served the engine's first request only.
      expect(run.anthropic.length + run.openai.length).toBe(1);
      expect(run.seen).not.toContain('still going');
    },
    ENGINE_CASE_LIMIT_MS,
  );

  it.each(ENGINES)(
    '%s: its commands fire twenty requests at once just under the budget, and no more than the budget’s worth start',
    async (engine) => {
      const request = `curl -s -o /dev/null -w '%{http_code} ' -X POST -H "x-api-key: $ANTHROPIC_API_KEY" -H "authorization: Bearer $BATON_MODEL_TOKEN" -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' -d '{"model":"claude-sonnet-5-5","max_tokens":20000,"messages":[{"role":"user","content":"hi"}]}' http://127.0.0.1:3129/v1/messages`;
      const run = await engineSession({
        engine,
        user,
        // Each answer reports 20,000 output tokens: $0.30 on Sonnet, $0.60 on gpt-5.5; the budget is $1.
        usage: { input_tokens: 10, output_tokens: 20_000 },
        budgetUsd: 1,
        // Every answer takes a while: the twenty are under way together.
        answerDelayMs: 300,
        commands: asEngine(engine, [
          `for i in $(seq 20); do ${request} & done; wait; echo " all sent"`,
          'echo still going',
        ]),
      });
      expect(run.result.status).toBe('failed');
      expect(run.result.reason).toMatch(/budget/);
      // The engine's first request, then only what the spend so far and those under way left room for.
      const served = run.anthropic.length + run.openai.length;
      expect(SERVED_JUST_UNDER_BUDGET[engine]).toContain(served);
      expect(served).toBeLessThanOrEqual(1 + MAX_IN_FLIGHT);
      expect(run.result.usage.cost_usd).toBeLessThan(1 + 0.61);
      expect(run.seen).not.toContain('still going');
    },
    ENGINE_CASE_LIMIT_MS,
  );

  it.each(ENGINES)(
    '%s: a session that only works passes the proxy whole: every model it calls is priced, nothing is refused',
    async (engine) => {
      const run = await engineSession({ engine, user, commands: ['echo working'] });
      expect(run.result.status).toBe('complete');
      expect(run.logs.filter((line) => line.includes('model proxy'))).toEqual([]);
      const models = [
        ...run.anthropic.map((request) => request.body.model),
        ...run.openai.map((request) => request.body.model),
      ];
      expect(models.length).toBeGreaterThan(0);
      for (const model of models) expect(findModelPrice(model), model).not.toBeNull();
      expect(run.result.usage.cost_usd).toBeGreaterThan(0);
      // Nor did the engine ask the egress proxy for any host (an update check, telemetry, a sign-in).
      expect(run.result.blocked).toEqual([]);
    },
    ENGINE_CASE_LIMIT_MS,
  );
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
