import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { defaultConfig } from '../src/core/config/config.js';
import { estimateTokens } from '../src/core/memory/choose-lessons.js';
import { type Lesson, lessonPath, renderLesson } from '../src/core/memory/lesson.js';
import { type MemoryAsk, sessionLessons } from '../src/session/agent/memory/session-lessons.js';
import { parseSessionEnv } from '../src/session/env.js';
import { type Row, renderTable } from './parts.js';

/**
 * The tokens a repository's lessons add to one session's first message
 * (docs/memory.md): a lesson set of `LESSONS` lessons, of the length the
 * format allows a person to write in a few sentences, each citing a line of a
 * file of the checkout, read as a session reads them (`sessionLessons`: the
 * files, the rules, the citation check, the budget) for a worker, a review and
 * a plan, with the default settings (`memory.budgetTokens` 2,000). Tokens are
 * counted by a real tokenizer, not by the estimate that chose the lessons (four
 * characters a token, `estimateTokens`): js-tiktoken's o200k_base, the
 * encoding of the OpenAI models the Codex engine runs, exact there. No
 * tokenizer of the current Claude models runs offline (Anthropic counts them
 * through its API; its npm tokenizer, last released in 2024, says it no longer
 * matches them since Claude 3), so for Claude this is a real BPE count of the
 * same text, not Claude's own. js-tiktoken is pure JavaScript and carries its
 * ranks in the package: nothing is fetched at run time.
 */
export interface LessonsReport {
  lessons: number;
  budget: number;
  /** Per session: the lessons read, their section's tokens (o200k_base) and Baton's estimate of them. */
  sessions: { role: string; read: number; tokens: number; estimated: number }[];
}

const LESSONS = 40;
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

/** The i-th lesson: a rule, why, a paragraph, one or two citations of `src/m<k>.ts`. */
function lessonOf(i: number): Lesson {
  const file = `src/m${i % 8}.ts`;
  return {
    slug: `lesson-${i}`,
    rule: `Call the helpers of ${file} through their exported names, never by a path into the module's internals (${i}).`,
    why: `Reviewers asked for it on three workers of build ${10 + i}: a reach into the internals broke when the module was split, and the tests did not see it.`,
    roles: i % 3 === 0 ? ['review'] : undefined,
    paths: i % 4 === 0 ? ['src/**'] : i % 4 === 1 ? ['docs/**'] : undefined,
    citations: [
      {
        path: file,
        line: 1 + (i % 5),
        commit: COMMIT,
        text: `export const value${i % 5} = ${i % 5};`,
      },
    ],
    evidence: [`https://github.com/acme/app/pull/${100 + i}#discussion_r${1000 + i}`],
    created: '2026-11-20',
    build: String(10 + i),
    status: 'active',
    uses: i % 7,
    body: 'The module re-exports what callers need from its index; anything else moves without notice. Import from the index, and add an export there when something is missing rather than reaching past it.',
  };
}

export async function measureLessons(): Promise<LessonsReport> {
  const root = await mkdtemp(path.join(tmpdir(), 'baton-bench-lessons-'));
  try {
    await mkdir(path.join(root, '.baton/memory'), { recursive: true });
    await mkdir(path.join(root, 'src'), { recursive: true });
    for (let k = 0; k < 8; k++) {
      const lines = Array.from({ length: 5 }, (_, j) => `export const value${j} = ${j};`);
      await writeFile(path.join(root, `src/m${k}.ts`), `${lines.join('\n')}\n`);
    }
    for (let i = 0; i < LESSONS; i++) {
      const lesson = lessonOf(i);
      await writeFile(path.join(root, lessonPath(lesson.slug)), renderLesson(lesson));
    }
    const config = defaultConfig();
    const tokenizer = getEncoding('o200k_base');
    const sessions: LessonsReport['sessions'] = [];
    const asks: [string, MemoryAsk][] = [
      ['work', { paths: ['src/m1.ts', 'src/m2.ts'] }],
      ['review', { paths: ['src/m3.ts', 'test/m3.test.ts'] }],
      ['plan', { paths: null }],
    ];
    for (const [role, ask] of asks) {
      const env = parseSessionEnv({
        BATON_ROLE: role,
        BATON_BUILD: '12-bench',
        BATON_OUT: root,
        GITHUB_REPOSITORY: 'acme/app',
        GITHUB_WORKSPACE: root,
        GITHUB_TOKEN: 'ghs_benchtoken',
        ANTHROPIC_API_KEY: 'sk-ant-bench',
      });
      if (!env.ok) throw new Error(env.problems.join('; '));
      const read = await sessionLessons(
        {
          env: env.env,
          config,
          root,
          toolEnv: {},
          steering: { kind: 'checkout' },
          now: () => Date.parse('2026-11-27T12:00:00Z'),
          log: () => {},
        },
        ask,
      );
      const section = read.section ?? '';
      sessions.push({
        role,
        read: read.read.length,
        tokens: tokenizer.encode(section).length,
        estimated: estimateTokens(section),
      });
    }
    return { lessons: LESSONS, budget: config.memory.budgetTokens, sessions };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** One row: the tokens each session's lessons add, beside the budget. */
export function lessonRows(report: LessonsReport): Row[] {
  const most = Math.max(...report.sessions.map((session) => session.tokens));
  return [
    {
      figure: `Tokens a set of ${report.lessons} lessons adds to a session's first message, counted by a tokenizer (js-tiktoken, o200k_base; Baton's estimate that chose them, four characters a token, in brackets) (${report.sessions.map((s) => `${s.role}: ${s.read} lessons`).join(', ')}; memory.budgetTokens ${report.budget.toLocaleString('en')})`,
      measured: report.sessions
        .map((s) => `${s.tokens.toLocaleString('en')} (${s.estimated.toLocaleString('en')})`)
        .join(' / '),
      target: `≤ ${report.budget.toLocaleString('en')}`,
      met: most <= report.budget,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(renderTable(lessonRows(await measureLessons())));
}
