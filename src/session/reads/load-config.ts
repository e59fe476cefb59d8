import yaml from 'js-yaml';
import { type Config, defaultConfig, parseConfig } from '../../core/config/config.js';
import { CONFIG_FILE } from '../../core/vocabulary/ids.js';

/** The config a session runs with, and why it is the default one if it is. */
export interface LoadedConfig {
  config: Config;
  /** Why the defaults were used instead of the file; empty when the file was fine or absent. */
  problems: string[];
}

/**
 * Parses `.github/baton.yml` as read from the default branch (null when it is
 * absent there). The app refuses to start a build with a broken file, so a
 * problem here is rare: the session goes on with the defaults and says why,
 * rather than failing a run that was already paid for.
 */
export function loadConfig(text: string | null): LoadedConfig {
  if (text === null) return { config: defaultConfig(), problems: [] };
  let raw: unknown;
  try {
    raw = yaml.load(text);
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.reason : String(error);
    return {
      config: defaultConfig(),
      problems: [`.github/${CONFIG_FILE} is not valid YAML: ${reason}`],
    };
  }
  const parsed = parseConfig(raw);
  if (parsed.ok) return { config: parsed.config, problems: [] };
  return {
    config: defaultConfig(),
    problems: parsed.problems.map((p) => `.github/${CONFIG_FILE} ${p.field}: ${p.message}`),
  };
}
