import { describe, expect, it } from 'vitest';
import { KnownBuilds, RELIST_MS } from '../../src/github/reconcile/queue/known-builds.js';
import type { BuildRef } from '../../src/github/reconcile/queue/locate-build.js';

const REPO = { owner: 'octo-org', repo: 'widgets' };
const OTHER = { owner: 'octo-org', repo: 'gadgets' };
const ref = (issue: number): BuildRef => ({ build: `${issue}-build`, issue });

/** A listing of build branches that says `builds`, and counts how often it was asked. */
function listing(builds: BuildRef[]) {
  const list = async () => {
    list.asked++;
    return [...builds];
  };
  list.asked = 0;
  return list;
}

describe('the builds the resync goes by', () => {
  it('lists a repository at the first resync and once the listing is an hour old, else goes by the builds it knows', async () => {
    let clock = 0;
    const known = new KnownBuilds({ clock: () => clock });
    const list = listing([ref(1)]);
    expect(await known.of(REPO, list)).toEqual([ref(1)]);
    // An event of a build started since: known without a listing.
    known.saw(REPO, ref(2));
    clock += RELIST_MS - 1;
    expect(await known.of(REPO, list)).toEqual([ref(1), ref(2)]);
    expect(list.asked).toBe(1);
    // An hour on: listed again, and the listing is the truth (build 1's branch is gone).
    clock += 1;
    const later = listing([ref(2), ref(3)]);
    expect(await known.of(REPO, later)).toEqual([ref(2), ref(3)]);
    expect(later.asked).toBe(1);
  });

  it('keeps a build seen while the listing was read, and knows repositories apart', async () => {
    let clock = 0;
    const known = new KnownBuilds({ clock: () => clock });
    let release = () => {};
    const slow = async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return [ref(1)];
    };
    const listed = known.of(REPO, slow);
    clock += 10;
    known.saw(REPO, ref(5));
    release();
    expect(await listed).toEqual([ref(1), ref(5)]);
    // A repository never listed learns nothing from events: its first listing finds its builds.
    known.saw(OTHER, ref(7));
    const other = listing([ref(8)]);
    expect(await known.of(OTHER, other)).toEqual([ref(8)]);
  });
});
