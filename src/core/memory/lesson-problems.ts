/**
 * What a lesson may never be, whatever a person approved: a lesson reaches
 * every session of its roles, so one that changes the contract, grants a
 * permission, names a secret, changes a workflow, reaches another repository,
 * claims to outrank the brief or hides text a person on GitHub cannot see
 * would be an instruction planted in the repository. Such a lesson is left out when read, with the rule it breaks
 * named. One table, each rule a name, what it refuses, and where it looks.
 */
import { matchesGlob } from '../verification/path-glob.js';
import { findHiddenMarkdown } from './hidden-markdown.js';
import type { Lesson } from './lesson.js';
import { namesOtherAddress } from './lesson-addresses.js';

export type LessonRule =
  | 'hidden'
  | 'contract'
  | 'permission'
  | 'secret'
  | 'workflow'
  | 'other-repository'
  | 'outranks-brief';

export interface LessonProblem {
  rule: LessonRule;
  /** Where in the lesson (`rule`, `why`, `body`, `citations.0.text`, `paths.1`). */
  field: string;
  /** What the rule refuses, in words. */
  message: string;
}

/** What the rules read: the lesson's texts, by field. */
interface Texts {
  /** What a session reads as the lesson's words: rule, why, prose. */
  words: { field: string; text: string }[];
  /** Every text of the lesson but its evidence: words, paths, citations. */
  all: { field: string; text: string }[];
}

const SECRET_WORD =
  '(?:secrets?|tokens?|api[ _-]?keys?|access[ _-]?keys?|private[ _-]?keys?|ssh[ _-]?keys?|passwords?|passphrases?|credentials?|client[ _-]?secrets?)';

/** Values shaped like a credential (secretlint's and gitleaks' prefixes); the session runs secretlint too. */
const CREDENTIAL_SHAPES = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  /\bAIza[\w-]{35}/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY/,
];

interface Rule {
  rule: LessonRule;
  message: string;
  /** Which texts it reads. */
  reads: keyof Texts;
  patterns: readonly RegExp[];
  /** A check beyond patterns (the repository's own name, paths' globs). */
  check?: (text: string, field: string, repository: string | undefined) => boolean;
}

