import type { TestRun } from '../../../core/records/completion.js';
import {
  addedLinesOf,
  findAddedDependencies,
  renderDependencyLines,
} from '../../../core/sessions/dependencies.js';
import { code } from '../../../core/vocabulary/markdown.js';
import type { PullFile } from '../../reads/github-shapes.js';
import { quoteUntrusted } from './quote-untrusted.js';
import { pathLine } from './system-prompt.js';

const MAX_DEPENDENCY_CHARS = 8_000;

const MAX_LISTED_FILES = 300;
/** Room for the listed names: 300 names of GitHub's longest paths would not fit a prompt anyway. */
const MAX_LISTED_CHARS = 60_000;

/** Characters a reader of a name cannot see, or that turn the text around it (bidi), or open a comment. */
const UNSEEN =
  /[\p{Cf}\p{Cc}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u115F\u1160\u3164\uFFA0\u2800<>]/gu;

/**
 * A file name as the model reads it: JSON-quoted, every invisible, control, bidi or line
 * character and `<`/`>` spelled out as `\uXXXX`, so a worker's file name shows what it is and
 * cannot hide text, turn the list around or open an HTML comment. `get_diff` takes it back.
 */
export function visibleName(name: string): string {
  // Each UTF-16 unit as JSON spells it: a variation selector past U+FFFF is two of them.
  return JSON.stringify(name).replace(UNSEEN, (char) =>
    [...Array(char.length).keys()]
      .map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`)
      .join(''),
  );
}

/** The changed file a name the model wrote stands for: as GitHub has it, or as `visibleName` showed it. */
export function findChangedFile<T extends { filename: string }>(
  files: readonly T[],
  path: string,
): T | undefined {
  return files.find((f) => {
    const shown = visibleName(f.filename);
    return path === f.filename || path === shown || path === shown.slice(1, -1);
  });
}

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
  tests = null,
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
  /** The worker's tests as its session last ran them, from its report (`completions/<id>.json`). */
  tests?: { run: TestRun | null; report: string } | null;
}): string {
  // A worker chose these names: data, fenced like any text from GitHub.
  const listed = files
    .slice(0, MAX_LISTED_FILES)
    .map((f) => `- ${f.status} ${visibleName(f.filename)} (+${f.additions} −${f.deletions})`);
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
    ...(tests ? [testsLine(tests)] : []),
    '',
    `Changed files (${files.length}), each name JSON-quoted with unseen characters spelled out; get_diff with a path shows that file's patch:`,
    quoteUntrusted({ tag: 'changed-files', text: listed.join('\n'), maxChars: MAX_LISTED_CHARS }),
    '',
    ...renderDependencySection(files),
    'Then call submit_review with your verdict, a body, and inline comments on lines of the diff:',
    'line is the line number in the file, side RIGHT for the new version (added or unchanged lines), LEFT for removed lines.',
    'Comments on lines outside the diff are moved into the body.',
    "Where this message gives lessons of the repository, a comment that asks again for what one of them teaches names that lesson's slug in `repeats`.",
  ].join('\n');
}

/** What the review is told of the worker's tests: by path, never the output itself. */
function testsLine({ run, report }: { run: TestRun | null; report: string }): string {
  if (!run)
    return `Tests: the worker's report \`${report}\` says nothing of them; run none yourself, judge by reading.`;
  const command = run.command ? code(run.command) : 'no command';
  switch (run.status) {
    case 'passed':
      return `Tests: the work session ran ${command} before handing in, and they passed.`;
    case 'failed':
      return `Tests: the work session ran ${command} before handing in, and they FAILED; the end of their output is under \`tests.detail\` in \`${report}\`. Say whether this change is what breaks them.`;
    case 'not-run':
      return `Tests: not run by the work session (the reason is under \`tests.detail\` in \`${report}\`).`;
    default: {
      const _exhaustive: never = run.status;
      return _exhaustive;
    }
  }
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
