import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONDUCTOR_WORKFLOW_PATH,
  SETUP_ACTION_PATH,
  skillPath,
  WORKFLOW_PATH,
} from './core/vocabulary/ids.js';

/** One file onboarding installs in a repository. */
export interface TemplateFile {
  /** Where it goes, relative to the repository root. */
  path: string;
  content: string;
  /** Installed once when missing and never updated: the repository's own file after that. */
  createOnly?: boolean;
}

/** Shipped file (under templates/) → where it is installed. */
const TEMPLATES: Array<{
  source: string;
  path: string;
  createOnly?: boolean;
  /** Only in a repository that runs Baton with nothing hosted (docs/serverless.md). */
  serverless?: boolean;
}> = [
  { source: 'workflows/baton.yml', path: WORKFLOW_PATH },
  { source: 'workflows/baton-conductor.yml', path: CONDUCTOR_WORKFLOW_PATH, serverless: true },
  { source: 'baton.yml', path: '.github/baton.yml' },
  { source: 'skills/plan.md', path: skillPath('plan') },
  { source: 'skills/worker.md', path: skillPath('worker') },
  { source: 'skills/review.md', path: skillPath('review') },
  { source: 'skills/fix.md', path: skillPath('fix') },
  { source: 'skills/research.md', path: skillPath('research') },
  { source: 'skills/summary.md', path: skillPath('summary') },
  { source: 'skills/research-work.md', path: skillPath('research-work') },
  { source: 'skills/research-review.md', path: skillPath('research-review') },
  { source: 'skills/synthesis.md', path: skillPath('synthesis') },
  { source: 'skills/content-work.md', path: skillPath('content-work') },
  { source: 'skills/content-review.md', path: skillPath('content-review') },
  { source: 'actions/baton-setup/action.yml', path: SETUP_ACTION_PATH, createOnly: true },
];

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const COMMIT = /^[0-9a-f]{40}$/;
const VERSION = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/**
 * The files onboarding installs, with the workflow's jobs calling Baton's
 * session action of `batonRepository` (`owner/name`) at the commit
 * `batonRef`, the release `batonVersion` (default: this package's version)
 * in the pin's comment. Only a full commit SHA is accepted, so what sessions
 * run cannot change under a repository without a new "Set up Baton" pull
 * request.
 */
export function renderTemplates({
  batonRepository,
  batonRef,
  batonVersion = packageVersion(),
  serverless = false,
}: {
  batonRepository: string;
  batonRef: string;
  batonVersion?: string;
  /** Add the conductor workflow: the repository runs Baton with nothing hosted. */
  serverless?: boolean;
}): TemplateFile[] {
  if (!REPOSITORY.test(batonRepository)) {
    throw new TypeError(`batonRepository must be owner/name, not "${batonRepository}"`);
  }
  if (!COMMIT.test(batonRef)) {
    throw new TypeError(`batonRef must be a full 40-character commit SHA, not "${batonRef}"`);
  }
  if (!VERSION.test(batonVersion)) {
    throw new TypeError(`batonVersion must be vX.Y.Z, not "${batonVersion}"`);
  }
  const root = findTemplatesDir();
  return TEMPLATES.filter((template) => serverless || !template.serverless).map(
    ({ source, path, createOnly }) => ({
      path,
      content: readFileSync(join(root, source), 'utf8')
        .replaceAll('{{BATON_REPOSITORY}}', batonRepository)
        .replaceAll('{{BATON_REF}}', batonRef)
        .replaceAll('{{BATON_VERSION}}', batonVersion),
      ...(createOnly ? { createOnly } : {}),
    }),
  );
}

/** `v` and the Baton package's version, for the session action pin's comment. */
export function packageVersion(): string {
  const pkg = JSON.parse(
    readFileSync(join(dirname(findTemplatesDir()), 'package.json'), 'utf8'),
  ) as {
    version?: unknown;
  };
  return `v${String(pkg.version)}`;
}

/**
 * `templates/` at the package root, found from this module's own location so
 * it works from `src/` (tests, tsx) and from `dist/src/` (the built app).
 */
export function findTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'workflows', 'baton.yml'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('templates/ not found above the Baton package');
    dir = parent;
  }
}
