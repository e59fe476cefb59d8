/**
 * A config file's problems as a person reads them: each zod issue said in
 * words under the path of its field (`review.maxFixRounds`, `changeSets.repositories,
 * item 3`), with the value found there and a "did you mean" for a misspelt key.
 */
import type { z } from 'zod';
import { renderDidYouMean } from '../vocabulary/nearest.js';
import type { PolicySource } from '../vocabulary/trailers.js';

/** One thing wrong with a config file, by the path of its field as a person writes it. */
export interface ConfigProblem {
  /** `review.maxFixRounds`, `changeSets.repositories, item 3` (items counted from 1), or `(file)` for the whole file. */
  field: string;
  message: string;
  /** The field's keys and list indexes (from 0), where it has one: what finds its line. */
  path?: (string | number)[];
  /** The value found there, quoted (`"acme/lib.git"`, `25`), where it is one word or number. */
  value?: string;
  /** 1-based line in the file, where the loader could tell. */
  line?: number;
  /** The file the problem is in, where it is not `.github/baton.yml` (an organisation's policy). */
  file?: string;
}

type Issue = z.core.$ZodIssue;

/**
 * A field's path as a person writes it: keys joined by dots, a list's item
 * counted from 1 (`changeSets.repositories, item 3`).
 */
export function renderConfigPath(path: readonly (string | number)[]): string {
  const parts: string[] = [];
  let keys: string[] = [];
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (keys.length > 0) parts.push(keys.join('.'));
      keys = [];
      parts.push(`item ${segment + 1}`);
    } else keys.push(segment);
  }
  if (keys.length > 0) parts.push(keys.join('.'));
  return parts.join(', ');
}

/** The value at `path` in what the file holds; undefined where there is none. */
function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** A value as a person reads it: text quoted, a number or true/false as is, a list or table by its kind. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value))
    return value.length === 0 ? 'an empty list' : `a list of ${countOf(value.length, 'item')}`;
  return 'a table of settings';
}

/** A scalar value quoted for the field's line; undefined for a list, a table or nothing. */
function quotedScalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? describeValue(value)
    : undefined;
}

function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** zod's name of a type as a person writes it in YAML. */
function typeWord(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
    case 'map':
      return 'a table of settings';
    default:
      return expected;
  }
}

/** zod's default wording, which a person should never read: a schema's own message is kept. */
function isZodsOwnWording(message: string): boolean {
  return /^(Invalid|Too (big|small)|Unrecognized|Expected)/.test(message);
}

