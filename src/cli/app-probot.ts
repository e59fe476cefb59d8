import { createProbot, type Probot, type ProbotOctokit } from 'probot';
import { BatonOctokit } from '../github/client/octokit.js';
import { findSourceDrift } from '../github/setup/checkout-state.js';
import type { CliOptions, CliOutput } from './io.js';

/** An Octokit as Probot makes it: the app's, or one of its installations'. */
export type AppOctokit = InstanceType<typeof ProbotOctokit>;

/** Overrides for tests of a command that acts as the app: the Octokit class, where output goes, the folder of .env. */
export interface AppCliOptions extends CliOptions {
  Octokit?: typeof ProbotOctokit;
  /**
   * The Baton checkout whose code is compared with what sessions pin (tests give a temporary one);
   * this package's by default; null for none, as an installed copy has none.
   */
  checkoutRoot?: string | null;
}

/**
 * The app's Probot for a command run on a person's machine, its own log quiet.
 * The app's code that is not the code its sessions run is said first, as a
 * warning (`findSourceDrift`), not a failure.
 */
export function appProbot({
  command,
  env,
  options,
  err,
}: {
  command: string;
  env: Record<string, string | undefined>;
  options: AppCliOptions;
  err: CliOutput['err'];
}): Probot {
  const drift = findSourceDrift(env, options.checkoutRoot);
  if (drift) err(`${command}: warning: ${drift}`);
  return createProbot({
    env: { ...env, LOG_LEVEL: 'fatal' },
    overrides: { Octokit: options.Octokit ?? BatonOctokit },
  });
}
