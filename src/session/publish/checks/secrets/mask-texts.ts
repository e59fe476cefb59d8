import type { SessionResult } from '../../../result.js';
import { findSecretsIn, maskSecret } from './secret-rules.js';

/** Strings shorter than this hold no secret any rule knows (the shortest keys are 20). */
const SHORTEST_SECRET = 16;

/**
 * The session's result with every secret in its text masked, as found in
 * commits (`findSecretsIn`: the rules, and base64 and hex runs that decode to
 * text): the pull request's body and title come from it, the review's body and
 * comments, the synthesis's summary, the usage record's reason and the job
 * summary. Text can be masked where a commit cannot, so the session's work is
 * kept; each mask is a line for the job summary (the value masked there too).
 */
export async function maskResultSecrets(
  result: SessionResult,
): Promise<{ result: SessionResult; masked: string[] }> {
  const masked: string[] = [];
  const walk = async (value: unknown, path: string): Promise<unknown> => {
    if (typeof value === 'string') return maskText(value, path, masked);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const [i, item] of value.entries()) out.push(await walk(item, `${path}[${i}]`));
      return out;
    }
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        out[key] = await walk(item, path ? `${path}.${key}` : key);
      }
      return out;
    }
    return value;
  };
  const walked = (await walk(result, '')) as SessionResult;
  return { result: masked.length > 0 ? walked : result, masked };
}

async function maskText(text: string, path: string, masked: string[]): Promise<string> {
  if (text.length < SHORTEST_SECRET) return text;
  const findings = await findSecretsIn('result.md', text);
  let out = text;
  for (const finding of findings) {
    const mask = maskSecret(finding.value);
    out = out.split(finding.encoded ?? finding.value).join(mask);
    masked.push(
      `Masked a secret in the session's ${path} (rule ${finding.rule}, ${mask}): it is not posted.`,
    );
  }
  return out;
}
