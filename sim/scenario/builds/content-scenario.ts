import { STYLE_GUIDE_PATH } from '../../../src/core/vocabulary/ids.js';
import { installBaton } from '../../e2e.js';
import type { FakeGitHub } from '../../github/fake-github.js';
import type { Scenario, ScenarioWorker } from '../scenario.js';

/**
 * A content build: two workers each write one chapter of a user guide to the
 * output the plan declares for it, reviewed against the brief and the
 * repository's style guide.
 */

export const CONTENT_ISSUE = {
  title: 'Write the widgets user guide',
  body: 'Two chapters: installing widgets, and its commands.',
  label: 'orchestrate:content',
};

/** The repository before the build: Baton installed, a README and a style guide. */
export function setUpContentRepo(gh: FakeGitHub): void {
  installBaton(gh);
  gh.git.commitOn(
    gh.defaultBranch,
    {
      'README.md': '# widgets\n\nSmall command-line helpers.\n',
      [STYLE_GUIDE_PATH]: '# Style\n\n- Headings in sentence case.\n- Commands in code blocks.\n',
    },
    'Describe the project and its writing style',
  );
}

function chapter(id: string, title: string, path: string, text: string): ScenarioWorker {
  return {
    id,
    title,
    complexity: 'easy',
    mission: `Write the "${title}" chapter of the user guide.`,
    context: `Follow ${STYLE_GUIDE_PATH}.`,
    requirements: ['Sentence-case headings.', 'Commands in code blocks.'],
    criteria: ['the chapter exists and has a heading'],
    files: { [path]: text },
    check: `grep -q '^# ' ${path}`,
    summary: `Wrote ${path}.`,
  };
}

export function contentScenario(): Scenario {
  return {
    plan: {
      title: 'The widgets user guide',
      summary: 'Two chapters, one worker each, to the paths the plan names.',
      type: 'content',
    },
    workers: [
      chapter(
        'W1.1',
        'Installing widgets',
        'docs/guide/install.md',
        '# Installing widgets\n\n```\nnpm install -g widgets\n```\n',
      ),
      chapter(
        'W1.2',
        'Commands',
        'docs/guide/commands.md',
        '# Commands\n\n```\nwidgets greet Ada\n```\n',
      ),
    ],
  };
}
