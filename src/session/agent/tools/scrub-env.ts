/**
 * The environment of every process the model can start or influence (its bash
 * commands, and the git commands Baton runs after the model touched the tree,
 * which may run hooks or filters the model wrote). No credential passes: the
 * agent job's model key and read token stay in this process.
 */
const SECRET_NAME =
  /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|API_?KEY|AUTH|COOKIE|SESSION_KEY/i;
const SECRET_PREFIX =
  /^(ANTHROPIC_|OPENAI_|ACTIONS_|AWS_|AZURE_|GOOGLE_|GCP_|NPM_CONFIG__AUTH|NODE_AUTH)/i;
/** Secrets shorter than this are not searched for in other variables' values. */
const MIN_SECRET_LENGTH = 8;

/** A copy of `source` without credential-like variables or any value holding a known secret. */
export function scrubEnv(
  source: Record<string, string | undefined>,
  secrets: readonly (string | undefined)[],
): Record<string, string> {
  const known = secrets.filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH);
  const scrubbed: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (SECRET_NAME.test(name) || SECRET_PREFIX.test(name)) continue;
    if (known.some((secret) => value.includes(secret))) continue;
    scrubbed[name] = value;
  }
  return scrubbed;
}
