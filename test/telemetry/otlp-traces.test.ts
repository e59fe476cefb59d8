/**
 * The app's traces over OTLP/HTTP (docs/governance.md, "Traces"): two replicas
 * play a build to its final pull request against the simulated GitHub, each
 * exporting to a receiver on 127.0.0.1 with the SDK's exporter (`http/json`).
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { buildLedger } from '../../src/core/snapshot/ledger.js';
import { normalizeSnapshot } from '../../src/core/snapshot/normalize-snapshot.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { BuildBoard } from '../../src/page/build-board.js';
import { traceIdOf } from '../../src/telemetry/build-spans.js';
import { createTelemetry } from '../../src/telemetry/telemetry.js';
import { BUILD as FACTORY_BUILD } from '../core/factories.js';
import { actedBuild, OPEN_FINAL } from '../support/acted-build.js';
import { startApp, startReplica } from '../support/app-harness.js';
import { BUILD, DIAMOND, installedRepo, statusBody, tickingClock } from '../support/builds.js';
import { attributesOf, type OtlpRequest, startReceiver } from '../support/otlp-receiver.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

describe('traces over OTLP', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('exports one trace per build across replicas: its writes, and once its root with a session per ledger entry', async () => {
    const receiver = await startReceiver();
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.url);
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-collector-key=planted-header');
    const log = { warn: (message: string) => expect.fail(message) };
    const traced = (name: string) =>
      createTelemetry({ ...process.env, OTEL_SERVICE_NAME: name }, { log });
    const telemetries = [await traced('baton-a'), await traced('baton-b')] as const;
    // What must never leave: a token-like secret, the issue's text, a brief's, a report's.
    const secret = ['ghp', 'Z'.repeat(36)].join('_');
    const issueText = `Please wire the login ${secret} behind the proxy`;
    const briefText = 'Mission text of the planted brief';
    const reportText = 'Report text nobody exports';
    const now = tickingClock();
    const gh = installedRepo(now);
    const board = new BuildBoard();
    const first = await startApp({ gh, now, board, telemetry: telemetries[0] });
    onTestFinished(() => first.stop());
    const second = await startReplica({ now, telemetry: telemetries[1] });
    // The receiver is on this machine; GitHub stays on nock.
    nock.enableNetConnect('127.0.0.1');
    const apps = [first, second];
    const script = makeScript({
      workers: DIAMOND.map((worker) => ({ ...worker, title: `${briefText} ${worker.id}` })),
      usageUsd: { plan: 0.7, work: 0.4, review: 0.05, fix: 0.1 },
      report: () => ({ summary: `${reportText} ${secret}` }),
    });
    const issue = gh.openIssue({
      title: 'Add OAuth login',
      body: issueText,
      labels: ['orchestrate'],
    });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveBuild({ gh, apps, script });
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps, script });
    expect([...gh.pulls.values()].some((pull) => pull.head === integrationBranch(BUILD))).toBe(
      true,
    );
    await Promise.all(telemetries.map((telemetry) => telemetry.shutdown()));

    const requests = receiver.received.map((one) => JSON.parse(one.body) as OtlpRequest);
    for (const { headers } of receiver.received) {
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-collector-key']).toBe('planted-header');
    }
    const services = requests.flatMap((request) =>
      request.resourceSpans.map((part) => attributesOf(part.resource?.attributes)['service.name']),
    );
    expect(new Set(services)).toEqual(new Set(['baton-a', 'baton-b']));
    const spans = requests.flatMap((request) =>
      request.resourceSpans.flatMap((part) => part.scopeSpans.flatMap((scope) => scope.spans)),
    );
    const traceId = createHash('sha256')
      .update(`${gh.fullName.toLowerCase()}#${BUILD}`)
      .digest('hex')
      .slice(0, 32);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));

    const roots = spans.filter(
      (span) => attributesOf(span.attributes)['gen_ai.operation.name'] === 'invoke_workflow',
    );
    expect(roots).toHaveLength(1);
    const [root] = roots;
    expect(root?.name).toBe(`invoke_workflow ${BUILD}`);
    expect(root?.parentSpanId ?? '').toBe('');
    const rootAttributes = attributesOf(root?.attributes);
    expect(rootAttributes).toMatchObject({
      'baton.build': BUILD,
      'baton.asker': 'maintainer',
      'baton.door': 'label',
      'gen_ai.usage.cost.currency': 'USD',
    });

    // Every write of every reconcile hangs under the root, from either replica.
    const writes = spans.filter((span) => span.name.startsWith('baton.'));
    for (const write of writes) expect(write.parentSpanId).toBe(root?.spanId);
    const dispatched = writes
      .filter((span) => span.name === 'baton.dispatch')
      .map((span) => attributesOf(span.attributes))
      .filter((attributes) => attributes['baton.outcome'] === 'done');
    // No review dispatched: each worker's is made in the run of its work.
    expect(new Set(dispatched.map((one) => one['gen_ai.agent.name']))).toEqual(
      new Set(['plan', 'work']),
    );
    expect(
      dispatched
        .filter((one) => one['gen_ai.agent.name'] === 'work')
        .map((one) => one['baton.worker'])
        .sort(),
    ).toEqual(['W1.1', 'W1.2', 'W2.1']);
    const merged = writes
      .filter((span) => span.name === 'baton.merge-pull')
      .map((span) => attributesOf(span.attributes))
      .filter((attributes) => attributes['baton.outcome'] === 'done');
    expect(merged.map((one) => one['baton.worker']).sort()).toEqual(['W1.1', 'W1.2', 'W2.1']);
    expect(merged.every((one) => one['baton.asker'] === 'maintainer')).toBe(true);

    // One agent span per session the ledger counts; their cost is the ledger's total.
    const agents = spans.filter(
      (span) => span.parentSpanId === root?.spanId && !span.name.startsWith('baton.'),
    );
    const read = board.reads().find((one) => one.snapshot.build === BUILD);
    if (!read) throw new Error('the app read no build');
    const ledger = buildLedger(normalizeSnapshot(read.snapshot));
    expect(agents).toHaveLength(ledger.entries.length);
    const agentCost = agents.map((span) => attributesOf(span.attributes));
    for (const one of agentCost) {
      expect(one).toMatchObject({
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.usage.input_tokens': 10_000,
        'gen_ai.usage.output_tokens': 1_000,
        'gen_ai.usage.cost.currency': 'USD',
      });
      expect(typeof one['gen_ai.request.model']).toBe('string');
    }
    const sum = agentCost.reduce((total, one) => total + Number(one['gen_ai.usage.cost']), 0);
    expect(sum).toBeCloseTo(ledger.total.costUsd, 9);
    expect(rootAttributes['gen_ai.usage.cost']).toBe(ledger.total.costUsd);
    // A session of its own for each review made in a work's run.
    expect(agentCost.filter((one) => one['gen_ai.agent.name'] === 'review')).toHaveLength(3);
    // The status comment's total, of the plan, three workers and their three reviews.
    expect(ledger.total.costUsd).toBeCloseTo(0.7 + 3 * 0.4 + 3 * 0.05, 9);
    expect(statusBody(gh, BUILD)).toContain(`$${sum.toFixed(2)} of $50.00 budget`);
    expect(statusBody(gh, BUILD)).toContain(`(${agents.length} sessions)`);

    // None of what a build is about leaves the app.
    const sent = receiver.received.map((one) => one.body).join('\n');
    for (const forbidden of [secret, issueText, briefText, reportText, 'Closes #1'])
      expect(sent).not.toContain(forbidden);
  });

  it('sends http/protobuf unless told, the trace id in its bytes', async () => {
    const receiver = await startReceiver();
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', `${receiver.url}/v1/traces`);
    const telemetry = await createTelemetry(process.env, {
      log: { warn: (message) => expect.fail(message) },
    });
    const opened = { number: 200, url: 'https://github.com/acme/shop/pull/200' };
    telemetry.acted(actedBuild([{ action: OPEN_FINAL, result: 'done', opened }]));
    await telemetry.shutdown();

    expect(receiver.received.map((one) => one.headers['content-type'])).toEqual([
      'application/x-protobuf',
    ]);
    const body = receiver.bodies[0] ?? Buffer.alloc(0);
    expect(body.includes(Buffer.from(traceIdOf('acme/shop', FACTORY_BUILD), 'hex'))).toBe(true);
    expect(body.includes(Buffer.from(`invoke_workflow ${FACTORY_BUILD}`))).toBe(true);
    expect(body.includes(Buffer.from('Closes #12'))).toBe(false);
  });

  it('says a collector that refuses the spans, and goes on', async () => {
    const receiver = await startReceiver(400);
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.url);
    const warn = vi.fn();
    const telemetry = await createTelemetry(process.env, { log: { warn } });
    const opened = { number: 200, url: 'https://github.com/acme/shop/pull/200' };
    telemetry.acted(actedBuild([{ action: OPEN_FINAL, result: 'done', opened }]));
    await telemetry.shutdown();

    expect(receiver.received).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Bad Request'));
  });
});
