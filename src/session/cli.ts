import { runAgent } from './agent/run-agent.js';
import { parseSessionEnv } from './env.js';
import { runPublish } from './publish/run-publish.js';

const USAGE =
  'usage: baton session agent | baton session publish (configured through BATON_* and GitHub Actions variables)';

/**
 * The `baton` command inside GitHub Actions (DESIGN §8): `session agent` runs
 * the model with no write credential, `session publish` checks its output and
 * writes to GitHub as the app. Answers the process exit code.
 */
export async function main(
  argv: readonly string[],
  source: Record<string, string | undefined>,
): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group !== 'session' || (command !== 'agent' && command !== 'publish') || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const parsed = parseSessionEnv(source);
  if (!parsed.ok) {
    process.stderr.write(
      `baton: the session's environment is incomplete:\n${parsed.problems.map((p) => `  ${p}`).join('\n')}\n`,
    );
    return 2;
  }
  return command === 'agent' ? runAgent(parsed.env) : runPublish(parsed.env);
}
