/**
 * Folders follow the dependency order (AGENTS.md, "Architecture in ten lines"):
 * the floors of `src/` from the ground up, and no file imports one on a floor
 * above its own, or beside it, nor do files import each other in a circle.
 */
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../../scripts/source-files.js';
import { circlesOf, importsOf, type SourceImport } from './source-imports.js';

/**
 * The floors, the ground first: a file imports only files of its own floor and
 * of the floors of lines above it in this table. Floors on one line stand
 * beside each other and import nothing of each other. A floor is a folder
 * (`src/core/plan/`, with its subfolders that are not floors of their own), the
 * files directly in a folder (`src/*`), or a file; a file is on the floor that
 * names it most closely.
 */
const FLOORS: readonly (readonly string[])[] = [
  // src/core, pure, from the ground up, as AGENTS.md draws it.
  ['src/core/vocabulary/'],
  ['src/core/sessions/'],
  ['src/core/plan/'],
  ['src/core/reports/'],
  ['src/core/records/'],
  ['src/core/commands/'],
  ['src/core/config/'],
  ['src/core/snapshot/'],
  ['src/core/verification/'],
  ['src/core/memory/'],
  ['src/core/status/'],
  ['src/core/context/'],
  ['src/core/workers/'],
  ['src/core/rules/'],
  ['src/core/decide/'],
  ['src/core/change-set/'],
  // The overview of builds reads decide's; setup and doctor stand beside the rest, and what
  // Baton says on a tracker's issue of the status it renders.
  ['src/core/overview/', 'src/core/setup/', 'src/core/doctor/', 'src/core/trackers/'],
  // The audit trail reads the overview's builds, for the reader they are read for.
  ['src/core/audit/'],
  // Over the core, two columns that never meet (`APART`): the app's (left), the
  // session's, the CLI in Actions (right), each from its ground (the files beside
  // its folders) up to its entry.
  ['src/*', 'src/session/*'],
  ['src/github/client/', 'src/session/reads/'],
  ['src/github/store/', 'src/session/publish/'],
  ['src/github/observe/', 'src/session/views/'],
  ['src/github/act/', 'src/session/agent/'],
  ['src/github/setup/', 'src/session/doctor/'],
  ['src/github/change-set/', 'src/session/session-cli.ts'],
  ['src/github/reconcile/pass/', 'src/session/session-action.ts'],
  ['src/github/reconcile/queue/'],
  ['src/github/reconcile/doors/'],
  // The app's server and its traces, its page, the commands of a person's machine, the conductor's steps, its wiring.
  ['src/server/', 'src/telemetry/'],
  ['src/page/'],
  ['src/cli/'],
  ['src/doctor/', 'src/conductor/'],
  ['src/index.ts'],
  ['src/main.ts'],
];

/**
 * Folders that meet only the folders listed: the session (the CLI in Actions,
 * bundled on its own) and the app import nothing of each other, whatever their
 * lines above; the conductor's steps stand on both.
 */
const APART: Readonly<Record<string, readonly string[]>> = {
  'src/session/': ['src/core/', 'src/conductor/'],
};

interface Floor {
  name: string;
  level: number;
}

const BY_NAME = new Map(
  FLOORS.flatMap((names, level) => names.map((name): [string, Floor] => [name, { name, level }])),
);

/** The floor of a file: the one naming it most closely; null when none does. */
function floorOf(path: string): Floor | null {
  const parts = path.split('/');
  const exact = BY_NAME.get(path) ?? BY_NAME.get(`${parts.slice(0, -1).join('/')}/*`);
  if (exact) return exact;
  for (let depth = parts.length - 1; depth > 0; depth -= 1) {
    const folder = BY_NAME.get(`${parts.slice(0, depth).join('/')}/`);
    if (folder) return folder;
  }
  return null;
}

/** What is wrong with one import: it climbs, or steps sideways; null when it goes down or stays. */
function misstep({ from, to, line }: SourceImport): string | null {
  if (!to) return null;
  const own = floorOf(from);
  const theirs = floorOf(to);
  if (!own || !theirs || own.name === theirs.name || theirs.level < own.level) return null;
  const where = theirs.level > own.level ? 'above' : 'beside';
  return `${from}:${line} imports ${to}, on a floor ${where} its own (${theirs.name} ${where} ${own.name}): move what both need down, or pass it in`;
}

