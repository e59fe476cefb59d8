import type { ServerResponse } from 'node:http';
import { PAGE_CSP } from './render/page-style.js';

/** Headers of every answer: never cached, never framed, never sniffed; no referrer leaves the app. */
function commonHeaders(res: ServerResponse): void {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
}

/** `etag`: of what the answer shows (live.ts), for the poll script to ask with. */
export function sendHtml(res: ServerResponse, status: number, body: string, etag?: string): true {
  commonHeaders(res);
  if (etag) res.setHeader('etag', etag);
  res.setHeader('content-security-policy', PAGE_CSP);
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  return true;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, etag?: string): true {
  commonHeaders(res);
  if (etag) res.setHeader('etag', etag);
  res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify(body));
  return true;
}

/** JSON lines (one object a line), as a file to save: `filename`. */
export function sendJsonLines(
  res: ServerResponse,
  { lines, filename }: { lines: readonly unknown[]; filename: string },
): true {
  commonHeaders(res);
  res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('content-disposition', `attachment; filename="${filename}"`);
  res
    .writeHead(200, { 'content-type': 'application/jsonl; charset=utf-8' })
    .end(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return true;
}
