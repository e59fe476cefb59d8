import { CONTRACT_MAX_BYTES, Contract } from '../../core/plan/contract.js';
import type { ContractRead } from '../../core/snapshot/snapshot.js';

/**
 * `contract.json` as the build query read it from the build branch
 * (docs/verification.md): size-capped and schema-checked, as the plan is.
 * Only whether it holds and its command's checks reach `decide`.
 */
export function readContract(
  blob: { byteSize: number; isTruncated: boolean; text: string | null } | null | undefined,
): ContractRead {
  if (!blob) return { kind: 'missing' };
  if (blob.byteSize > CONTRACT_MAX_BYTES || blob.isTruncated || blob.text === null) {
    return {
      kind: 'invalid',
      problems: [`contract.json is ${blob.byteSize} bytes; at most ${CONTRACT_MAX_BYTES} are read`],
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(blob.text);
  } catch {
    return { kind: 'invalid', problems: ['contract.json is not valid JSON'] };
  }
  const parsed = Contract.safeParse(raw);
  if (parsed.success) return { kind: 'valid', contract: parsed.data };
  return {
    kind: 'invalid',
    problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
  };
}
