/**
 * A worker's report checked against its diff and what publish knows, before
 * its pull request's body is written (docs/verification.md, "Claims checked
 * against the diff"). Each rule says what a sentence claiming something looks
 * like and whether the facts bear it out; a claim they do not is quoted in the
 * body's "Not borne out by the diff" and counted in the evidence. Pure: the
 * table is tested row by row.
 */

import type { Completion } from '../../../../core/records/completion.js';
import { quotedValue } from '../../../../core/vocabulary/quoted-value.js';

/** What publish knows when it writes the body. */
export interface ClaimFacts {
  /** Every path the pull request's diff adds, changes, deletes or renames (both names). */
  paths: ReadonlySet<string>;
  /** The tests as the session ran them. */
  tests: Completion['tests'];
  /** The contract's command, when the build has a contract. */
  contractCommand: string | null;
}

export interface ClaimRule {
  /** What the sentence claims, as the body names it. */
  claim: string;
  /** Why the facts do not bear it out, said after the quote. */
  why: string;
  /** A sentence that makes the claim (no global flag). */
  pattern: RegExp;
  borneOut(sentence: string, facts: ClaimFacts): boolean;
}

/** A test file named in text: a path with `test` or `spec` in it, and an extension. */
const TEST_FILE = /[\w@./-]*(?:test|spec)[\w@.-]*\.[A-Za-z]{1,5}\b/gi;
const COMMAND = /\b(?:ran|run|running|executed|invoked)\s+`([^`\n]+)`/gi;

export const CLAIM_RULES: readonly ClaimRule[] = [
  {
    claim: 'a review approval',
    why: 'no review has approved this pull request: publish opens it, and its review comes after',
    pattern:
      /\b(?:approved by|LGTM|signed[- ]off by)\b|\breview(?:er|ers)?\b[^.!?\n]*\b(?:approved|gave (?:its|their|an) approval)\b|\bapproved\b[^.!?\n]*\breview(?:er|ers)?\b/i,
    borneOut: () => false,
  },
  {
    claim: 'passing checks',
    why: "publish knows of no check's result: the checks run on the head it pushes, after",
    pattern:
      /\b(?:CI|continuous integration|GitHub Actions|(?:the\s+)?pipeline|(?:all|status|required|the)\s+checks|checks)\s+(?:(?:all|are|is|were|was|now|both|have|has)\s+)*(?:pass(?:es|ed|ing)?|green|succeed(?:s|ed)?|successful)\b|\b(?:green|passing|successful)\s+(?:CI|checks|pipeline)\b/i,
    borneOut: () => false,
  },
  {
    claim: 'all tests pass',
    why: 'the tests as Baton ran them in the session did not pass',
    pattern:
      /\b(?:all|every)\s+(?:the\s+)?(?:\w+\s+)?tests?\b[^.!?\n]*\bpass\w*|\btests?\s+(?:all\s+)?pass(?:es|ed|ing)?\b|\b(?:tests?|test suite)\s+(?:is|are)\s+(?:green|passing)\b/i,
    borneOut: (_sentence, { tests }) => tests?.status === 'passed',
  },
  {
    claim: 'tests added',
    why: 'a test file it names is not added or changed by the diff',
    pattern:
      /\b(?:add(?:ed|s|ing)?|wrote|writes|written|creat\w*|new)\b[^.!?\n]*\btests?\b|\btests?\b[^.!?\n]*\b(?:added|written|created)\b/i,
    borneOut: (sentence, { paths }) =>
      (sentence.match(TEST_FILE) ?? []).every((named) => pathIn(named, paths)),
  },
  {
    claim: 'a criterion met',
    why: "only the contract's checks, run on the head, say a criterion is met",
    pattern:
      /\b(?:acceptance\s+)?criteri(?:on|a)\b[^.!?\n]*\b(?:met|meets|satisf\w*|fulfil\w*|pass\w*)\b|\b(?:meets|satisf\w+|fulfil\w*)\b[^.!?\n]*\bcriteri|\b(?:W\d{1,2}\.\d{1,2}|build):\d{1,2}\b[^.!?\n]*\b(?:met|satisf\w*|pass\w*)\b/i,
    borneOut: (_sentence, { tests, contractCommand }) =>
      tests?.status === 'passed' &&
      contractCommand !== null &&
      tests.command?.trim() === contractCommand.trim(),
  },
  {
    claim: 'a command run',
    why: 'the tests Baton ran in the session show no such command',
    pattern: /\b(?:ran|run|running|executed|invoked)\s+`[^`\n]+`/i,
    borneOut: (sentence, { tests }) => {
      const ran = tests?.status === 'not-run' ? null : (tests?.command ?? null);
      return [...sentence.matchAll(COMMAND)].every(
        (match) => ran?.includes((match[1] ?? '').trim()) === true,
      );
    },
  },
];

function normal(path: string): string {
  return path.trim().replace(/^\.\//, '');
}

function pathIn(path: string, paths: ReadonlySet<string>): boolean {
  const wanted = normal(path);
  return [...paths].some((changed) => changed === wanted || changed.endsWith(`/${wanted}`));
}

/** One claim the facts do not bear out: which, why, and the text (model text, not yet neutralized). */
export interface FlaggedClaim {
  claim: string;
  why: string;
  quote: string;
}

export interface JudgedClaims {
  /** Claims compared with the facts (artifacts included). */
  checked: number;
  flagged: FlaggedClaim[];
  /** The report's artifacts that the diff holds; the rest are flagged. */
  artifacts: string[];
}

/** The most characters of a sentence the evidence's line quotes; the body's quote is cut as the guide's are. */
const QUOTE_MAX = 200;

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
}

/** A sentence on one line, whole: each place that shows it cuts it, and says so. */
function oneLine(sentence: string): string {
  return sentence.replace(/\s+/g, ' ');
}

/** The summary, learnings and decisions against the rules; the artifacts against the diff. */
export function judgeClaims(
  completion: Pick<Completion, 'summary' | 'learnings' | 'decisions' | 'artifacts'>,
  facts: ClaimFacts,
): JudgedClaims {
  const flagged: FlaggedClaim[] = [];
  let checked = 0;
  const texts = [completion.summary, ...completion.learnings, ...completion.decisions];
  for (const sentence of texts.flatMap(sentencesOf)) {
    for (const rule of CLAIM_RULES) {
      if (!rule.pattern.test(sentence)) continue;
      checked += 1;
      if (!rule.borneOut(sentence, facts)) {
        flagged.push({ claim: rule.claim, why: rule.why, quote: oneLine(sentence) });
      }
    }
  }
  const artifacts: string[] = [];
  for (const artifact of completion.artifacts) {
    checked += 1;
    if (facts.paths.has(normal(artifact))) artifacts.push(artifact);
    else {
      flagged.push({
        claim: 'an artifact',
        why: 'the diff does not change it; it is left out of the list of artifacts',
        quote: oneLine(artifact),
      });
    }
  }
  return { checked, flagged, artifacts };
}

/** The evidence's line for a flagged claim (the app shows it as text, never as markup). */
export function flaggedLine({ claim, quote }: FlaggedClaim): string {
  // A claim's name is a few words of Baton's: the line stays within the evidence's 300 characters.
  return `${claim}: ${quotedValue(quote, QUOTE_MAX)}`;
}
