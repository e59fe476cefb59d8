// The JSON Schema of `.github/baton.yml` (schema/baton.schema.json): the
// committed file is what the configuration's own zod definition generates,
// the package ships it, the set-up file names it for editors, and it takes
// every example of the configuration in the documentation. The schema is
// read back into a validator with zod's `fromJSONSchema`, so it is the JSON
// file that judges, not the definition it came from.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseConfig, settingKeysAt } from '../src/core/config/config.js';
import {
  CONFIG_SCHEMA_PATH,
  CONFIG_SCHEMA_URL,
  configSchemaUrl,
  renderConfigJsonSchema,
} from '../src/core/config/config-schema.js';
import { renderTemplates } from '../src/templates.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const committed = readFileSync(join(ROOT, 'schema/baton.schema.json'), 'utf8');
const validator = z.fromJSONSchema(JSON.parse(committed) as z.core.JSONSchema.JSONSchema);

/** Every fenced YAML block of the README and docs/ whose top-level keys are all Baton settings. */
function configExamples(): { where: string; value: Record<string, unknown> }[] {
  const settings = new Set([...settingKeysAt([]), '_extends']);
  const files = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.md'))
      .map((file) => `docs/${file}`),
  ];
  const examples: { where: string; value: Record<string, unknown> }[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const match of text.matchAll(/^( *)```ya?ml\n([\s\S]*?)^ *```/gm)) {
      const indent = match[1]?.length ?? 0;
      const block = (match[2] ?? '')
        .split('\n')
        .map((line) => line.slice(indent))
        .join('\n');
      let value: unknown;
      try {
        value = parse(block);
      } catch {
        continue; // Not YAML a file could hold (a fragment, a sketch).
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const keys = Object.keys(value);
      if (keys.length === 0 || !keys.every((key) => settings.has(key))) continue;
      const line = text.slice(0, match.index).split('\n').length;
      examples.push({ where: `${file}:${line}`, value: value as Record<string, unknown> });
    }
  }
  return examples;
}

describe('schema/baton.schema.json', () => {
  it('is what the configuration’s definition generates (npm run schema writes it)', () => {
    expect(committed).toBe(renderConfigJsonSchema());
  });

  it('is shipped in the package', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      files: string[];
    };
    expect(manifest.files).toContain('schema/');
  });

  it('is named by the file `baton setup` installs, for editors, at the commit its sessions pin', () => {
    const source = { repository: 'a-fork/baton', ref: '0123456789abcdef0123456789abcdef01234567' };
    const config = renderTemplates({ batonRepository: source.repository, batonRef: source.ref });
    const text = config.find((file) => file.path === '.github/baton.yml')?.content ?? '';
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=https://raw.githubusercontent.com/a-fork/baton/0123456789abcdef0123456789abcdef01234567/schema/baton.schema.json',
    );
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${configSchemaUrl(source)}`);
    // The path the URL names is this file's, in the tree of every commit that has it.
    expect(CONFIG_SCHEMA_PATH).toBe('schema/baton.schema.json');
    expect(CONFIG_SCHEMA_URL).toBe(
      'https://raw.githubusercontent.com/baton-dev/baton/main/schema/baton.schema.json',
    );
    expect(JSON.parse(committed).$id).toBe(CONFIG_SCHEMA_URL);
  });

  const examples = configExamples();

  it('finds the configuration examples of the documentation', () => {
    expect(examples.length).toBeGreaterThanOrEqual(9);
    expect(examples.map((example) => example.where)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^docs\/configuration\.md:/),
        expect.stringMatching(/^docs\/change-sets\.md:/),
      ]),
    );
  });

  it.each(examples.map((example) => [example.where, example.value] as const))(
    'takes the example at %s, as Baton does',
    (_, value) => {
      expect(validator.safeParse(value).error?.issues ?? []).toEqual([]);
      expect(parseConfig(value)).toMatchObject({ ok: true });
    },
  );

  it.each<[string, unknown]>([
    ['a misspelt key', { budget: { maxUSD: 5 } }],
    ['a number out of range', { maxParallel: 50 }],
    ['text where a list belongs', { changeSets: { repositories: 'acme/lib' } }],
    ['a name that is not owner/name', { changeSets: { repositories: ['lib'] } }],
    [
      'too many repositories',
      {
        changeSets: {
          repositories: [
            'a/1',
            'a/2',
            'a/3',
            'a/4',
            'a/5',
            'a/6',
            'a/7',
            'a/8',
            'a/9',
            'a/10',
            'a/11',
          ],
        },
      },
    ],
    ['an engine Baton does not have', { session: { engine: 'claude' } }],
  ])('refuses %s, as baton check does', (_, value) => {
    expect(validator.safeParse(value).success).toBe(false);
    expect(parseConfig(value).ok).toBe(false);
  });
});
