import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeBlock,
  type FakeReply,
  lastToolResults,
  toolUse,
} from '../../sim/fake-anthropic.js';
import { parseFindings } from '../../src/core/records/findings.js';
import { findingsPath, planPath, workerFindingsPath } from '../../src/core/vocabulary/ids.js';
import {
  BUILD,
  buildRepo,
  gitIn,
  loopResearch,
  planJson,
  removeTempDirs,
  runSession,
  workerRepo,
} from './agent-fixtures.js';

afterEach(removeTempDirs);

const PAGE = 'https://docs.github.com/en/apps/oauth-apps';
const FINDINGS = workerFindingsPath(BUILD, 'W1.1');

/** A web search the provider ran for `query` (`id` its tool use), and its result: PAGE, titled `title`. */
function webSearch({
  id,
  query,
  title,
}: {
  id: string;
  query: string;
  title: string;
}): FakeBlock[] {
  return [
    { type: 'server_tool_use', id, name: 'web_search', input: { query } },
    {
      type: 'web_search_tool_result',
      tool_use_id: id,
      content: [
        { type: 'web_search_result', url: PAGE, title, encrypted_content: 'x', page_age: null },
      ],
    },
  ];
}

/** One reply: a web search the provider ran (scripted result), then the findings written with the editor. */
function searchAndWrite(read: string): FakeReply {
  const findings = `---\nworker_id: W1.1\nquestion: Which login providers do users have?\nconfidence: medium\nsources:\n  - url: ${PAGE}\n    read: ${read}\n---\n# Answer\n\nGitHub, per the page.\n`;
  const blocks: FakeBlock[] = [
    ...webSearch({ id: 'srvtoolu_1', query: 'oauth apps', title: 'OAuth apps' }),
    { type: 'text', text: 'The page answers it; writing the findings.' },
    toolUse('str_replace_based_edit_tool', {
      command: 'create',
      path: FINDINGS,
      file_text: findings,
    }),
  ];
  return { message: { content: blocks } };
}

async function runResearch(config = '') {
  const { root } = await workerRepo({
    config,
    files: { [planPath(BUILD)]: planJson({ type: 'research' }) },
  });
  const read = new Date().toISOString().slice(0, 10);
  const { code, result, requests } = await runSession({
    root,
    env: { BATON_WORKER: 'W1.1' },
    replies: [
      searchAndWrite(read),
      {
        message: {
          content: [
            toolUse('submit_completion', {
              status: 'complete',
              summary: 'GitHub.',
              artifacts: [FINDINGS],
            }) as FakeBlock,
          ],
        },
      },
    ],
  });
  return { code, root, read, result, requests };
}

describe('research sessions read the web', () => {
  it('get web search and fetch, cite the page with the day read, and count and price the searches', async () => {
    const { result, requests, root, read } = await runResearch(
      'research:\n  web: true\n  allowedDomains: [docs.github.com]\n  maxUses: 4\n',
    );
    expect(result.reason).toBeNull();
    expect(result.status).toBe('complete');
    const tools = requests[0]?.body.tools ?? [];
    expect(tools.find((t) => t.name === 'web_search')).toMatchObject({
      type: 'web_search_20250305',
      max_uses: 4,
      allowed_domains: ['docs.github.com'],
    });
    expect(tools.find((t) => t.name === 'web_fetch')).toMatchObject({
      type: 'web_fetch_20250910',
      max_uses: 4,
    });
    expect(requests[0]?.headers['anthropic-beta']).toContain('web-fetch-2025-09-10');
    // The search and its result are sent back as they came.
    const history = requests[1]?.body.messages[1]?.content as { type: string }[];
    expect(history.map((b) => b.type).slice(0, 2)).toEqual([
      'server_tool_use',
      'web_search_tool_result',
    ]);
    expect(result.usage.web_search_requests).toBe(1);
    // $10 per 1,000 searches on top of the tokens.
    expect(result.usage.cost_usd).toBeGreaterThan(0.01);
    const parsed = parseFindings(gitIn(root, 'show', `HEAD:${FINDINGS}`), 'W1.1');
    expect(parsed.ok && parsed.frontMatter.sources).toEqual([{ url: PAGE, read }]);
  });

  it('offers no web tools with research.web off', async () => {
    const { requests } = await runResearch('research:\n  web: false\n');
    const names = (requests[0]?.body.tools ?? []).map((t) => t.name);
    expect(names).not.toContain('web_search');
    expect(names).not.toContain('web_fetch');
    // The scripted reply used web_search anyway: the fake refuses what the request did not declare.
  });
});

describe('the research of an improvement loop reads the web', () => {
  it('must cite the pages it read, with the day, and Baton writes them under Sources', async () => {
    // A checkout outside Actions says nothing of its visibility: the web is on only when asked.
    const { root } = await buildRepo({
      'README.md': '# demo\n',
      '.github/baton.yml': 'research:\n  web: true\n',
    });
    const read = new Date().toISOString().slice(0, 10);
    const search = webSearch({ id: 'srvtoolu_9', query: 'cli errors', title: 'Errors' });
    const findings = { findings: 'Clearer errors.', nothing_worth_doing: false };
    const { code, requests } = await runSession({
      root,
      ...loopResearch('/improve 1 clearer errors'),
      replies: [
        { message: { content: [...search, toolUse('submit_research', findings) as FakeBlock] } },
        {
          message: {
            content: [
              toolUse('submit_research', {
                ...findings,
                sources: [{ url: PAGE, read }, 'README.md:1'],
              }) as FakeBlock,
            ],
          },
        },
      ],
    });
    expect(code).toBe(0);
    expect((requests[0]?.body.tools ?? []).map((t) => t.name)).toContain('web_search');
    const [refused] = lastToolResults(requests[1]!);
    expect(String(refused?.content)).toContain('you read the web in this session');
    expect(gitIn(root, 'show', `HEAD:${findingsPath(BUILD, 1)}`)).toBe(
      `Clearer errors.\n\n## Sources\n\n- <${PAGE}> (read ${read})\n- \`README.md:1\``,
    );
  });
});
