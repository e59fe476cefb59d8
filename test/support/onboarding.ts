import examples from '@octokit/webhooks-examples';
import type { FakeGitHub, SimPull } from '../../sim/github/fake-github.js';
import { SETUP_BRANCH } from '../../src/github/setup-pulls.js';
import { renderTemplates } from '../../src/templates.js';

// Onboarding fixtures: the Baton source the app pins, installation payloads,
// and reads of the setup branch in the simulated repository.

export const SOURCE = {
  repository: 'baton-dev/baton',
  ref: '0123456789abcdef0123456789abcdef01234567',
};
export const EARLIER_REF = 'fedcba9876543210fedcba9876543210fedcba98';
export const WORKER_SKILL = '.baton/skills/worker.md';
export const FIX_SKILL = '.baton/skills/fix.md';

export function rendered(ref = SOURCE.ref): Record<string, string> {
  const files = renderTemplates({ batonRepository: SOURCE.repository, batonRef: ref });
  return Object.fromEntries(files.map((file) => [file.path, file.content]));
}

type Example = { name: string; examples: Record<string, unknown>[] };

/** `installation.created` or `installation_repositories.added`, for the simulated repository. */
export function installationPayload(
  gh: FakeGitHub,
  event: 'installation' | 'installation_repositories',
) {
  const action = event === 'installation' ? 'created' : 'added';
  const group = (examples as unknown as Example[]).find((e) => e.name === event);
  const example = group?.examples.find((e) => e.action === action);
  if (!example) throw new Error(`no example for ${event}.${action}`);
  const payload = structuredClone(example);
  const installation = payload.installation as Record<string, unknown>;
  const repositories = [
    { id: 1, node_id: 'R_1', name: gh.repo, full_name: gh.fullName, private: false },
  ];
  return {
    ...payload,
    installation: {
      ...installation,
      id: 1,
      account: { ...(installation.account as object), login: gh.owner },
    },
    ...(event === 'installation'
      ? { repositories }
      : { repositories_added: repositories, repositories_removed: [] }),
  };
}

export function setupPulls(gh: FakeGitHub): SimPull[] {
  return [...gh.pulls.values()].filter((pull) => pull.head === SETUP_BRANCH);
}

export function filesOn(gh: FakeGitHub, branch: string): Map<string, string> {
  const sha = gh.git.resolve(branch);
  if (!sha) throw new Error(`no branch ${branch}`);
  return gh.git.filesOf(sha);
}

export function parentsOf(gh: FakeGitHub, branch: string): string[] {
  const object = gh.git.objects.get(gh.git.resolve(branch) ?? '');
  return object?.type === 'commit' ? object.parents : [];
}
