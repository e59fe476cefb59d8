import { describe, expect, it } from 'vitest';
import { type Requester, readPin, warnOnMissingPin } from '../../src/github/setup/source-pin.js';
import { templateText } from '../support/workflow-yaml.js';

const SOURCE = { repository: 'baton-dev/baton', ref: 'ab'.repeat(20) };

/** Answers every request with `status` (200: found). */
function answering(status: number): Requester & { asked: unknown[] } {
  const asked: unknown[] = [];
  return {
    asked,
    async request(route, parameters) {
      asked.push({ route, parameters });
      if (status === 200) return { status, data: {} };
      throw Object.assign(new Error(`HTTP ${status}`), { status });
    },
  };
}

function capture() {
  const lines: string[] = [];
  return {
    lines,
    log: {
      info: (m: string) => lines.push(`info ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
    },
  };
}

describe('the pin checked at start-up', () => {
  it('asks the source repository for the pinned commit and says it exists', async () => {
    const octokit = answering(200);
    const { lines, log } = capture();
    await warnOnMissingPin({ octokit, source: SOURCE, log });
    expect(octokit.asked).toEqual([
      {
        route: 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
        parameters: { owner: 'baton-dev', repo: 'baton', commit_sha: SOURCE.ref },
      },
    ]);
    expect(lines).toEqual([`info baton: sessions run baton-dev/baton@${SOURCE.ref}, which exists`]);
  });

  it.each([404, 422])('warns once with what to do when GitHub answers %i', async (status) => {
    const { lines, log } = capture();
    await warnOnMissingPin({ octokit: answering(status), source: SOURCE, log });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^warn baton: baton-dev\/baton has no commit a?b.* every session would fail to fetch Baton's action\. Push that commit to baton-dev\/baton, or set BATON_SOURCE_REF/,
    );
  });

  it('says it could not ask when GitHub fails', async () => {
    const { lines, log } = capture();
    await warnOnMissingPin({ octokit: answering(502), source: SOURCE, log });
    expect(lines).toEqual([
      `warn baton: could not ask baton-dev/baton whether it has ${SOURCE.ref}; \`npx baton doctor --repo owner/name\` checks it`,
    ]);
  });
});

describe('readPin', () => {
  it("reads the commit the shipped workflow's steps pin", () => {
    const workflow = templateText('.github/workflows/baton.yml', { ref: SOURCE.ref });
    expect(readPin(workflow, SOURCE.repository)).toBe(SOURCE.ref);
    expect(readPin(workflow, 'someone/fork')).toBeNull();
  });
});
