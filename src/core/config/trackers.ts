/**
 * The tracker doors (`trackers:` of `.github/baton.yml`, docs/intake.md): which
 * repository each Linear team or Jira project asks in, and which tracker person
 * is which GitHub login. Read only from the home repository's own file on its
 * default branch (`BATON_TRACKER_HOME`): a mapping on a branch or in a pull
 * request maps nobody. A mapped repository is a name of the home repository's
 * owner, never another owner's.
 */
import { z } from 'zod';

/** The trackers Baton hears. */
export type Tracker = 'linear' | 'jira';

/** A repository of the home repository's owner, by its name alone. */
const RepoName = z
  .string()
  .regex(/^(?!\.\.?$)[\w.-]{1,100}$/, 'a repository name of the home repository owner, like api');

/** A tracker's id for a team, a project or a person: letters, digits and `-_.:`. */
const TrackerId = z.string().regex(/^[\w.:-]{1,128}$/);

/** A GitHub login. */
const Login = z.string().regex(/^[A-Za-z\d](?:[A-Za-z\d-]{0,38})$/, 'a GitHub login');

/** The tracker's label that asks for a build (compared without case). */
const AskLabel = z.string().trim().min(1).max(100).default('baton');

/** A tracker person's id → their GitHub login. Unlisted: they ask for nothing. */
const People = z.record(TrackerId, Login).default({});

const LinearDoor = z.strictObject({
  label: AskLabel,
  /** A Linear team's key (`ENG`) → the repository its issues ask in. */
  teams: z.record(TrackerId, RepoName).default({}),
  people: People,
});

const JiraDoor = z.strictObject({
  label: AskLabel,
  /** A Jira project's key (`PROJ`) → the repository its issues ask in. */
  projects: z.record(TrackerId, RepoName).default({}),
  people: People,
});

export const Trackers = z.strictObject({
  linear: LinearDoor.optional(),
  jira: JiraDoor.optional(),
});
export type Trackers = z.infer<typeof Trackers>;

/** What a tracker's ask maps to: the repository (a name of the home's owner) and the GitHub login. */
export type TrackerMapping =
  | { ok: true; label: string; repo: string; login: string }
  | { ok: false; why: string };

/**
 * Where a tracker's ask goes and who asks: the team's repository and the
 * person's login, each only as the mapping lists it (keys compared as written).
 */
export function mapTrackerAsk(
  trackers: Trackers,
  ask: { tracker: Tracker; team: string; person: string },
): TrackerMapping {
  const door = trackers[ask.tracker];
  if (!door)
    return {
      ok: false,
      why: `the home repository's .github/baton.yml has no trackers.${ask.tracker}`,
    };
  const teams: Record<string, string> = 'teams' in door ? door.teams : door.projects;
  const repo = Object.hasOwn(teams, ask.team) ? teams[ask.team] : undefined;
  if (!repo)
    return { ok: false, why: `the team or project ${ask.team} is mapped to no repository` };
  const login = Object.hasOwn(door.people, ask.person) ? door.people[ask.person] : undefined;
  if (!login) return { ok: false, why: 'you are mapped to no GitHub account in trackers.people' };
  return { ok: true, label: door.label, repo, login };
}
