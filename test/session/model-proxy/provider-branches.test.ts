import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * A branch on a provider's name: `provider === 'anthropic'`, `'openai' !== x`,
 * `case 'openai':`, `providerOf(engine) === 'openai'`. A third
 * provider would take the wrong side of every such branch without a word, so
 * what differs between providers is data of their registry entries
 * (src/core/vocabulary/pricing.ts, src/core/sessions/providers.ts,
 * src/session/agent/engines/provider-registry.ts), read by name, never asked.
 */
const NAME = `['"\`](?:anthropic|openai)['"\`]`;
const BRANCH = new RegExp(`[!=]==?\\s*${NAME}|${NAME}\\s*[!=]==?|\\bcase\\s+${NAME}`, 'i');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));
}

describe('which provider a request, a model or a session is on', () => {
  it('is never a branch on the providers’ names in src/ or sim/', () => {
    const offenders = ['src', 'sim'].flatMap(sourceFiles).flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          BRANCH.test(line) ? [`${relative('.', file)}:${index + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(offenders, offenders.join('\n')).toEqual([]);
  });

  it('would see such a branch', () => {
    for (const line of [
      "if (provider === 'anthropic') modelAuth(env);",
      "const cap = route.provider !== 'openai' ? 1 : 2;",
      "return 'openai' === kind;",
      "case 'anthropic':",
      "(providerOf(engine) === 'openai' ? a : b)",
      'if (kind == "openai") return;',
    ]) {
      expect(BRANCH.test(line), line).toBe(true);
    }
    expect(BRANCH.test("const kit = PROVIDER_KITS['anthropic'];")).toBe(false);
    expect(BRANCH.test('providerOf(engine) === provider')).toBe(false);
  });
});
