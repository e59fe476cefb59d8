import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCommandList, withCommandList } from '../../src/core/commands/command-docs.js';
import { COMMANDS } from '../../src/core/commands/command-table.js';

const USAGE_DOC = new URL('../../docs/usage.md', import.meta.url);

describe("docs/usage.md's list of commands", () => {
  it('is the one the table of commands writes (`npm run docs:commands`)', () => {
    const doc = readFileSync(USAGE_DOC, 'utf8');
    expect(withCommandList(doc)).toBe(doc);
  });

  it('has a row for every command of the table, as it is written', () => {
    const list = renderCommandList();
    for (const { usage } of Object.values(COMMANDS)) expect(list).toContain(`| \`${usage}\` |`);
  });

  it('is written only between its markers', () => {
    expect(withCommandList('no list here')).toBeNull();
  });
});
