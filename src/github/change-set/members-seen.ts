import { memberBuildId } from '../../core/vocabulary/ids.js';
import { remembered } from '../../process-memory.js';
import type { ReadAlongside } from '../observe/read-build-graph.js';
import { MEMBERS_PER_CALL, type MemberRepository, memberVariables } from './read-members.js';
import { SET_QUERY } from './set-query.js';

/** Sets whose members this process remembers at most; the oldest is forgotten first. */
const LIMIT = 500;

/**
 * The members each change set's last read found, by the set's key: the next
 * read of the set build takes the first of them in its own call
 * (`BatonSet`), so a reconcile of a set of up to five repositories is one
 * GraphQL call. Pacing, not state: a set this process never read, or whose
 * plan moved since, reads its members apart (`readMembers`) as on its first read.
 */
class MembersSeen {
  readonly #seen = new Map<string, MemberRepository[]>();

  /** What to read alongside the set build `build` of `home`, keyed `key`; none unknown. */
  alongside(key: string, { build, home }: { build: string; home: string }): ReadAlongside | null {
    const members = this.#seen.get(key)?.slice(0, MEMBERS_PER_CALL) ?? [];
    if (members.length === 0) return null;
    return {
      document: SET_QUERY,
      operationName: 'BatonSet',
      ids: members.map((member) => member.nodeId),
      variables: memberVariables(memberBuildId(build, home)),
    };
  }

  /** The members the set `key` was last read with; none where unknown. */
  members(key: string): MemberRepository[] {
    return this.#seen.get(key) ?? [];
  }

  note(key: string, members: MemberRepository[]): void {
    this.#seen.delete(key);
    this.#seen.set(key, members);
    if (this.#seen.size > LIMIT) this.#seen.delete(this.#seen.keys().next().value ?? '');
  }

  clear(): void {
    this.#seen.clear();
  }
}

export const membersSeen = remembered(new MembersSeen());
