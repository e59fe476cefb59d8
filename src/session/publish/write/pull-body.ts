import type { Completion, Usage } from '../../../core/records/completion.js';
import {
  type DependencyChange,
  renderDependencyLines,
} from '../../../core/sessions/dependencies.js';
import { type BlockedConnections, describeBlocked } from '../../../core/sessions/egress.js';
import { type Evidence, renderEvidenceMarker } from '../../../core/sessions/evidence.js';
import { formatTokens } from '../../../core/status/progress-format.js';
import { quoted } from '../../../core/verification/quoted.js';
import { neutralizeClosingKeywords } from '../../../core/vocabulary/closing-keywords.js';
import { withoutEmbeds } from '../../../core/vocabulary/embeds.js';
import { completionPath } from '../../../core/vocabulary/ids.js';
import { code, fenced, neutralizeMentionsIn } from '../../../core/vocabulary/markdown.js';
import type { FlaggedClaim, JudgedClaims } from '../checks/claims/claim-rules.js';
import { BODY_MAX_CHARS } from '../checks/size-limits.js';

/** The hidden marker that says which worker a pull request is for. */
export function renderWorkerMarker({ build, worker }: { build: string; worker: string }): string {
  return `<!-- baton:worker build=${build} worker=${worker} -->`;
}

const WORKER_MARKER = /<!-- baton:worker build=(\S+) worker=(\S+) -->/;

/** Reads the worker marker out of a pull request body. */
export function parseWorkerMarker(body: string): { build: string; worker: string } | null {
  const match = WORKER_MARKER.exec(body);
  if (!match?.[1] || !match[2]) return null;
  return { build: match[1], worker: match[2] };
}

/**
 * Model-written text must not carry Baton's own markers: a forged
 * `<!-- baton:verdict approve -->` in a review body would read as a verdict.
 * This alone is for text inside a fenced block, where `<!--` is shown as it is
 * but the raw body is still what Baton's parsers read.
 */
export function neutralizeMarkers(text: string): string {
  return text.replace(/<!--(\s*)baton:/gi, '&lt;!--$1baton:');
}

/**
 * Outside a fence, any `<!--` opens an HTML comment that GitHub hides up to
 * the next `-->`: the one ending Baton's own marker at the bottom of the
 * body. A model could hide every section Baton adds after its text (decisions,
 * dependencies, network refusals, usage, follow-up questions) and write fake
 * ones. Escaped, it shows as written and hides nothing.
 */
export function neutralizeComments(text: string): string {
  return text.replace(/<!--/g, '&lt;!--');
}

/**
 * Model-written `@name` and `@org/team` would notify whoever they name when
 * Baton posts them as the app: a zero-width space after the `@` keeps the
 * text readable and pings no one. (An `@` after a word character is an email.)
 */
export function neutralizeMentions(text: string): string {
  return neutralizeMentionsIn(text);
}

/**
 * Everything a model wrote that Baton posts as Markdown: no HTML comments (so
 * no forged markers), no mentions, and no image or raw HTML (GitHub would fetch
 * an image's address, with whatever the model put in it, as soon as the page is
 * viewed: `withoutEmbeds`); its code stays as written. A body that places this
 * text among others goes through `fitBody`, which does the last again on the
 * whole, as placed.
 */
export function neutralizeModelText(text: string): string {
  return withoutEmbeds(neutralizeMentions(neutralizeComments(text)));
}

/** Model text inside a fenced block: no forged markers, no mentions; other `<!--` stay as written. */
function neutralizeFencedText(text: string): string {
  return neutralizeMentions(neutralizeMarkers(text));
}

/** One line of what a session spent. */
export function renderUsage(usage: Usage): string {
  const tokens = [
    `${formatTokens(usage.input_tokens)} input`,
    `${formatTokens(usage.output_tokens)} output`,
    `${formatTokens(usage.cache_read_input_tokens)} cache read`,
    `${formatTokens(usage.cache_creation_input_tokens)} cache write`,
  ].join(', ');
  return `${tokens} tokens · $${usage.cost_usd.toFixed(4)} · ${usage.turns} turns · ${Math.round(usage.seconds)}s`;
}

