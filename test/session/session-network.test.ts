import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openSessionNetwork } from '../../src/session/agent/sandbox/session-network.js';

/** A name as the sandbox makes them (`baton-<pid>-<n>`), kept apart from theirs. */
const NAME = `baton-${process.pid}-test`;

function removeNamespace(name: string): void {
  if (existsSync(`/run/netns/${name}`)) execFileSync('ip', ['netns', 'delete', name]);
}

afterEach(() => {
  for (const name of [NAME, `${NAME}-2`]) removeNamespace(name);
});

describe("a session's network namespace", () => {
  it('opens beside one a killed process of the same pid left, and leaves that one alone', async () => {
    // What a session killed before it closed leaves: its namespace, under a pid now reused.
    execFileSync('ip', ['netns', 'add', NAME]);
    const network = await openSessionNetwork({ name: NAME, forwards: [] });
    expect(network.path).toBe(`/run/netns/${NAME}-2`);
    expect(existsSync(`/run/netns/${NAME}-2`)).toBe(true);
    await network.close();
    expect(existsSync(`/run/netns/${NAME}-2`)).toBe(false);
    expect(existsSync(`/run/netns/${NAME}`)).toBe(true);
  });
});
