import { installBaton } from '../../e2e.js';
import type { FakeGitHub } from '../../github/fake-github.js';
import { BUILD_TOKEN, type Scenario, type ScenarioWorker } from '../scenario.js';

/**
 * A research build on a small repository: two workers each answer one
 * question in a findings document, and a synthesis writes the report. With
 * `strayCode`, W1.2's first attempt also writes code, which publish refuses;
 * the maintainer's `/retry W1.2` brings a clean attempt. The synthesis proposes
 * one follow-up question, W2.1, which runs once the maintainer approves it; a
 * second synthesis then covers its findings.
 */

export const RESEARCH_ISSUE = {
  title: 'Which runtime should widgets support',
  body: 'Before we add features: which Node versions do our users run, and what does each cost us to support?',
  label: 'orchestrate:research',
};

/** The repository before the build: Baton installed, a README with the facts the workers cite. */
export function setUpResearchRepo(gh: FakeGitHub): void {
  installBaton(gh);
  gh.git.commitOn(
    gh.defaultBranch,
    {
      'README.md':
        '# widgets\n\nSmall command-line helpers.\n\nSupported: Node 20 and 22 (see docs/support.md).\n',
      'docs/support.md':
        '# Support\n\nThe 2026 user survey: 70% run Node 22, 25% Node 20, 5% older.\nCI runs Node 20 and 22; each adds about four minutes.\n',
    },
    'Describe the project and its support',
  );
}

/** The page W1.1's scripted web search finds, cited in its findings with the day it was read. */
export const SURVEY_PAGE = {
  query: 'Node.js version usage 2026 survey',
  url: 'https://nodejs.org/en/about/previous-releases',
  title: 'Node.js — Node.js Releases',
};

function findings(
  id: string,
  question: string,
  answer: string,
  source: string,
  web: typeof SURVEY_PAGE | undefined,
): string {
  const read = new Date().toISOString().slice(0, 10);
  const cited = web ? `  - url: ${web.url}\n    read: ${read}\n` : '';
  return `---\nworker_id: ${id}\nquestion: ${question}\nconfidence: high\nsources:\n${cited}  - ${source}\n---\n# Answer\n\n${answer}\n`;
}

function researchWorker(
  id: string,
  question: string,
  answer: string,
  strayCode: boolean,
  web?: typeof SURVEY_PAGE,
): ScenarioWorker {
  const path = `.baton/builds/${BUILD_TOKEN}/findings/${id}.md`;
  return {
    id,
    title: question.replace(/\?$/, ''),
    complexity: 'easy',
    mission: `Answer: ${question}`,
    context: 'The survey and the CI figures are in `docs/support.md`.',
    requirements: ['Cite the file and line each claim rests on.', 'Change no code.'],
    criteria: ['the findings answer the question with a source'],
    files: { [path]: findings(id, question, answer, 'docs/support.md:3', web) },
    ...(web ? { web } : {}),
    check: `grep -q '^confidence:' ${path}`,
    summary: answer,
    follow_up: id === 'W1.2' ? ['Ask again after the 2027 survey.'] : [],
    ...(strayCode ? { failures: ['code-change' as const] } : {}),
  };
}

export function researchScenario({ strayCode = false }: { strayCode?: boolean } = {}): Scenario {
  return {
    plan: {
      title: 'Which Node versions to support',
      summary: 'Two questions in parallel: what users run, and what each version costs in CI.',
      type: 'research',
      reads: ['README.md', 'docs/support.md'],
    },
    workers: [
      researchWorker(
        'W1.1',
        'Which Node versions do users run?',
        'Node 22 for 70% of users and Node 20 for 25%; 5% run older versions.',
        false,
        SURVEY_PAGE,
      ),
      researchWorker(
        'W1.2',
        'What does each Node version cost to support?',
        'About four minutes of CI per version per run.',
        strayCode,
      ),
      // The synthesis's follow-up question, a worker once the maintainer approves it.
      {
        ...researchWorker(
          'W2.1',
          'When will users move to Node 24?',
          'The survey names no Node 24 users yet; ask again after the 2027 survey.',
          false,
        ),
        followUp: 1,
      },
    ],
    synthesis: {
      report:
        '# Which Node versions to support\n\nSupport Node 20 and 22: together 95% of users (high confidence), at four CI minutes each.\n\n## Users\n\nSee findings/W1.1.md.\n\n## Cost\n\nSee findings/W1.2.md.',
      summary:
        'Keep Node 20 and 22: they cover 95% of users (high confidence), and each costs about four CI minutes per run.',
      follow_up: [{ title: 'Node 24', question: 'When will users move to Node 24?' }],
    },
  };
}