/** Words that change what "done" means: the contract, checks, tests marked to pass by not running. */
const CONTRACT = [
  /contract\.json/i,
  /\b(?:skip|skipping|disable|disabling|weaken|weakening|loosen|relax|bypass|remove|delete|drop|comment(?:ing)? out|turn(?:ing)? off|silence|suppress)\b[^.\n]{0,40}\b(?:checks?|tests?|criteri(?:a|on)|assertions?|lint(?:ing|er)?|type ?checks?|CI|contract|verification|hooks?|gates?)\b/i,
  /\b(?:mark|marking|flag|flagging)\b[^.\n]{0,30}\btests?\b[^.\n]{0,30}\b(?:fail(?:ing)?|skip(?:ped)?|flaky|todo|pending|xfail|expected to fail)\b/i,
  /\b(?:it|test|describe)\.(?:skip|only|todo|fails)\b|\bx(?:it|describe)\(|@pytest\.mark\.(?:skip|xfail)|#\[ignore\]|--no-verify\b/i,
  /\b(?:lower|reduce)\b[^.\n]{0,30}\b(?:coverage|thresholds?)\b/i,
];

const PERMISSION = [
  /\b(?:grant|give|add|request|elevate|escalate|widen)\b[^.\n]{0,40}\b(?:permissions?|access|scopes?|admin|sudo|root|privileges?)\b/i,
  /\bpermissions\s*:/i,
  /\b(?:contents|pull-requests|actions|issues|workflows|packages|id-token|checks|statuses|administration)\s*:\s*write\b/i,
  /\bsudo\b|\bchmod\s+[0-7]*7[0-7]{2}\b|\bsetuid\b/i,
];

const SECRET = [
  new RegExp(
    String.raw`\b(?:print|echo|reveal|show|send|post|paste|upload|share|export|leak|expose|output|dump|copy|read|cat|fetch|give|ask|request|provide|include|commit|set)\b[^.\n]{0,40}\b${SECRET_WORD}\b`,
    'i',
  ),
  /\$\{\{\s*secrets\.|\bsecrets\.[A-Z_][A-Z0-9_]*/i,
  /\b[A-Z][A-Z0-9_]*_(?:TOKEN|SECRET|PASSWORD|API_KEY|PRIVATE_KEY|ACCESS_KEY)\b/,
  /(?:^|[\s/'"`])\.env(?:rc)?\b(?![.\w-]*(?:example|sample|template))/i,
  /\bid_(?:rsa|dsa|ecdsa|ed25519)\b|~\/\.ssh\b|\.npmrc\b|\.netrc\b/i,
  ...CREDENTIAL_SHAPES,
];

const WORKFLOW = [
  /\.github\/(?:workflows|actions)\b/i,
  /\b(?:change|changing|edit|editing|modify|modifying|update|updating|add|adding|write|writing|delete|deleting|remove|removing|rename)\b[^.\n]{0,30}\b(?:workflows?|action\.ya?ml)\b/i,
];

const OUTRANKS = [
  /\b(?:ignore|disregard|forget)\b[^.\n]{0,40}\b(?:instructions?|rules?|briefs?|prompts?|directions?|guidance|contract|scope)\b/i,
  /\b(?:override|overrides|overriding|supersede|supersedes|outrank|outranks|take[s]? precedence over|trumps?)\b[^.\n]{0,30}\b(?:brief|contract|rules?|instructions?|system|prompt|baton)\b/i,
  /\b(?:instead of|rather than|regardless of|not bound by)\b[^.\n]{0,20}\b(?:the brief|the contract|baton'?s rules|your instructions|the instructions)\b/i,
  /\b(?:you are now|new instructions|system prompt|developer mode|jailbreak)\b/i,
];

/** An `owner/name` said as a repository: after words that reach one, or with `#123` or `@ref` after it. */
const OWNER_NAME = String.raw`([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100}?)`;
const REPOSITORY_MENTIONS = [
  new RegExp(String.raw`git@github\.com:${OWNER_NAME}(?=\.git\b|[\s'"\x60]|$)`, 'gi'),
  new RegExp(
    String.raw`\b(?:clone|cloning|fetch|fetching|pull|pulling|push|pushing|fork|forking|repo|repository|repositories|remote|submodule|uses:?)\s+(?:from\s+|to\s+|of\s+|into\s+)?\x60?${OWNER_NAME}(?=[\s.,;:'"\x60)@#]|$)`,
    'gi',
  ),
  new RegExp(String.raw`(?<![\w./@-])${OWNER_NAME}(?:#\d+|@[\w.-]+)`, 'gi'),
];

/**
 * Whether the text reaches another repository: an address other than a page
 * of the repository's own on github.com (parsed, lesson-addresses.ts), or an
 * `owner/name` said as a repository that is not its own.
 */
function reachesOther(text: string, repository: string | undefined): boolean {
  if (namesOtherAddress(text, repository)) return true;
  const own = repository?.toLowerCase();
  for (const pattern of REPOSITORY_MENTIONS) {
    for (const match of text.matchAll(pattern)) {
      const named = `${match[1]}/${(match[2] ?? '').replace(/\.git$/, '')}`.toLowerCase();
      if (named !== own) return true;
    }
  }
  return false;
}

/**
 * Characters that render as nothing on GitHub but reach a model: format
 * characters (zero-width spaces and joiners, bidi controls, the BOM, soft
 * hyphens), every default ignorable code point (tag characters, which a model
 * reads as the ASCII they shadow; variation selectors), control characters
 * but line breaks and tabs, and the fillers that render blank. A lesson
 * holding one would say to sessions what the person who approved it did not
 * see, and its words would pass the other rules split by one.
 */
const HIDDEN =
  /[\p{Cf}\p{Default_Ignorable_Code_Point}\u115F\u1160\u3164\uFFA0\u2800]|[^\P{Cc}\n\r\t]/u;

/** The fields a session reads as the lesson's words, written in Markdown. */
const WORD_FIELDS: ReadonlySet<string> = new Set(['rule', 'why', 'body']);

/** The rules, each named; a lesson that breaks one is left out. */
export const LESSON_RULES: readonly Rule[] = [
  {
    rule: 'hidden',
    message:
      'holds text that renders as nothing or other than written on GitHub (zero-width, bidi, tag, variation or control characters; in its words an HTML comment, a link reference definition or raw HTML): a session would read what the person who approved it could not see',
    reads: 'all',
    patterns: [],
    // A cited line is the checkout's own text, read by code (a BOM on a file's first line);
    // the words are Markdown as GitHub renders them, paths and cited lines are not.
    check: (text, field) =>
      (!/^citations\.\d+\.text$/.test(field) && HIDDEN.test(text)) ||
      (WORD_FIELDS.has(field) && findHiddenMarkdown(text) !== null),
  },
  {
    rule: 'contract',
    message:
      'changes the contract (weakening or skipping checks, contract.json, tests marked to fail or skip)',
    reads: 'words',
    patterns: CONTRACT,
  },
  { rule: 'permission', message: 'grants a permission', reads: 'words', patterns: PERMISSION },
  {
    rule: 'secret',
    message: 'names or asks for a secret, token or key',
    reads: 'all',
    patterns: SECRET,
  },
  {
    rule: 'workflow',
    message: 'changes a workflow (.github/workflows, .github/actions)',
    reads: 'all',
    patterns: WORKFLOW,
    // A glob that takes in the workflows is a lesson about them.
    check: (text, field) =>
      field.startsWith('paths.') &&
      ['.github/workflows/ci.yml', '.github/actions/a/action.yml'].some((path) =>
        matchesGlob(text, path),
      ),
  },
  {
    rule: 'other-repository',
    message:
      "reaches another repository (an owner/name or an address other than the repository's own)",
    reads: 'all',
    patterns: [],
    check: (text, _field, repository) => reachesOther(text, repository),
  },
  {
    rule: 'outranks-brief',
    message: "claims to outrank the brief, the contract or Baton's rules",
    reads: 'words',
    patterns: OUTRANKS,
  },
];

function textsOf(lesson: Lesson): Texts {
  const words = [
    { field: 'rule', text: lesson.rule },
    { field: 'why', text: lesson.why },
    { field: 'body', text: lesson.body },
  ];
  const all = [
    ...words,
    ...(lesson.paths ?? []).map((text, i) => ({ field: `paths.${i}`, text })),
    ...lesson.citations.flatMap((citation, i) => [
      { field: `citations.${i}.path`, text: citation.path },
      { field: `citations.${i}.text`, text: citation.text },
    ]),
  ];
  return { words, all };
}

/**
 * The rules a lesson breaks, one problem a rule (the first field that breaks
 * it). `repository` is the repository's own `owner/name`: the only one a
 * lesson may name. Its evidence is read by no rule: links to what taught it.
 */
export function lessonProblems(lesson: Lesson, repository?: string): LessonProblem[] {
  const texts = textsOf(lesson);
  const problems: LessonProblem[] = [];
  for (const { rule, message, reads, patterns, check } of LESSON_RULES) {
    const hit = texts[reads].find(
      ({ field, text }) =>
        patterns.some((pattern) => pattern.test(text)) ||
        (check?.(text, field, repository) ?? false),
    );
    if (hit) problems.push({ rule, field: hit.field, message });
  }
  return problems;
}

/** A problem in words: the lesson, the field, the rule. */
export function describeLessonProblem(slug: string, problem: LessonProblem): string {
  return `lesson ${slug} ${problem.field} ${problem.message} (rule ${problem.rule}): left out`;
}
