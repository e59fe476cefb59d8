import { describe, expect, it } from 'vitest';
import { findAppUrlProblem } from '../../src/server/app-url.js';

/** Addresses GitHub cannot deliver a webhook to: loopback, private, link-local, shared, unspecified. */
const UNREACHABLE = [
  'http://localhost:3000',
  'https://baton.localhost',
  'http://127.0.0.1:3000',
  'https://10.1.2.3',
  'https://172.20.0.5:8443',
  'https://192.168.1.10',
  'https://169.254.1.1',
  'https://100.64.0.1',
  'http://[::1]:3000',
  'https://[fd12:3456::1]',
  'https://[::ffff:10.0.0.1]',
  'http://0.0.0.0:3000',
];

describe('findAppUrlProblem', () => {
  it.each<[string, RegExp]>([
    ...UNREACHABLE.map((value): [string, RegExp] => [value, /cannot reach/]),
    ['http://baton.example.com', /serve the app over https/],
    ['baton.example.com', /is not a URL/],
  ])('%s: warns', (value, problem) => {
    expect(findAppUrlProblem(value)).toMatch(problem);
  });

  it.each([
    undefined,
    '',
    'https://baton.example.com',
    'https://172.32.0.1',
    'https://8.8.8.8',
    'https://[2001:db8::1]',
  ])('%s: no warning', (value) => {
    expect(findAppUrlProblem(value)).toBeNull();
  });
});
