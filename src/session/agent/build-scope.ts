import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type BuildType, buildTypeOf, Plan } from '../../core/plan/plan.js';
import {
  planPath,
  type SkillName,
  STYLE_GUIDE_PATH,
  workerFindingsPath,
} from '../../core/vocabulary/ids.js';
import { pathLine } from './prompts/system-prompt.js';

/** What the build's plan says about one worker: the build type and its outputs. */
export interface BuildScope {
  type: BuildType;
  outputs: string[];
}

/**
 * Reads the build type and the worker's outputs from `plan.json` in the
 * checkout (publish checks the same against the build branch). A plan that
 * cannot be read is a code build: the session still runs, and publish refuses
 * what the real plan does not allow.
 */
export async function readBuildScope(
  root: string,
  build: string,
  worker: string | null,
): Promise<BuildScope> {
  const text = await readFile(path.join(root, planPath(build)), 'utf8').catch(() => null);
  let raw: unknown = null;
  try {
    raw = text === null ? null : JSON.parse(text);
  } catch {
    raw = null;
  }
  const plan = Plan.safeParse(raw);
  if (!plan.success) return { type: 'code', outputs: [] };
  const entry = plan.data.workers.find((each) => each.id === worker);
  return { type: buildTypeOf(plan.data), outputs: entry?.outputs ?? [] };
}

/** The skill a worker or reviewer reads in a build of this type; a fix keeps `fix` in every type. */
export function skillFor(kind: 'work' | 'fix' | 'review', type: BuildType): SkillName {
  if (kind === 'fix') return 'fix';
  if (type === 'code') return kind === 'work' ? 'worker' : 'review';
  return `${type}-${kind === 'work' ? 'work' : 'review'}`;
}

/** What a worker of a research or content build must know about what it may write. */
export function scopeLines({
  scope,
  build,
  worker,
  styleGuide,
}: {
  scope: BuildScope;
  build: string;
  worker: string;
  styleGuide: boolean;
}): string[] {
  switch (scope.type) {
    case 'code':
      return [];
    case 'research':
      return [
        `This is a research build. Write your findings to \`${workerFindingsPath(build, worker)}\`: YAML front matter (worker_id, question, confidence high|medium|low, sources: at least one URL or path:line), then the answer.`,
        'Change no other file: publish refuses code and any other change from a research worker.',
      ];
    case 'content':
      return [
        `This is a content build. Write only your outputs: ${scope.outputs.map((o) => `\`${o}\``).join(', ') || '(none declared: report blocked)'}; publish refuses any other file.`,
        `The repository's style guide: ${pathLine(STYLE_GUIDE_PATH, styleGuide)}.`,
      ];
    default: {
      const _exhaustive: never = scope.type;
      return _exhaustive;
    }
  }
}
