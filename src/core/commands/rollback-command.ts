/**
 * `/rollback` (docs/change-sets.md): a writer backs a change set out again, each
 * repository whose final pull request merged getting a revert pull request, in
 * reverse order. Kept apart from the other commands' grammar, which it only adds to.
 */
import { code } from '../vocabulary/markdown.js';
import type { Command } from './command.js';

export const ROLLBACK_USAGE = '/rollback';

/** `/rollback` alone on its line; anything after it is refused with how to write it. */
export function readRollback(rest: string): Command | string {
  return rest
    ? `/rollback takes nothing after it: write ${code(ROLLBACK_USAGE)} alone on its line.`
    : { name: 'rollback' };
}
