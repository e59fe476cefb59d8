/**
 * The JSON Schema of `.github/baton.yml`, generated from `Config` itself
 * (zod's `toJSONSchema`, as the file is written: its input), so editors that
 * read it (the `yaml-language-server` comment the set-up file carries)
 * complete and check exactly the settings Baton reads. What a schema cannot
 * say (a model with no price, a list without repeats) stays `baton check`'s.
 * `npm run schema` writes it to schema/baton.schema.json, which the package
 * ships; a test holds the committed file equal to this.
 */
import { z } from 'zod';
import { Config } from './config.js';

/** Where the schema lives in Baton's source, at every commit. */
export const CONFIG_SCHEMA_PATH = 'schema/baton.schema.json';

/**
 * The schema of the Baton a repository runs: the file at the very commit of
 * the source its session workflow pins (`repository`, a full commit SHA).
 * It exists exactly when that pin does (a release's, a fork's, `main`'s),
 * never before, and it is the schema of the code its sessions run; a path on
 * the npm registry exists only once that version is published, and not at all
 * for a commit that is no release.
 */
export function configSchemaUrl({ repository, ref }: { repository: string; ref: string }): string {
  return `https://raw.githubusercontent.com/${repository}/${ref}/${CONFIG_SCHEMA_PATH}`;
}

/** The schema's `$id`: its name, the file on Baton's `main`. */
export const CONFIG_SCHEMA_URL = configSchemaUrl({ repository: 'baton-dev/baton', ref: 'main' });

/** The schema, with its `$id`, title and the `_extends` key the loader reads before `Config`. */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(Config, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
    [key: string]: unknown;
  };
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: CONFIG_SCHEMA_URL,
    title: "Baton's .github/baton.yml",
    description:
      'Every key is optional. See https://github.com/baton-dev/baton/blob/main/docs/configuration.md',
    ...rest,
    properties: {
      _extends: {
        type: 'string',
        description:
          'A repository whose .github/baton.yml this file extends: ".github" (this owner\'s), "owner/repo", or "owner/repo:path/to/file.yml"',
      },
      ...rest.properties,
    },
  };
}

/** The schema file's text: two-space JSON and a final newline. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
