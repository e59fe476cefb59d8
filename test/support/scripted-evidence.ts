import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { type ChangedLines, renderEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { workerBranch } from '../../src/core/vocabulary/ids.js';
import type { SessionScript } from './scripted-sessions.js';

/** Files each worker's sessions wrote, for its evidence. */
const written = new WeakMap<FakeGitHub, Map<string, Record<string, string>>>();

/**
 * As publish will: the worker's open pull request's body ends with the evidence
 * of its head, written as the app (the body as last edited is what GitHub returns).
 */
export function leaveEvidence(
  gh: FakeGitHub,
  script: Pick<SessionScript, 'build' | 'evidence'>,
  { worker, written: files }: { worker: string; written: Record<string, string> },
): void {
  if (script.evidence === false) return;
  const mine = written.get(gh) ?? new Map<string, Record<string, string>>();
  written.set(gh, mine);
  const all = { ...mine.get(worker), ...files };
  mine.set(worker, all);
  const branch = workerBranch(script.build, worker);
  const pull = [...gh.pulls.values()].find((p) => p.state === 'open' && p.head === branch);
  if (!pull) return;
  const changed =
    typeof script.evidence === 'function'
      ? script.evidence(worker)
      : Object.entries(all).map(
          ([path, text]): ChangedLines => ({
            path,
            status: 'added',
            lines: text.split('\n').length - 1,
          }),
        );
  const marker = renderEvidenceMarker({
    version: 1,
    head: gh.git.resolve(branch) ?? '',
    files: changed,
    contract: 'none',
    claims: { checked: 0, flagged: [] },
  });
  pull.body = `${pull.body.replace(/\n*<!-- baton:evidence [A-Za-z0-9_-]+ -->$/, '')}\n\n${marker}`;
  // An edit of the body as the app: GitHub's `editor` is then Baton's bot, where anyone had edited it.
  if (pull.editor !== undefined) pull.editor = gh.botLogin;
}
