import {
  addedLinesOf,
  findAddedDependencies,
  renderDependencyLines,
} from '../../../core/dependencies.js';
import type { PullFile } from '../github-reads.js';
import { quoteUntrusted } from './quote-untrusted.js';
import { pathLine } from './system-prompt.js';

const MAX_DEPENDENCY_CHARS = 8_000;

const MAX_LISTED_FILES = 300;

/** The first message of a `review` session: the PR by number, the brief and skill by path, the diff by tool. */
export function renderReviewPrompt({
  pr,
  head,
  worker,
  build,
  brief,
  skill,
  files,
  styleGuide,
}: {
  pr: number;
  head: string;
  worker: string | null;
  build: string;
  brief: { path: string; present: boolean } | null;
  skill: { path: string; present: boolean };
  files: readonly PullFile[];
  /** A content build's style guide, from the default branch. */
  styleGuide?: { path: string; present: boolean };
}): string {
  const listed = files
    .slice(0, MAX_LISTED_FILES)
    .map((f) => `- ${f.status} \`${f.filename}\` (+${f.additions} −${f.deletions})`);
  if (files.length > MAX_LISTED_FILES)
    listed.push(
      `- … and ${files.length - MAX_LISTED_FILES} more (get_diff without a path lists them all)`,
    );
  return [
    `Review pull request #${pr}${worker ? ` of worker ${worker}` : ''} in build \`${build}\`, at head ${head}.`,
    '',
    `How to review: the skill ${pathLine(skill.path, skill.present)}.`,
    ...(brief
      ? [`What the worker was asked: its brief ${pathLine(brief.path, brief.present)}.`]
      : []),
    ...(styleGuide
      ? [
          `Check the documents against the repository's style guide ${pathLine(styleGuide.path, styleGuide.present)}.`,
        ]
      : []),
    'The checkout is the pull request head: read any file for context.',
    '',
    `Changed files (${files.length}); get_diff with a path shows that file's patch:`,
    ...listed,
    '',
    ...renderDependencySection(files),
    'Then call submit_review with your verdict, a body, and inline comments on lines of the diff:',
    'line is the line number in the file, side RIGHT for the new version (added or unchanged lines), LEFT for removed lines.',
    'Comments on lines outside the diff are moved into the body.',
  ].join('\n');
}

/**
 * The dependencies the pull request adds, read from its manifests' patches,
 * fenced: names come from the worker's files, so they are data, never asks.
 */
function renderDependencySection(files: readonly PullFile[]): string[] {
  const changes = findAddedDependencies(
    files.map((file) => ({ path: file.filename, added: addedLinesOf(file.patch ?? '') })),
  );
  if (changes.length === 0) return [];
  return [
    'It changes manifests or lock files; the dependencies it adds, as its files name them (check that each is needed, is the package it claims to be, and is pinned as the repository pins):',
    quoteUntrusted({
      tag: 'dependencies',
      text: renderDependencyLines(changes).join('\n'),
      maxChars: MAX_DEPENDENCY_CHARS,
    }),
    '',
  ];
}