/** What is wrong with the value, in words, for the issues whose wording is zod's. */
function rewordIssue(issue: Issue, value: unknown): string {
  if (!isZodsOwnWording(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `must be set, to ${typeWord(issue.expected)}`
        : `must be ${typeWord(issue.expected)}, not ${describeValue(value)}`;
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      const inclusive = issue.inclusive !== false;
      const limit =
        issue.code === 'too_big'
          ? inclusive
            ? 'at most'
            : 'fewer than'
          : inclusive
            ? 'at least'
            : 'more than';
      if (Array.isArray(value))
        return `lists ${countOf(value.length, 'item')}; ${limit} ${String(bound)} may be listed`;
      if (typeof value === 'string')
        return `is ${countOf(value.length, 'character')} long; ${limit} ${String(bound)}`;
      return `must be ${limit === 'fewer than' ? 'less than' : limit} ${String(bound)}`;
    }
    case 'invalid_format':
      return `is not a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message;
  }
}

/** The settings Baton knows at a path of the file: what a misspelt key's "did you mean" picks from. */
export type SettingKeysAt = (path: readonly string[]) => string[];

/**
 * One zod issue of the file `raw` as the problems a person reads, under the
 * path `at` (a union's option's issues sit below it).
 */
export function problemsOf(
  issue: Issue,
  { raw, keysAt, at = [] }: { raw: unknown; keysAt: SettingKeysAt; at?: readonly PropertyKey[] },
): ConfigProblem[] {
  const path = [...at, ...issue.path].map((segment) =>
    typeof segment === 'number' ? segment : String(segment),
  );
  const field = renderConfigPath(path) || '(file)';
  const value = valueAt(raw, path);
  const quoted = quotedScalar(value);
  const problem = (message: string): ConfigProblem => ({
    field,
    message,
    path,
    // Quoted beside the field unless the message already says it (`acme-1 has no price`).
    ...(quoted !== undefined && !message.startsWith(String(value)) && !message.includes(quoted)
      ? { value: quoted }
      : {}),
  });
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = keysAt(path.map(String));
      // No setting near enough: the ones the table takes (the file's own are docs/configuration.md's
      // long list), so the right one is in front of the reader.
      const listed =
        known.length > 0 && path.length > 0
          ? `; ${renderConfigPath(path)} takes ${known.map((name) => `\`${name}\``).join(', ')}`
          : ' (check the spelling)';
      return issue.keys.map((key) => ({
        field: renderConfigPath([...path, key]),
        message: `is not a Baton setting${renderDidYouMean(key, known) || listed}`,
        path: [...path, key],
      }));
    }
    case 'invalid_value': {
      // zod's own words list the values as JSON; a schema's own message stays.
      const own =
        !issue.message.startsWith('Invalid option') && !issue.message.startsWith('Invalid input');
      return [problem(own ? issue.message : `must be one of: ${issue.values.join(', ')}`)];
    }
    case 'invalid_union': {
      // The option of the value's own shape (a table whose fields are wrong,
      // else a name that is not a type error) says what is wrong with it.
      const deeper = issue.errors.filter((option) => option.some((inner) => inner.path.length > 0));
      const shaped = deeper.length > 0 ? deeper : issue.errors.filter((o) => !o.every(isWrongType));
      const only = shaped.length === 1 ? (shaped[0] ?? []) : [];
      // One literal (`auto`) beside a type (`true or false`) is said as both.
      const [first] = only;
      const literal =
        only.length === 1 && first?.code === 'invalid_value' && first.values.length === 1;
      if (only.length > 0 && !literal)
        return only.flatMap((inner) => problemsOf(inner, { raw, keysAt, at: path }));
      const words = unionWords(issue.errors);
      return [
        problem(quoted ? `must be ${words}` : `must be ${words}, not ${describeValue(value)}`),
      ];
    }
    default:
      return [problem(rewordIssue(issue, value))];
  }
}

/** What a union's options accept, in words (`true or false, or "auto"`). */
function unionWords(options: readonly (readonly Issue[])[]): string {
  const words = options.flatMap((option) =>
    option.flatMap((inner) => {
      if (inner.code === 'invalid_type') return [typeWord(inner.expected)];
      if (inner.code === 'invalid_value') return inner.values.map((v) => JSON.stringify(v));
      return [];
    }),
  );
  return [...new Set(words)].join(', or ') || 'another kind of value';
}

function isWrongType(issue: Issue): boolean {
  return issue.code === 'invalid_type' && issue.path.length === 0;
}

/** The top-level sections of `raw` with no problem of their own, or null when that leaves nothing to check. */
export function withoutBrokenSections(raw: unknown, issues: readonly Issue[]): object | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const broken = new Set<string>();
  for (const issue of issues) {
    const [section] = issue.path.map(String);
    if (section !== undefined) broken.add(section);
    else if (issue.code === 'unrecognized_keys') for (const key of issue.keys) broken.add(key);
    else return null;
  }
  const sound = Object.fromEntries(Object.entries(raw).filter(([key]) => !broken.has(key)));
  return Object.keys(sound).length > 0 ? sound : null;
}

/** A repository's setting the policy ignored: where, what it said, and the limit it loosened. */
export interface IgnoredSetting {
  /** The setting's path as a person writes it (`budget.maxUsd`). */
  field: string;
  /** What the repository's file said, in one line. */
  value: string;
  /** The limit, in words. */
  limit: string;
  /** The repository whose file it is, where it is not the build's own (a change set's member). */
  repository?: string;
}

/** What applying a policy adds to a repository's config. */
export interface AppliedPolicy {
  /** The organisation's `.github` repository and the commit its `baton-policy.yml` was read at. */
  source: PolicySource;
  ignored: IgnoredSetting[];
  /** What one asker's builds may spend in a UTC day across the installation, where the policy sets it. */
  perAskerDailyUsd: number | null;
  /** A build asked through a door other than the label waits for `/approve`, whatever `approval` says. */
  otherDoorsWait: boolean;
}
