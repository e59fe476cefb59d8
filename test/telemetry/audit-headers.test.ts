/**
 * A collector's headers (docs/deploy.md, `BATON_AUDIT_STREAM_HEADERS`): read as
 * OpenTelemetry reads `OTEL_EXPORTER_OTLP_HEADERS`, sent with every POST to a
 * collector on 127.0.0.1 (a server in this process), refused at start when
 * malformed, and never in the app's log when the collector refuses.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Action } from '../../src/core/context/action.js';
import { auditHeadersOf } from '../../src/telemetry/audit-headers.js';
import { auditStreamFromEnv } from '../../src/telemetry/audit-stream.js';
import { NO_TELEMETRY } from '../../src/telemetry/telemetry.js';
import { actedBuild } from '../support/acted-build.js';
import { captureLog } from '../support/captured-log.js';

/** A collector on 127.0.0.1 that keeps each POST's headers, answering `status`. */
async function startCollector(
  status: number,
): Promise<{ url: string; heard: IncomingHttpHeaders[] }> {
  const heard: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    heard.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(status).end('no'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`, heard };
}

const SECRET = ['s3cr3t', 'token', 'value'].join('-');
const notice: Action = { kind: 'notice', key: 'final-pull/120', body: 'Ready' };
const posted = actedBuild([{ action: notice, result: 'done', posted: { number: 12, id: 990 } }]);

describe('the audit stream’s headers', () => {
  it.each([
    ['', {}],
    ['Authorization=Bearer%20abc', { authorization: 'Bearer abc' }],
    [' api-key = k%3D1 , X-Scope-OrgID=acme ', { 'api-key': 'k=1', 'x-scope-orgid': 'acme' }],
    ['a=', { a: '' }],
  ])('reads %j as OpenTelemetry reads OTEL_EXPORTER_OTLP_HEADERS', (text, headers) => {
    expect(auditHeadersOf({ BATON_AUDIT_STREAM_HEADERS: text })).toEqual({ ok: true, headers });
  });

  it.each([
    [`Authorization Bearer ${SECRET}`, 'pair 1 has no "="'],
    [`a=b,=${SECRET}`, 'pair 2 has no header name'],
    [`x=${SECRET};p=1`, 'pair 1 has a ";"'],
    [`x=${SECRET}%zz`, 'pair 1 has a "%"'],
    [`x=${SECRET}%0D%0AX-Injected:%201`, 'pair 1 holds a character'],
    [`x=${SECRET}%E2%82%AC`, 'pair 1 holds a character'],
  ])('refuses %j at start, naming the pair and never its value', (text, said) => {
    const { log, text: logged, records } = captureLog();
    const stream = auditStreamFromEnv(
      { BATON_AUDIT_STREAM: 'https://logs.example/baton', BATON_AUDIT_STREAM_HEADERS: text },
      { log },
    );
    expect(stream).toBe(NO_TELEMETRY);
    const [message = ''] = records().map((record) => String(record.msg));
    expect(message).toContain(said);
    expect(message).toContain('the audit trail is not streamed');
    expect(logged()).not.toContain(SECRET);
  });

  it('sends them with every POST, and never says a value when the collector refuses', async () => {
    const collector = await startCollector(401);
    const { log, text: logged } = captureLog();
    const stream = auditStreamFromEnv(
      {
        BATON_AUDIT_STREAM: collector.url,
        BATON_AUDIT_STREAM_HEADERS: `Authorization=Bearer%20${SECRET},X-Scope-OrgID=acme`,
      },
      { log },
    );
    stream.acted(posted);
    stream.acted(posted);
    await stream.shutdown();
    expect(collector.heard).toHaveLength(2);
    for (const headers of collector.heard) {
      expect(headers.authorization).toBe(`Bearer ${SECRET}`);
      expect(headers['x-scope-orgid']).toBe('acme');
      expect(headers['content-type']).toBe('application/x-ndjson');
    }
    expect(logged()).toContain('the collector answered 401');
    expect(logged()).not.toContain(SECRET);
  });

  it('never says a value when the collector hangs up', async () => {
    const server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const { log, text: logged } = captureLog();
    const stream = auditStreamFromEnv(
      {
        BATON_AUDIT_STREAM: `http://127.0.0.1:${port}/audit`,
        BATON_AUDIT_STREAM_HEADERS: `Authorization=Bearer%20${SECRET}`,
      },
      { log },
    );
    stream.acted(posted);
    await stream.shutdown();
    expect(logged()).toContain('event(s) not sent');
    expect(logged()).not.toContain(SECRET);
  });
});
