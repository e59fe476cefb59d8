import type { ValidationRecord } from '../../src/core/plan/validation.js';
import type { OneWorkflowRun } from '../../src/session/reads/github-shapes.js';

/**
 * What a learn session reads of a build's failed milestone validation
 * (src/session/agent/learn/baton-records.ts): its record, and its run as
 * GitHub shows it.
 */

/** M1's failed validation at `head`: W1.1's first criterion failing, W1.3 its fix worker; run 501's unless told. */
export function failedValidation(
  head: string,
  over: Partial<ValidationRecord> = {},
): ValidationRecord {
  return {
    version: 1,
    milestone: 1,
    run_id: 501,
    head,
    passed: false,
    exit_code: 1,
    failed: [{ check: 'W1.1:1', worker: 'W1.3' }],
    ...over,
  };
}

/** Run `id` of `build`'s validation of M1 at `head`, in the repository whose address is `repo`: Baton's unless told. */
export function validateRun(
  id: number,
  { build, head, repo }: { build: string; head: string; repo: string },
  over: Partial<OneWorkflowRun> = {},
): OneWorkflowRun {
  return {
    id,
    display_title: `baton validate ${build} M1 head-${head}`,
    created_at: '2026-11-20T10:00:00Z',
    html_url: `${repo}/actions/runs/${id}`,
    path: '.github/workflows/baton.yml',
    actor: { login: 'baton[bot]' },
    ...over,
  };
}
