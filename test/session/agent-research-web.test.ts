import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeBlock,
  type FakeReply,
  lastToolResults,
  scripted,
  startFakeAnthropic,
  toolUse,
} from '../../sim/fake-anthropic.js';
import { parseFindings } from '../../src/core/plan/findings.js';
import { findingsPath, planPath, workerFindingsPath } from '../../src/core/vocabulary/ids.js';
import { runAgent } from '../../src/session/agent/run-agent.js';
import {
  BUILD,
  briefFile,
  gitIn,
  makeEnv,
  makeRepo,
  makeTempDir,
  quiet,
  readResult,
  removeTempDirs,
  startFakeGitHub,
} from './agent-fixtures.js';

afterEach(removeTempDirs);

const PAGE = 'https://docs.github.com/en/apps/oauth-apps';
const FINDINGS = workerFindingsPath(BUILD, 'W1.1');
const PLAN = JSON.stringify({
  version: 1,
  build: BUILD,
  issue: 12,
  title: 'Providers',
  summary: 'One question.',
  type: 'research',
  workers: [{ id: 'W1.1', title: 'Which providers' }],
});

/** One reply: a web search the provider ran (scripted result), then the findings written with the editor. */
function searchAndWrite(read: string): FakeReply {
  const findings = `---\nworker_id: W1.1\nquestion: Which login providers do users have?\nconfidence: medium\nsources:\n  - url: ${PAGE}\n    read: ${read}\n---\n# Answer\n\nGitHub, per the page.\n`;
  const blocks: FakeBlock[] = [
    {
      type: 'server_tool_use',
      id: 'srvtoolu_1',
      name: 'web_search',
      input: { query: 'oauth apps' },
    },
    {
      type: 'web_search_tool_result',
      tool_use_id: 'srvtoolu_1',
      content: [
        {
          type: 'web_search_result',
          url: PAGE,
          title: 'OAuth apps',
          encrypted_content: 'x',
          page_age: null,
        },
      ],
    },
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
  const { root } = await makeRepo({
    branch: `baton/${BUILD}/W1.1`,
    files: {
      [`.baton/builds/${BUILD}/workers/W1.1.md`]: briefFile(),
      [planPath(BUILD)]: PLAN,
      ...(config ? { '.github/baton.yml': config } : {}),
    },
  });
  const out = await makeTempDir();
  const read = new Date().toISOString().slice(0, 10);
  const model = await startFakeAnthropic({
    respond: scripted([
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
    ]),
  });
  try {
    const env = makeEnv({
      BATON_WORKER: 'W1.1',
      GITHUB_WORKSPACE: root,
      BATON_OUT: out,
      ANTHROPIC_BASE_URL: model.url,
    });
    const code = await runAgent(env, quiet);
    return { code, root, read, result: await readResult(out), requests: model.requests };
  } finally {
    await model.close();
  }
}

describe('research sessions read the web', () => {
  it('get web search and fetch, cite the page with the day read, and count and price the searches', async () => {
    const { result, requests, root, read } = await runResearch(
      'research:\n  allowedDomains: [docs.github.com]\n  maxUses: 4\n',
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
    const { root } = await makeRepo({
      branch: `baton/${BUILD}/integration`,
      files: { 'README.md': '# demo\n' },
    });
    const github = await startFakeGitHub({
      'GET /repos/octo/demo/issues/12': { number: 12, title: 'Friendlier CLI', body: '' },
      'GET /repos/octo/demo/issues/comments/777': {
        id: 777,
        body: '/improve 1 clearer errors',
        user: { login: 'maria' },
      },
    });
    const read = new Date().toISOString().slice(0, 10);
    const search: FakeBlock[] = [
      {
        type: 'server_tool_use',
        id: 'srvtoolu_9',
        name: 'web_search',
        input: { query: 'cli errors' },
      },
      {
        type: 'web_search_tool_result',
        tool_use_id: 'srvtoolu_9',
        content: [
          {
            type: 'web_search_result',
            url: PAGE,
            title: 'Errors',
            encrypted_content: 'x',
            page_age: null,
          },
        ],
      },
    ];
    const findings = { findings: 'Clearer errors.', nothing_worth_doing: false };
    const model = await startFakeAnthropic({
      respond: scripted([
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
      ]),
    });
    try {
      const env = makeEnv({
        BATON_ROLE: 'research',
        BATON_WORKER: 'L1',
        BATON_ISSUE: '12',
        BATON_TRIGGER: 'comment-777',
        GITHUB_WORKSPACE: root,
        BATON_OUT: await makeTempDir(),
        ANTHROPIC_BASE_URL: model.url,
        GITHUB_API_URL: github.url,
      });
      expect(await runAgent(env, quiet)).toBe(0);
      expect((model.requests[0]?.body.tools ?? []).map((t) => t.name)).toContain('web_search');
      const [refused] = lastToolResults(model.requests[1]!);
      expect(String(refused?.content)).toContain('you read the web in this session');
      expect(gitIn(root, 'show', `HEAD:${findingsPath(BUILD, 1)}`)).toBe(
        `Clearer errors.\n\n## Sources\n\n- <${PAGE}> (read ${read})\n- \`README.md:1\``,
      );
    } finally {
      await Promise.all([model.close(), github.close()]);
    }
  });
});
