/**
 * An OTLP/HTTP receiver for the tests of traces (the app's, a session's tool
 * calls): it keeps what it is sent and answers as a collector does.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: OtlpValue }[];
  /** 2: an error, as OTLP codes it. */
  status?: { code?: number };
}

export interface OtlpRequest {
  resourceSpans: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** An OTLP/HTTP receiver on 127.0.0.1 that keeps what it is sent, stopped when the test ends. */
export async function startReceiver(
  status = 200,
): Promise<{ url: string; received: Received[]; bodies: Buffer[] }> {
  const received: Received[] = [];
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      // An empty answer in the request's own encoding, as a collector gives.
      const json = req.headers['content-type'] === 'application/json';
      res.writeHead(status, {
        'content-type': json ? 'application/json' : 'application/x-protobuf',
      });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, bodies };
}

export function plainOf(value: OtlpValue | undefined): string | number | boolean | undefined {
  if (!value) return undefined;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}

export function attributesOf(list: { key: string; value: OtlpValue }[] = []) {
  return Object.fromEntries(list.map(({ key, value }) => [key, plainOf(value)]));
}