/** An import between a folder of `APART` and one it does not meet; null for any other. */
function crossing({ from, to, line }: SourceImport): string | null {
  if (!to) return null;
  for (const [area, meets] of Object.entries(APART)) {
    if (from.startsWith(area) === to.startsWith(area)) continue;
    const other = from.startsWith(area) ? to : from;
    if (meets.some((folder) => other.startsWith(folder))) continue;
    return `${from}:${line} imports ${to}: ${area} meets only ${meets.join(' and ')}`;
  }
  return null;
}

const files = sourceFiles('src');
const imports = importsOf(files);

describe('the floors of src/', () => {
  it('puts every file on a floor, and names no floor that is gone', () => {
    const lost = files
      .map((file) => file.path)
      .filter((path) => !floorOf(path))
      .map(
        (path) => `${path} is on no floor: add its folder to FLOORS (test/house/floors.test.ts)`,
      );
    const gone = [...BY_NAME.keys()]
      .filter((name) => !files.some((file) => floorOf(file.path)?.name === name))
      .map((name) => `${name} names no file of src/: take it out of FLOORS, or rename it`);
    expect([...lost, ...gone]).toEqual([]);
  });

  it('has no file importing one above or beside its own floor', () => {
    expect(imports.length).toBeGreaterThan(1000);
    expect(imports.map(misstep).filter((found) => found !== null)).toEqual([]);
  });

  it('has the session and the app import nothing of each other', () => {
    expect(imports.map(crossing).filter((found) => found !== null)).toEqual([]);
  });

  it('has no relative import that names no file of src/', () => {
    const lost = imports
      .filter((imported) => !imported.to)
      .map(({ from, line, specifier }) => `${from}:${line} imports ${specifier}, no file of src/`);
    expect(lost).toEqual([]);
  });

  it('has no files importing each other in a circle', () => {
    expect(circlesOf(imports).map((circle) => circle.join(' → '))).toEqual([]);
  });

  it('tells a climb, a step sideways and a circle', () => {
    const at = (from: string, to: string): SourceImport => ({ from, to, line: 3, specifier: '' });
    expect(misstep(at('src/core/plan/plan.ts', 'src/core/vocabulary/ids.ts'))).toBeNull();
    expect(misstep(at('src/core/records/brief.ts', 'src/core/plan/plan.ts'))).toBeNull();
    expect(misstep(at('src/core/vocabulary/ids.ts', 'src/core/plan/plan.ts'))).toBe(
      'src/core/vocabulary/ids.ts:3 imports src/core/plan/plan.ts, on a floor above its own (src/core/plan/ above src/core/vocabulary/): move what both need down, or pass it in',
    );
    expect(misstep(at('src/session/env.ts', 'src/read-config.ts'))).toContain(
      'on a floor beside its own',
    );
    expect(misstep(at('src/session/agent/run-agent.ts', 'src/session/result.ts'))).toBeNull();
    expect(misstep(at('src/session/result.ts', 'src/session/agent/run-agent.ts'))).toContain(
      'above',
    );
    expect(crossing(at('src/session/agent/run-agent.ts', 'src/github/client/octokit.ts'))).toBe(
      'src/session/agent/run-agent.ts:3 imports src/github/client/octokit.ts: src/session/ meets only src/core/ and src/conductor/',
    );
    expect(crossing(at('src/github/act/act.ts', 'src/session/env.ts'))).toContain('meets only');
    expect(crossing(at('src/conductor/route.ts', 'src/session/env.ts'))).toBeNull();
    expect(crossing(at('src/session/env.ts', 'src/core/plan/plan.ts'))).toBeNull();
    expect(
      circlesOf([
        at('src/a.ts', 'src/b.ts'),
        at('src/b.ts', 'src/c.ts'),
        at('src/c.ts', 'src/a.ts'),
        at('src/c.ts', 'src/d.ts'),
        at('src/e.ts', 'src/e.ts'),
      ]),
    ).toEqual([['src/a.ts', 'src/b.ts', 'src/c.ts'], ['src/e.ts']]);
  });
});
