import { DOORS } from '../snapshot/ask-record.js';
import type { AskedRow, BuildPhase, BuildRow } from './build-row.js';
import type { Overview, OverviewFilter } from './overview.js';
import type { SetRow } from './set-row.js';

const PHASES: readonly BuildPhase[] = [
  'running',
  'delivered',
  'plan-ready',
  'planning',
  'improving',
  'plan-failed',
  'plan-invalid',
  'config-invalid',
  'missing-workflow',
  'done',
  'cancelled',
  'unread',
];

/** The states the filter offers, in the order it lists them. */
export function filterStates(): readonly BuildPhase[] {
  return PHASES;
}

/** A filter from a query's `state`, `door` and `q`: an unknown state or door filters nothing, blank words neither. */
export function filterOf(query: {
  state?: string | null;
  q?: string | null;
  door?: string | null;
}): OverviewFilter {
  const state = PHASES.find((phase) => phase === query.state) ?? null;
  const door = DOORS.find((one) => one === query.door) ?? null;
  const q = query.q?.trim().slice(0, 200) || null;
  return { state, q, door };
}

/** The door a query asked for that is none of the doors (its first 40 characters); null where it asked for none or a known one. */
export function unknownDoorOf(door: string | null | undefined): string | null {
  const asked = door?.trim() ?? '';
  return asked === '' || DOORS.some((one) => one === asked) ? null : asked.slice(0, 40);
}

/**
 * The state a query asked for that is none of the states (its first 40
 * characters), for the page to say so; null where it asked for none or a known one.
 */
export function unknownStateOf(state: string | null | undefined): string | null {
  const asked = state?.trim() ?? '';
  return asked === '' || PHASES.some((phase) => phase === asked) ? null : asked.slice(0, 40);
}

/** Whether `filter` narrows anything. */
export function filtering(filter: OverviewFilter): boolean {
  return filter.state !== null || filter.q !== null || filter.door !== null;
}

/** The overview with only the builds and change sets `filter` keeps; what waits, the spend and memory stay whole. */
export function filteredOverview(overview: Overview, filter: OverviewFilter): Overview {
  const total = overview.builds.length + overview.sets.length;
  const running = overview.builds.filter((row) => row.phase === 'running').length;
  return {
    ...overview,
    builds: overview.builds.filter((row) => keepsBuild(row, filter)),
    sets: overview.sets.filter((set) => keepsSet(set, filter)),
    filtered: { filter, total, running, sets: overview.sets.length },
  };
}

function keepsBuild(row: BuildRow, filter: OverviewFilter): boolean {
  return keeps(filter, row.phase, row.asked, () => [
    row.title,
    row.repository,
    row.label,
    row.key,
    ...(row.issue ? [`#${row.issue.number}`, row.issue.title] : []),
  ]);
}

function keepsSet(set: SetRow, filter: OverviewFilter): boolean {
  return keeps(filter, set.phase, set.asked, () => [
    set.title,
    set.repository,
    `${set.repository}#${set.issue.number}`,
    `#${set.issue.number}`,
    ...set.repositories.map((line) => line.name),
  ]);
}

/**
 * Whether a row in `phase` asked as `asked` whose words are `texts` is kept:
 * its state and door are the filter's (a build with no record of its ask has
 * no door), and it has every word.
 */
function keeps(
  { state, q, door }: OverviewFilter,
  phase: BuildPhase,
  asked: AskedRow | null,
  texts: () => string[],
): boolean {
  if (state !== null && phase !== state) return false;
  if (door !== null && asked?.door !== door) return false;
  return q === null || matches(q, texts());
}

/** Every word of `q` is in one of `texts` (case-insensitive); `#12` matches issue 12 exactly. */
function matches(q: string, texts: readonly string[]): boolean {
  const haystack = texts.map((text) => text.toLowerCase());
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((word) =>
      /^#\d+$/.test(word)
        ? haystack.some((text) => text === word || text.endsWith(word))
        : haystack.some((text) => text.includes(word)),
    );
}
