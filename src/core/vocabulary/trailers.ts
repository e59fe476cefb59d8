/**
 * The trailers every write of Baton's carries (docs/governance.md): the build
 * and its status, the worker, who asked, who approved, the evidence that let
 * the write go, and the policy in force. Every value is built from what Baton
 * recorded (logins, ids, links it made), never from a model's text, and each
 * passes an allowlist of its own: a value that does not is left out, so no
 * line break or `Key:` can ride in on one. The message the trailers close is
 * made safe too: git ends a message at a line that opens with `---` (a patch's
 * divider) or reads one that opens with `#` as a comment, so such a line of a
 * title a model wrote is indented, and the trailers stay the last paragraph.
 */
import {
  isAnyBuildId,
  LOOP_SUBJECT,
  MILESTONE_SUBJECT,
  REPOSITORY_NAME,
  WORKER_ID,
} from './ids.js';

/**
 * Where the settings in force came from: a repository and the commit its
 * `.github/baton.yml` was read at. A seam: an organisation's policy fills
 * it with its own source and commit.
 */
export interface PolicySource {
  /** `owner/name`. */
  source: string;
  /** The commit the settings were read at. */
  commit: string;
}

/** What a write's trailers say; each field is left out where Baton recorded nothing. */
export interface WriteTrailers {
  build: string;
  /** The build's status: its comment's link, else its issue's. */
  status?: string;
  worker?: string;
  /** The recorded asker's login (the ask record). */
  askedBy?: string;
  /** The people who approved the plan or the merge (`/approve`, `/merge`, an approving review). */
  approvedBy?: readonly string[];
  /** The evidence that let the write go: words Baton chose, ids and links. */
  evidence?: readonly string[];
  policy?: PolicySource;
}

/** The trailers' keys, in the order they are written. */
export const TRAILER_KEYS = [
  'Baton-Build',
  'Baton-Worker',
  'Asked-by',
  'Approved-by',
  'Baton-Evidence',
  'Baton-Policy',
] as const;

/** A GitHub login as REST gives it: a bot's ends `[bot]`. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
/** A link Baton made: a scheme, a host, and a path of ids. */
const LINK =
  /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%-]+)*\/?(?:#[A-Za-z0-9_-]+)?$/;
/** A commit id. */
const SHA = /^[0-9a-f]{7,64}$/;
/** Words of evidence: Baton's own words, ids, shas, check names and links; one line. */
const EVIDENCE = /^[A-Za-z0-9 ._~%/#@=,+():-]{1,200}(?<! )$/;

export function isTrailerLogin(login: string): boolean {
  return LOGIN.test(login);
}

function isWorker(worker: string): boolean {
  return WORKER_ID.test(worker) || LOOP_SUBJECT.test(worker) || MILESTONE_SUBJECT.test(worker);
}

function isEvidence(words: string): boolean {
  // A word with a colon is a link, checked whole.
  return (
    EVIDENCE.test(words) && words.split(' ').every((word) => !word.includes(':') || LINK.test(word))
  );
}

/** The trailer lines (`Key: value`) of what passes its allowlist. */
export function trailerLines(trailers: WriteTrailers): string[] {
  const lines: string[] = [];
  const add = (key: (typeof TRAILER_KEYS)[number], value: string) => lines.push(`${key}: ${value}`);
  if (isAnyBuildId(trailers.build)) {
    const status = trailers.status && LINK.test(trailers.status) ? ` ${trailers.status}` : '';
    add('Baton-Build', `${trailers.build}${status}`);
  }
  if (trailers.worker && isWorker(trailers.worker)) add('Baton-Worker', trailers.worker);
  if (trailers.askedBy && LOGIN.test(trailers.askedBy)) add('Asked-by', trailers.askedBy);
  for (const login of new Set(trailers.approvedBy ?? [])) {
    if (LOGIN.test(login)) add('Approved-by', login);
  }
  for (const words of trailers.evidence ?? []) {
    if (isEvidence(words)) add('Baton-Evidence', words);
  }
  const policy = trailers.policy;
  if (policy && REPOSITORY_NAME.test(policy.source) && SHA.test(policy.commit)) {
    add('Baton-Policy', `${policy.source}@${policy.commit}`);
  }
  return lines;
}

/**
 * A message's text made safe to close with trailers: no line that git would
 * read as the end of the message (`---`) or as a comment (`#`), no trailing blank lines.
 */
export function safeMessageText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => (/^(?:---|#)/.test(line) ? ` ${line}` : line))
    .join('\n')
    .trimEnd();
}

/** One line of a title: a model's title never spans lines in a message. */
export function oneLine(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}

/** `message` closed by the trailers, as their own last paragraph. */
export function withTrailers(message: string, trailers: WriteTrailers): string {
  const text = safeMessageText(message);
  const lines = trailerLines(trailers);
  if (lines.length === 0) return text;
  return `${text}\n\n${lines.join('\n')}`;
}
