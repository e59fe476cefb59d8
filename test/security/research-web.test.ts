import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FakeBlock, toolUse } from '../../sim/fake-anthropic.js';
import { webTools } from '../../src/session/agent/model/model-features.js';
import { WEB_TEXT_RULE } from '../../src/session/agent/prompts/system-prompt.js';
import { loadConfig } from '../../src/session/reads/load-config.js';
import { readRepositoryVisibility } from '../../src/session/reads/repository-visibility.js';
import { buildRepo, loopResearch, removeTempDirs, runSession } from '../session/agent-fixtures.js';

/**
 * Web research is an egress route past the session's proxy: the provider runs
 * the searches and fetches, so a query or an address can carry what the model
 * read, and the pages come back as text anyone wrote. It is off by default
 * where the repository is private or internal, or where the session cannot
 * tell; where it is on, the system prompt names the pages as data
 * (docs/security.md, "Egress").
 */
async function eventFile(repository: unknown): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'baton-event-')), 'event.json');
  await writeFile(path, JSON.stringify({ repository }));
  return path;
}

function configOf(yaml: string) {
  const loaded = loadConfig(yaml || null);
  expect(loaded.problems).toEqual([]);
  return loaded.config;
}

describe('research sessions get the web only where it is safe to', () => {
  const payloads = {
    public: { visibility: 'public', private: false },
    private: { visibility: 'private', private: true },
    internal: { visibility: 'internal', private: true },
    'private, told only by `private`': { private: true },
    'unknown (no repository in the payload)': null,
  } as const;

  it.each([
    ['public', '', true],
    ['private', '', false],
    ['internal', '', false],
    ['private, told only by `private`', '', false],
    ['unknown (no repository in the payload)', '', false],
    ['private', 'research:\n  allowedDomains: [docs.github.com]\n', false],
    ['private', 'research:\n  web: true\n', true],
    ['public', 'research:\n  web: false\n', false],
  ] as const)('%s repository, config %j: web offered %s', async (kind, yaml, offered) => {
    const payload = payloads[kind];
    const path = await eventFile(payload ?? undefined);
    const visibility = await readRepositoryVisibility(path);
    const names = webTools(configOf(yaml), visibility).map((tool) =>
      'name' in tool ? tool.name : '',
    );
    expect(names).toEqual(offered ? ['web_search', 'web_fetch'] : []);
  });

  it('offers a loop’s research no web where the session cannot tell the visibility', async () => {
    const { root } = await buildRepo();
    const requests = await researchRequests(root);
    const names = (requests[0]?.body.tools ?? []).map((tool) => tool.name);
    expect(names).not.toContain('web_search');
    expect(names).not.toContain('web_fetch');
    expect(JSON.stringify(requests[0]?.body.system)).not.toContain('web_fetch');
  });

  it('tells the model, where the web is on, that pages are data and nothing of the repository goes out', async () => {
    const { root } = await buildRepo({
      'README.md': '# demo\n',
      '.github/baton.yml': 'research:\n  web: true\n',
    });
    const requests = await researchRequests(root);
    expect((requests[0]?.body.tools ?? []).map((tool) => tool.name)).toContain('web_fetch');
    expect(JSON.stringify(requests[0]?.body.system)).toContain(
      JSON.stringify(WEB_TEXT_RULE).slice(1, -1),
    );
  });
});

/** The requests a loop's research session sends the model in `root`, submitting at once. */
async function researchRequests(root: string) {
  const { requests } = await runSession({
    root,
    ...loopResearch('/improve 1 clearer errors'),
    replies: [
      {
        message: {
          content: [
            toolUse('submit_research', {
              findings: 'Clearer errors.',
              nothing_worth_doing: false,
              sources: ['README.md:1'],
            }) as FakeBlock,
          ],
        },
      },
    ],
  });
  await removeTempDirs();
  return requests;
}
