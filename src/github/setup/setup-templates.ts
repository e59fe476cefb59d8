import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configSchemaUrl } from '../../core/config/config-schema.js';
import type { BatonSource } from '../../core/setup/render-setup-pull.js';
import { findTemplatesDir, renderTemplates, type TemplateFile } from '../../templates.js';

/** Installed path → fingerprints of every version Baton has shipped there, the current one included. */
export const ShippedVersions = z.record(z.string(), z.array(z.string().regex(/^[0-9a-f]{64}$/)));
export type ShippedVersions = z.infer<typeof ShippedVersions>;

/** The committed list of shipped versions, beside the templates. */
export const SHIPPED_VERSIONS_FILE = 'shipped-versions.json';

/** Everything onboarding needs to know about what Baton ships, loaded once at start. */
export interface SetupTemplates {
  source: BatonSource;
  /** The current templates, rendered for `source`. */
  files: TemplateFile[];
  shipped: ShippedVersions;
}

/**
 * Renders the templates for `source` and reads the shipped versions beside them; with
 * `serverless`, the conductor workflow too (a repository with nothing hosted).
 */
export function loadSetupTemplates(
  source: BatonSource,
  { serverless = false }: { serverless?: boolean } = {},
): SetupTemplates {
  const files = renderTemplates({
    batonRepository: source.repository,
    batonRef: source.ref,
    serverless,
  });
  return { source, files, shipped: readShippedVersions() };
}

export function readShippedVersions(): ShippedVersions {
  const path = join(findTemplatesDir(), SHIPPED_VERSIONS_FILE);
  return ShippedVersions.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/**
 * A template's fingerprint: sha256 of its text with the CLI pin put back to
 * the placeholders. The pin differs per installation and per release, so
 * without this no installed workflow would match a shipped version. The
 * repository must be this app's source (a workflow pointed at another
 * source, a fork say, was customised); any commit is accepted, since moving
 * the pin forward is what an update is for. Templates always quote both
 * placeholders (the checkout of Baton's source, before the session action)
 * or pin the action as `uses: <repository>/action@<sha> # <version>`, which
 * is what tells the pinned commit from the 40-hex SHAs other actions are
 * pinned by; the set-up file names its JSON Schema at the pinned commit too.
 */
export function fingerprintTemplate(
  content: string,
  { repository }: { repository: string },
): string {
  const unpinned = content
    .replaceAll(`'${repository}'`, "'{{BATON_REPOSITORY}}'")
    .replace(/'[0-9a-f]{40}'/g, "'{{BATON_REF}}'")
    .replace(
      actionPinPattern(repository),
      '$1{{BATON_REPOSITORY}}/action@{{BATON_REF}} # {{BATON_VERSION}}',
    )
    .replace(
      schemaPinPattern(repository),
      configSchemaUrl({ repository: '{{BATON_REPOSITORY}}', ref: '{{BATON_REF}}' }),
    );
  return createHash('sha256').update(unpinned, 'utf8').digest('hex');
}

/**
 * The commits of `repository` a template pins Baton to: its quoted checkout refs and its
 * `uses: <repository>/action@<sha>` pins (the places `fingerprintTemplate` puts back).
 */
export function templatePins(content: string, { repository }: { repository: string }): string[] {
  const quoted = [...content.matchAll(/'([0-9a-f]{40})'/g)].map((match) => match[1] ?? '');
  const actions = [...content.matchAll(actionPinPattern(repository))].map(
    (match) => match[2] ?? '',
  );
  return [...quoted, ...actions];
}

/** The set-up file's JSON Schema at a commit of `repository` (configSchemaUrl's). */
function schemaPinPattern(repository: string): RegExp {
  const [before = '', after = ''] = configSchemaUrl({ repository, ref: '\0' }).split('\0');
  return new RegExp(`${literally(before)}[0-9a-f]{40}${literally(after)}`, 'g');
}

/** `text` as a regular expression that matches it alone. */
function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A line that pins Baton's session action of `repository`: its indent and
 * `uses: ` (group 1), the commit (group 2) and the release comment (group 3).
 */
export function actionPinPattern(repository: string): RegExp {
  return new RegExp(
    `^([ \\t]*(?:- )?uses: )${literally(repository)}/action@([0-9a-f]{40}) # (\\S+)$`,
    'gm',
  );
}
