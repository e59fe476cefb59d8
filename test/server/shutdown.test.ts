import { describe, expect, it } from 'vitest';
import { shutDown, shutdownGraceMs } from '../../src/server/shutdown.js';

const never = () => new Promise<void>(() => {});
const done = () => Promise.resolve();

describe('shutDown', () => {
  it.each([
    { name: 'everything finishes', stopServer: done, idle: done, outcome: 'drained' },
    { name: 'a reconcile never ends', stopServer: done, idle: never, outcome: 'abandoned' },
    { name: 'a connection never closes', stopServer: never, idle: done, outcome: 'abandoned' },
    {
      name: 'stopping the server fails',
      stopServer: () => Promise.reject(new Error('not running')),
      idle: done,
      outcome: 'drained',
    },
  ])('$name: $outcome', async ({ stopServer, idle, outcome }) => {
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    expect(await shutDown({ stopServer, idle, graceMs: 50, log })).toBe(outcome);
    expect(lines.at(-1)).toMatch(outcome === 'drained' ? /nothing in flight/ : /redoes them/);
  });
});

describe('shutdownGraceMs', () => {
  it.each([
    { value: undefined, ms: 20_000 },
    { value: '5', ms: 5_000 },
    { value: '0', ms: 0 },
    { value: 'soon', ms: 20_000 },
    { value: '-1', ms: 20_000 },
  ])('BATON_SHUTDOWN_SECONDS=$value: $ms ms', ({ value, ms }) => {
    expect(shutdownGraceMs(value === undefined ? {} : { BATON_SHUTDOWN_SECONDS: value })).toBe(ms);
  });
});
