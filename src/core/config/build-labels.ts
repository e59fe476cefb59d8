import type { BuildType } from '../plan/plan.js';
import { type Config, defaultConfig, type ParsedConfig } from './config.js';

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

/**
 * What is asked for: a build of a type (the build label, or a type's label), or
 * improvement loops (`improve.label`, `/improve N`: docs/improve.md).
 */
export type AskedBuild = { kind: 'build'; type: BuildType } | { kind: 'improve' };

/** What of the settings names the labels that ask for a build. */
export type LabelSettings = Pick<Config, 'label' | 'types' | 'improve'>;

/** The labels a repository's settings name; a broken config cannot name its own, so the default ones ask. */
export function labelSettingsOf(config: ParsedConfig): LabelSettings {
  const { label, types, improve } = config.ok ? config.config : defaultConfig();
  return { label, types, improve };
}

/**
 * What a label asks for: a build of its type (`label`, `types`), improvement
 * loops (`improve.label` starts them as `/improve` does, docs/improve.md), or
 * nothing (any other label).
 */
export function askedByLabel(settings: LabelSettings, label: string): AskedBuild | null {
  if (isBuildLabel(settings, label))
    return { kind: 'build', type: buildTypeOfLabels(settings, [label]) };
  if (label === settings.improve.label) return { kind: 'improve' };
  return null;
}
