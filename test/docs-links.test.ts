import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README_MAX_WORDS = 2_000;

/** Every file git tracks (or is about to: untracked, not ignored) that `pattern` matches, relative to the root. */
function trackedFiles(pattern: string): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', pattern],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return listed.split('\n').filter((path) => path !== '' && existsSync(join(ROOT, path)));
}

/** Every Markdown file git tracks. */
function markdownFiles(): string[] {
  return trackedFiles('*.md');
}

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2 … */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose(text).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading?.[1]) continue;
    const base = heading[1]
      .replace(/<[^>]*>/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1] ?? '');
  return anchors;
}

/** Relative links and images of a Markdown text: `[text](target)`, `![alt](target)`, `[x]: target`. */
function relativeLinks(text: string): string[] {
  const body = prose(text);
  const targets = [
    ...[...body.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...body.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]),
  ];
  return targets.filter(
    (target): target is string =>
      target !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//'),
  );
}

function brokenLinks(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const broken: string[] = [];
  for (const link of relativeLinks(text)) {
    const [path = '', anchor] = link.split('#');
    const target =
      path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), decodeURI(path));
    if (!target.startsWith(ROOT) || !existsSync(target)) {
      broken.push(`${file}: ${link} (no such file)`);
      continue;
    }
    if (anchor && target.endsWith('.md') && statSync(target).isFile()) {
      if (!anchorsOf(readFileSync(target, 'utf8')).has(decodeURIComponent(anchor).toLowerCase())) {
        broken.push(`${file}: ${link} (no heading for #${anchor})`);
      }
    }
  }
  return broken;
}

/** Every TypeScript file under src/, relative to the root. */
function sourceFiles(): string[] {
  return trackedFiles('src/*.ts');
}

/** A source text with its comments' line breaks and leading `*` or `//` joined into one line. */
function joinedComments(text: string): string {
  return text.replace(/\s*\n\s*(?:\*(?!\/)|\/\/)?\s*/g, ' ');
}

/** The sections a Markdown text names: its headings and its bold lead-ins (`**The model proxy.**`). */
function sectionsOf(text: string): Set<string> {
  const titles = [
    ...[...text.matchAll(/^#{1,6}\s+(.*?)\s*#*\s*$/gm)].map((m) => m[1]),
    ...[...text.matchAll(/\*\*([^*\n]+?)[.:]?\*\*/g)].map((m) => m[1]),
  ];
  return new Set(titles.map((title) => (title ?? '').replace(/`/g, '').toLowerCase()));
}

/**
 * Pointers in a source text that lead nowhere: a `docs/….md` path that does not exist,
 * a section named after one (`docs/sessions.md, "Wind-down"`) that the file has no heading
 * or bold lead-in for, and any "DESIGN §N", a document the repository does not have.
 */
function brokenPointers(file: string, text: string): string[] {
  const broken: string[] = [];
  const joined = joinedComments(text);
  for (const match of joined.matchAll(
    /\bdocs\/[\w./-]+?\.md\b(?:#([\w-]+))?(?:,?\s+"([^"]+)")?/g,
  )) {
    const [whole, anchor, section] = match;
    const path = whole.replace(/(#.*|,?\s+".*)$/s, '');
    if (!existsSync(join(ROOT, path))) {
      broken.push(`${file}: ${path} (no such file)`);
      continue;
    }
    const doc = readFileSync(join(ROOT, path), 'utf8');
    if (anchor && !anchorsOf(doc).has(anchor))
      broken.push(`${file}: ${path}#${anchor} (no heading)`);
    if (section && !sectionsOf(doc).has(section.toLowerCase()))
      broken.push(`${file}: ${path}, "${section}" (no such section)`);
  }
  if (/DESIGN §/.test(text)) broken.push(`${file}: DESIGN § (no such document)`);
  return broken;
}

describe('the documentation', () => {
  it(`keeps the README to ${README_MAX_WORDS} words`, () => {
    const words = readFileSync(join(ROOT, 'README.md'), 'utf8').split(/\s+/).filter(Boolean);
    expect(words.length).toBeLessThanOrEqual(README_MAX_WORDS);
  });

  it('has a relative link in every Markdown file resolve to a file, and its #anchor to a heading', () => {
    const files = markdownFiles();
    expect(files).toContain('README.md');
    expect(files).toContain('docs/README.md');
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });

  it('finds a broken link and a broken anchor (the check can fail)', () => {
    const text = '[a](missing.md) [b](README.md#no-such-heading) `[c](not-a-link.md)`';
    expect(relativeLinks(text)).toEqual(['missing.md', 'README.md#no-such-heading']);
    expect(anchorsOf("## Scale and GitHub's limits\n## Kinds of build\n## Kinds of build")).toEqual(
      new Set(['scale-and-githubs-limits', 'kinds-of-build', 'kinds-of-build-1']),
    );
  });

  it('is where every pointer of a source file says: its docs/ file, and the section it names', () => {
    const files = sourceFiles();
    expect(files).toContain('src/index.ts');
    const broken = files.flatMap((file) =>
      brokenPointers(file, readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(broken).toEqual([]);
  });

  it('finds a pointer to a missing file, a missing section and a DESIGN § (the check can fail)', () => {
    const text = [
      '/** Where (docs/no-such-file.md). */',
      '/**',
      ' * Read it (docs/sessions.md, "No such',
      ' * section"), and docs/sessions.md, "The token',
      ' * exchange", and docs/security.md, "The model proxy", and DESIGN §9.',
      ' */',
    ].join('\n');
    expect(brokenPointers('src/x.ts', text)).toEqual([
      'src/x.ts: docs/no-such-file.md (no such file)',
      'src/x.ts: docs/sessions.md, "No such section" (no such section)',
      'src/x.ts: DESIGN § (no such document)',
    ]);
  });

  it('cites no DESIGN.md, which the repository does not have', () => {
    const citing = markdownFiles()
      .filter((file) => file !== 'CHANGELOG.md')
      .filter((file) => /DESIGN(\.md| §)/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(citing).toEqual([]);
  });
});
