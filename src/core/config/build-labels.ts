import type { BuildType } from '../plan/plan.js';
import type { Config } from './config.js';

/** The label that starts a build of each type. */
export function labelOfType(config: Pick<Config, 'label' | 'types'>, type: BuildType): string {
  return type === 'code' ? config.label : config.types[type];
}

/** Every label that starts a build: `label`, then each type's. */
export function buildLabels(config: Pick<Config, 'label' | 'types'>): string[] {
  return [config.label, config.types.research, config.types.content];
}

export function isBuildLabel(config: Pick<Config, 'label' | 'types'>, label: string): boolean {
  return buildLabels(config).includes(label);
}

/**
 * The build type an issue's labels ask for: research or content when their
 * label is on it (research first, when both are), else code.
 */
export function buildTypeOfLabels(
  config: Pick<Config, 'label' | 'types'>,
  labels: string[],
): BuildType {
  if (labels.includes(config.types.research)) return 'research';
  if (labels.includes(config.types.content)) return 'content';
  return 'code';
}
