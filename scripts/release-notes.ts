/**
 * What a release does to the files people read, for the release workflow
 * (.github/workflows/release.yml, docs/releasing.md): `changeset version`
 * bumps package.json; `cutRelease` then turns CHANGELOG.md's "Unreleased"
 * section into the version's (Keep a Changelog, with an empty "Unreleased"
 * above it), opened by the changesets' one-line summaries (`changesetSummaries`,
 * read before `changeset version` removes them), `pointReadme` moves the README's clone to the new tag (and drops its
 * notes of what waits for the release), and
 * `releaseNotes` reads a version's section back for its GitHub release or the
 * release pull request, within the body GitHub takes there.
 * Pure; scripts/release-version.ts and the workflow's last step call them.
 */

const UNRELEASED = '## [Unreleased]';

/** What a changeset asks of the package, the largest bump first in the notes. */
const BUMPS = ['major', 'minor', 'patch'] as const;

/**
 * The one-line summaries of the changesets (`.changeset/<name>.md`: front
 * matter naming the bump, then the line), the largest bump first and by file
 * name within one: what a release's notes open with. Throws on a changeset
 * with no summary or no bump of `@baton-dev/baton`.
 */
export function changesetSummaries(files: readonly { name: string; text: string }[]): string[] {
  return files
    .map(({ name, text }) => {
      const found = /^---\n"@baton-dev\/baton": (major|minor|patch)\n---\n+([^\n]+)/.exec(
        text.replaceAll('\r\n', '\n'),
      );
      if (!found?.[1] || !found[2]?.trim())
        throw new Error(`.changeset/${name} asks for no bump of @baton-dev/baton with a summary`);
      return {
        name,
        bump: BUMPS.indexOf(found[1] as (typeof BUMPS)[number]),
        line: found[2].trim(),
      };
    })
    .sort((a, b) => a.bump - b.bump || a.name.localeCompare(b.name))
    .map((one) => one.line);
}

/**
 * CHANGELOG.md with "Unreleased" cut into `## [version] — date`, opened by
 * `summaries` ("In short:" and a line each) where there are any; throws when
 * there is nothing to release.
 */
export function cutRelease(
  changelog: string,
  version: string,
  date: string,
  summaries: readonly string[] = [],
): string {
  const start = changelog.indexOf(UNRELEASED);
  if (start < 0) throw new Error(`CHANGELOG.md has no "${UNRELEASED}" section`);
  if (changelog.includes(`## [${version}]`))
    throw new Error(`CHANGELOG.md has a section for ${version} already`);
  const body = changelog.slice(start + UNRELEASED.length);
  const next = body.search(/^## \[/m);
  const section = (next < 0 ? body : body.slice(0, next)).trim();
  if (section === '')
    throw new Error('CHANGELOG.md\'s "Unreleased" section is empty: nothing to release');
  const short =
    summaries.length > 0
      ? `In short:\n\n${summaries.map((line) => `- ${line}`).join('\n')}\n\n`
      : '';
  return `${changelog.slice(0, start)}${UNRELEASED}\n\n## [${version}] — ${date}\n\n${short}${section}\n\n${next < 0 ? '' : body.slice(next)}`;
}

/**
 * The most characters (code points) GitHub takes in a body: a pull request's
 * 65,536, as an issue's (sim/github/body-limit.ts), and a release's 125,000;
 * over it, GitHub answers 422 "body is too long".
 */
export const BODY_LIMITS = { 'pull-request': 65_536, release: 125_000 } as const;
export type NotesFor = keyof typeof BODY_LIMITS;

/**
 * A version's section of CHANGELOG.md, without its heading: the GitHub
 * release's notes, or the release pull request's body. Where the section is
 * longer than GitHub takes there, it ends at the last whole line that fits,
 * and a last line says the rest is in CHANGELOG.md.
 */
export function releaseNotes(
  changelog: string,
  version: string,
  target: NotesFor = 'release',
): string {
  const heading = new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\][^\\n]*\\n`, 'm');
  const found = heading.exec(changelog);
  if (!found) throw new Error(`CHANGELOG.md has no section for ${version}`);
  const rest = changelog.slice(found.index + found[0].length);
  const next = rest.search(/^## \[/m);
  const notes = `${(next < 0 ? rest : rest.slice(0, next)).trim()}\n`;
  return fitNotes(notes, version, BODY_LIMITS[target]);
}

/** `notes`, or as many of its whole lines as fit in `limit` code points with the line naming the rest. */
function fitNotes(notes: string, version: string, limit: number): string {
  if (Array.from(notes).length <= limit) return notes;
  const more = `\n…and more: the whole of ${version}'s notes are in CHANGELOG.md, its section [${version}].\n`;
  const room = limit - Array.from(more).length;
  const kept: string[] = [];
  let used = 0;
  for (const line of notes.split('\n')) {
    const size = Array.from(line).length + 1;
    if (used + size > room) break;
    kept.push(line);
    used += size;
  }
  return `${kept.join('\n').trimEnd()}\n${more}`;
}

/**
 * The README with its clone command (`git clone --branch vX.Y.Z`) at the new
 * release's tag, and without its notes of what only `main` has until that
 * release (`<!-- until-release … -->` to `<!-- /until-release -->`).
 */
export function pointReadme(readme: string, version: string): string {
  const moved = readme
    .replace(/^[ \t]*<!-- until-release\b[\s\S]*?<!-- \/until-release -->\n/gm, '')
    .replace(/--branch v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?/g, `--branch v${version}`);
  if (!moved.includes(`--branch v${version}`))
    throw new Error('README.md has no `git clone --branch vX.Y.Z` to move');
  return moved;
}
