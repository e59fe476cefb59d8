import { type Config, defaultConfig, type ParsedConfig } from '../config/config.js';
import type { Action } from '../context/action.js';
import { decide } from '../decide/decide.js';
import type { Plan } from '../plan/plan.js';
import type { BuildSnapshot, MemberOfSet } from '../snapshot/snapshot.js';
import type { StatusView } from '../status/status-view.js';
import { findNotice, noticeMarker } from '../vocabulary/notice.js';
import { memberConfig, memberSnapshot, noticePrefix } from './member-snapshot.js';
import type { SetMember, SetSnapshot } from './set-snapshot.js';

/** One member build's decision: what it does in its repository, what it posts on the set's issue, its view. */
export interface MemberDecision {
  repository: string;
  /** The snapshot its rules read, which its actions are carried out on. */
  snapshot: BuildSnapshot;
  /** What it does in its own repository. */
  actions: Action[];
  /** Its notices, posted on the set's issue under its repository's keys. */
  notices: Action[];
  view: StatusView;
  /** The configuration its rules read (`memberConfig`): what a later look at it alone decides by. */
  config: ParsedConfig;
}

/** Notices the set says itself, once for every repository: the budget, the final pull requests. */
const SET_NEEDS = /^(budget|final-pull|plan-ready)\//;

/**
 * A member build decides as every build does, on its own snapshot and its
 * repository's configuration (`memberConfig`). Its first plan session is its
 * slice session, which reads the set build's branch (`views`); its notices go
 * to the set's issue; the status is the set's.
 */
export function decideMember({
  set,
  member,
  plan,
  changeSet,
  config,
  now,
}: {
  set: SetSnapshot;
  member: SetMember;
  plan: { plan: Plan; sha: string };
  changeSet: MemberOfSet;
  /** The set's configuration (the issue's repository's). */
  config: Config;
  now: string;
}): MemberDecision {
  const facts = set.repositories.find((one) => one.name === member.repository);
  const own = facts?.config ?? { ok: true as const, config: defaultConfig() };
  const snapshot = memberSnapshot({ set, member, plan, changeSet });
  const settings = memberConfig(own, config);
  const decided = decide({ snapshot, config: settings, now });
  const last = decided.at(-1);
  if (last?.kind !== 'render-status') throw new Error('decide ends with the status');
  const actions: Action[] = [];
  const notices: Action[] = [];
  for (const action of decided.slice(0, -1)) {
    if (action.kind === 'notice') notices.push(...routeNotice(action, set, member.repository));
    else if (action.kind === 'dispatch' && action.request.role === 'plan')
      actions.push({ ...action, request: { ...action.request, views: true } });
    else if (!ISSUE_ONLY.has(action.kind)) actions.push(action);
  }
  return {
    repository: member.repository,
    snapshot,
    actions,
    notices,
    view: last.view,
    config: settings,
  };
}

/** What a member would do to the issue itself: the set's, whose sub-issues a set does not mirror. */
const ISSUE_ONLY: ReadonlySet<Action['kind']> = new Set([
  'create-mirror',
  'retitle-issue',
  'close-sub-issue',
  'reopen-sub-issue',
]);

/**
 * A member's notice, as the set's issue carries it: under a key of its
 * repository's (`acme.lib/needs-human/…`, which the member's read strips
 * again) and the set build's marker. The set says the budget and the final
 * pull requests itself, once for all.
 */
function routeNotice(
  action: Extract<Action, { kind: 'notice' }>,
  set: SetSnapshot,
  repository: string,
): Action[] {
  if (SET_NEEDS.test(action.key)) return [];
  // The installation's cap holds every repository alike: one notice for the set.
  const shared = action.key.startsWith('installation-daily-budget/');
  const key = shared ? action.key : `${noticePrefix(repository)}/${action.key}`;
  const [first = '', ...rest] = action.body.split('\n');
  const body = findNotice(first)
    ? [noticeMarker(set.home.build, key), ...rest].join('\n')
    : action.body;
  return [{ kind: 'notice', key, body }];
}
