import {
  type DependencyChange,
  findAddedDependencies,
  isDependencyFile,
} from '../../../core/sessions/dependencies.js';
import type { PushedRange } from './read-pushed-commits.js';
import { fetchedBuildCommit, HEAD_REF } from './read-pushed-commits.js';

/**
 * The manifests and lock files the worker's pull request changes, with the
 * entries their added lines name: the diff the pull request shows (from where
 * the session's head left the build branch), or from the dispatched base when
 * the build branch was not fetched.
 */
export async function readDependencyChanges({
  repo,
  base,
}: PushedRange): Promise<DependencyChange[]> {
  const build = await fetchedBuildCommit(repo);
  const range = build ? `${build}...${HEAD_REF}` : `${base}..${HEAD_REF}`;
  const names = await repo.must({ args: ['diff', '--name-only', '-z', '--no-renames', range] });
  const paths = names.split('\0').filter((path) => path && isDependencyFile(path));
  const files: { path: string; added: string[] }[] = [];
  for (const path of paths) {
    const diff = await repo.must({
      args: ['diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', range, '--', path],
    });
    const added = diff
      .split('\n')
      .filter((line) => line.startsWith('+') && !line.startsWith('+++'))
      .map((line) => line.slice(1));
    files.push({ path, added });
  }
  return findAddedDependencies(files);
}