/** Connections the egress proxy refused, for people: what to allow if the build needs it; null when none. */
export function renderBlocked(blocked: readonly BlockedConnections[]): string | null {
  const text = describeBlocked(blocked);
  return text
    ? `${text} (the model's commands reach only allowed hosts: add one the build needs to \`session.network.allow\` in \`.github/baton.yml\`)`
    : null;
}

/**
 * The worker PR's body: the review guide (publish's own text), what publish
 * could not bear out of the report, the completion for people, then the hidden
 * markers, the evidence last.
 */
export function renderPullBody({
  build,
  completion,
  blocked = [],
  dependencies = [],
  claims,
  evidence,
  guide,
}: {
  build: string;
  completion: Completion;
  /** Connections of the session's commands the egress proxy refused. */
  blocked?: readonly BlockedConnections[];
  /** Manifests the pull request changes, with the dependencies it adds. */
  dependencies?: DependencyChange[];
  /** The report's claims as publish judged them against the diff. */
  claims?: JudgedClaims;
  /** What publish found in the diff, for the app (docs/verification.md). */
  evidence?: Evidence;
  /**
   * The review guide the body opens with (src/core/verification/worker-guide.ts):
   * publish's own words, session text in it quoted inert; never cut.
   */
  guide?: string;
}): string {
  const network = renderBlocked(blocked);
  const worker = completion.worker_id;
  const artifacts = claims?.artifacts ?? completion.artifacts;
  const sections = [
    renderNotBorneOut(claims?.flagged ?? []),
    renderHandOff(completion),
    neutralizeModelText(completion.summary),
    list('Decisions', completion.decisions),
    list('Concerns', completion.concerns),
    list('Follow-ups', completion.follow_up),
    list(
      'Artifacts',
      artifacts.map((path) => `\`${path.replaceAll('`', '')}\``),
    ),
    renderTests(completion.tests),
    renderDependencies(dependencies),
    `### Usage\n\n${renderUsage(completion.usage)}`,
    network ? `### Network\n\n${network}` : '',
  ];
  const note = `The full report is \`${completionPath(build, worker)}\` on this branch.`;
  // Where a repository squashes with the pull request's body as the commit
  // message, this text reaches the default branch with the final pull request.
  return fitBody(
    neutralizeClosingKeywords(sections.filter(Boolean).join('\n\n')),
    [
      note,
      renderWorkerMarker({ build, worker }),
      ...(evidence ? [renderEvidenceMarker(evidence)] : []),
    ].join('\n\n'),
    guide ? `${guide}\n\n## ${worker}'s report` : '',
  );
}

/**
 * The report's claims the diff and what publish knows do not bear out, above
 * the model's text: each quoted as the review guide quotes a session's text (`quoted`).
 */
function renderNotBorneOut(flagged: readonly FlaggedClaim[]): string {
  if (flagged.length === 0) return '';
  const lines = flagged.map(({ claim, why, quote }) => `- **${claim}**: ${quoted(quote)} (${why})`);
  return [
    '### Not borne out by the diff',
    '',
    "Publish compared the worker's report with the diff and with what it knows; these claims it could not bear out:",
    '',
    ...lines,
  ].join('\n');
}

/**
 * A partial worker's draft: what it is, what to do with it, and the hand-off
 * note the session wrote (model text, neutralized), which the next session
 * starts from. Empty for any other report.
 */
function renderHandOff(completion: Completion): string {
  if (completion.status !== 'partial') return '';
  const worker = completion.worker_id;
  const note = completion.handoff;
  return [
    `> ⏸️ **Partial work.** ${worker}'s session stopped short of its brief and handed in what works so far, so nothing paid for is lost. Reply \`/continue ${worker}\` to start a session from this branch and its hand-off note, \`/retry ${worker} <instructions>\` to steer that session, or mark this pull request ready for review to take it as it is.`,
    ...(note
      ? [
          '',
          '### Hand-off',
          '',
          `- **Done:** ${neutralizeModelText(note.done)}`,
          `- **Left:** ${neutralizeModelText(note.left)}`,
          `- **Next:** ${neutralizeModelText(note.next)}`,
        ]
      : []),
  ].join('\n');
}

/** The tests as Baton ran them in the session: the result, and a failure's tail in a fence. */
function renderTests(tests: Completion['tests']): string {
  if (!tests) return '';
  // The command may come from the worker's files (a test script it found).
  const command = tests.command ? ` ${neutralizeModelText(code(tests.command))}` : '';
  const head = {
    passed: `✅ Baton ran${command} before handing in: passed.`,
    failed: `❌ Baton ran${command} before handing in: failed.`,
    'not-run': `⚪ Not run: ${neutralizeModelText(tests.detail).replace(/\s*\n\s*/g, ' ')}`,
  }[tests.status];
  if (tests.status !== 'failed') return `### Tests\n\n${head}`;
  // The output may quote anything: a fence longer than any run in it keeps it verbatim.
  return `### Tests\n\n${head}\n\n${fenced(neutralizeMarkers(tests.detail), 'text')}`;
}

/**
 * The manifests the worker changed and the dependencies it adds, for the
 * reviewer. Names come from the worker's files: shown as code, in a fenced
 * block that no text in them can close.
 */
function renderDependencies(changes: DependencyChange[]): string {
  if (changes.length === 0) return '';
  const lines = renderDependencyLines(changes).map((line) =>
    // A path may hold a newline: one line each, whatever the names.
    neutralizeFencedText(oneLine(line)),
  );
  return [
    '### New dependencies',
    '',
    'Manifests and lock files this pull request changes, with the entries it adds (as the files name them; check each before merging):',
    '',
    fenced(lines.join('\n'), 'text'),
  ].join('\n');
}

/** Control characters and line separators become spaces. */
function oneLine(text: string): string {
  return [...text].map((char) => (/[\p{Cc}\u2028\u2029]/u.test(char) ? ' ' : char)).join('');
}

function list(title: string, items: string[]): string {
  if (items.length === 0) return '';
  return `### ${title}\n\n${items.map((item) => `- ${neutralizeModelText(item)}`).join('\n')}`;
}

const CUT_NOTE = '\n\n… (cut to fit)';

/**
 * Joins head (Baton's own text, placed as it is), text and trailer (Baton's own
 * markers), cutting the text so the whole stays under GitHub's limit. The text is made free of images and raw HTML as
 * placed, after the cut, as the last step (`withoutEmbeds`): what is code in
 * one model text alone need not be where Baton puts it (a list item's
 * indentation, a quote's `> `, a line joined from two texts, a line flattened,
 * a cut that leaves a code span open). Escaping lengthens the text, so it is
 * cut again, in proportion, until it fits.
 */
export function fitBody(text: string, trailer: string, head = ''): string {
  const above = head ? `${head}\n\n` : '';
  const room = BODY_MAX_CHARS - above.length - trailer.length - 40;
  let kept = Math.min(text.length, room);
  let fitted = placed(text, kept);
  while (fitted.length > room + CUT_NOTE.length && kept > 0) {
    kept = Math.min(kept - 1, Math.floor((kept * room) / fitted.length));
    fitted = placed(text, kept);
  }
  return `${above}${fitted}\n\n${trailer}`;
}

/** The first `kept` characters of `text`, and a note when that is not all, with no image or raw HTML. */
function placed(text: string, kept: number): string {
  return withoutEmbeds(kept < text.length ? `${text.slice(0, kept)}${CUT_NOTE}` : text);
}
