import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/context/action.js';
import { buildLedger } from '../../src/core/snapshot/ledger.js';
import { normalizeSnapshot } from '../../src/core/snapshot/normalize-snapshot.js';
import {
  agentSpanIdOf,
  buildSpans,
  rootSpanIdOf,
  traceIdOf,
} from '../../src/telemetry/build-spans.js';
import { ago, BUILD, NOW } from '../core/factories.js';
import { actedBuild, OPEN_FINAL } from '../support/acted-build.js';

const NOTICE: Action = { kind: 'notice', key: 'final', body: 'The build is ready for review' };

describe('buildSpans', () => {
  it('makes the root once its write opened the final pull request, a session per ledger entry under it', () => {
    const acted = actedBuild([
      {
        action: OPEN_FINAL,
        result: 'done',
        opened: { number: 200, url: 'https://github.com/acme/shop/pull/200' },
      },
      { action: NOTICE, result: 'done' },
      { action: { kind: 'look-again', inMs: 1000 }, result: 'done' },
      { action: { kind: 'add-label', number: 12, label: 'baton:done' }, result: 'unchanged' },
    ]);
    const spans = buildSpans(acted);
    const traceId = traceIdOf('acme/shop', BUILD);
    expect(spans.map((span) => span.name)).toEqual([
      'baton.open-final-pull',
      'baton.notice',
      `invoke_workflow ${BUILD}`,
    ]);
    expect(spans.every((span) => span.traceId === traceId)).toBe(true);
    const [opened, , root] = spans;
    expect(opened?.parentSpanId).toBe(rootSpanIdOf('acme/shop', BUILD));
    expect(opened?.attributes).toEqual({
      'baton.repository': 'Acme/Shop',
      'baton.build': BUILD,
      'baton.asker': 'alice',
      'baton.door': 'improve',
      'baton.outcome': 'done',
      'baton.pull': 200,
    });
    expect(root?.spanId).toBe(rootSpanIdOf('acme/shop', BUILD));
    expect(root?.parentSpanId).toBeUndefined();
    expect(root?.startMs).toBe(Date.parse(ago(300)));
    expect(root?.endMs).toBe(Date.parse(NOW));
    const ledger = buildLedger(normalizeSnapshot(acted.read.snapshot));
    expect(root?.attributes['gen_ai.usage.cost']).toBe(ledger.total.costUsd);
    const sessions = root?.children ?? [];
    // Plan and W1.1 from their records, W2.1's failed run estimated, W2.1's report from before records.
    expect(sessions).toHaveLength(ledger.entries.length);
    expect(ledger.entries.map((entry) => entry.runId)).toEqual(
      expect.arrayContaining([7000, 7011, 7021]),
    );
    const cost = sessions.reduce(
      (sum, span) => sum + Number(span.attributes['gen_ai.usage.cost']),
      0,
    );
    expect(cost).toBeCloseTo(ledger.total.costUsd, 9);
    const work = sessions.find((span) => span.attributes['baton.run'] === 7011);
    expect(work?.endMs).toBe((work?.startMs ?? 0) + 90_000);
    expect(work?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'work',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 100,
      'gen_ai.usage.cost': 1.25,
      'baton.worker': 'W1.1',
      'baton.usage.estimated': false,
    });
    expect(typeof work?.attributes['gen_ai.request.model']).toBe('string');
    // Its id is derived from its run, so its publish job's tool call spans hang under it.
    expect(work?.spanId).toBe(agentSpanIdOf('acme/shop', BUILD, { id: 7011, attempt: 1 }));
    const estimated = sessions.find((span) => span.attributes['baton.run'] === 7021);
    expect(estimated?.attributes['baton.usage.estimated']).toBe(true);
    expect(estimated?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });

  it.each([
    ['found open already', 'unchanged'],
    ['refused', 'failed'],
  ] as const)('makes no root where the final pull request was %s', (_, result) => {
    const spans = buildSpans(actedBuild([{ action: OPEN_FINAL, result }]));
    expect(spans.some((span) => span.name.startsWith('invoke_workflow'))).toBe(false);
  });

  it('leaves out a value its allowlist does not take, and every body', () => {
    const worker = 'W1.1 <img src=x> Closes #1';
    const spans = buildSpans(
      actedBuild([
        {
          action: { kind: 'close-sub-issue', number: 40, worker, reason: 'completed' },
          result: 'done',
        },
        { action: NOTICE, result: 'failed' },
      ]),
    );
    expect(spans.map((span) => span.failed)).toEqual([false, true]);
    const sent = JSON.stringify(spans);
    expect(sent).not.toContain(worker);
    expect(sent).not.toContain('ready for review');
  });
});
