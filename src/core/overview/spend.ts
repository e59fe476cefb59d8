import { withAskBudget } from '../context/ask-budget.js';
import { spentOnDay, utcDay } from '../snapshot/daily-spend.js';
import {
  emptyTally,
  type Ledger,
  type LedgerEntry,
  type Tally,
  tallyBy,
} from '../snapshot/ledger.js';
import type { BuildRead } from './build-read.js';
import type { BuildRow } from './build-row.js';
import { sessionEngine, sessionModel } from './session-model.js';

/** One group of spend: its key (a day, a repository, an engine, a model, a role) and its tally. */
export interface SpendGroup {
  key: string;
  usd: number;
  sessions: number;
  estimated: number;
}

/** A cap and how close the spend is to it. */
export interface CapView {
  scope: 'build' | 'repository' | 'installation';
  /** The build's key, the repository, or the installation's id. */
  name: string;
  capUsd: number;
  spentUsd: number;
  /** `spentUsd / capUsd`. */
  share: number;
}

/**
 * What the builds a viewer may see cost, every figure grouped from their
 * ledgers' entries (`buildLedger`, `tallyBy`): no record is summed twice, and
 * prices stay where the sessions priced them (src/core/vocabulary/pricing.ts).
 */
export interface SpendView {
  total: Tally;
  byDay: SpendGroup[];
  byRepository: SpendGroup[];
  byEngine: SpendGroup[];
  byModel: SpendGroup[];
  byRole: SpendGroup[];
  /** Each build's spend, most first. */
  perBuild: { key: string; title: string; usd: number }[];
  /** What the sessions of merged workers cost (work, review, fix), per merged pull request. */
  perMergedPull: { merged: number; usd: number; each: number | null };
  /** The day's caps (`budget.dailyUsd`, the installation's) and each running build's `budget.maxUsd`. */
  caps: CapView[];
}

/** The change set a build is part of, as the viewer may see it: the set's row key and title. */
export interface SetPart {
  key: string;
  title: string;
}

/**
 * One build's part of the spend: its read, its row, its ledger, and the change
 * set it is part of (null for none): a set's builds count as one build, as the
 * set has one budget (docs/change-sets.md).
 */
export interface SpendSource {
  read: BuildRead;
  row: BuildRow;
  ledger: Ledger;
  set?: SetPart | null;
}

interface Entry extends LedgerEntry {
  repository: string;
  model: string | null;
  ranOn: string;
}

export function spendOf(sources: readonly SpendSource[], now: string): SpendView {
  const entries: Entry[] = sources.flatMap(({ read, ledger }) => {
    const plan = read.snapshot.plan.kind === 'valid' ? read.snapshot.plan.plan : null;
    return ledger.entries.map((entry) => ({
      ...entry,
      repository: read.repository,
      model: sessionModel({ entry, config: read.config, plan }),
      ranOn: sessionEngine({ entry, config: read.config, plan }),
    }));
  });
  const total = emptyTally();
  for (const { tally } of tallyBy(entries, () => 'all')) Object.assign(total, tally);
  return {
    total,
    byDay: groups(entries, (entry) => (entry.at ? utcDay(entry.at) : 'undated')),
    byRepository: groups(entries, (entry) => entry.repository),
    byEngine: groups(entries, (entry) => entry.ranOn),
    byModel: groups(entries, (entry) => entry.model ?? 'unknown'),
    byRole: groups(entries, (entry) => entry.role),
    perBuild: perBuild(sources),
    perMergedPull: perMergedPull(sources),
    caps: capsOf(sources, now),
  };
}

/** Each build's spend, a change set's builds summed under the set. */
function perBuild(sources: readonly SpendSource[]): SpendView['perBuild'] {
  const builds = new Map<string, { key: string; title: string; usd: number }>();
  for (const { row, ledger, set } of sources) {
    const { key, title } = set ?? row;
    const found = builds.get(key) ?? { key, title, usd: 0 };
    found.usd += ledger.total.costUsd;
    builds.set(key, found);
  }
  return [...builds.values()].sort((a, b) => b.usd - a.usd || a.key.localeCompare(b.key));
}

function groups(entries: readonly Entry[], keyOf: (entry: Entry) => string): SpendGroup[] {
  return tallyBy(entries, keyOf).map(({ key, tally }) => ({
    key,
    usd: tally.costUsd,
    sessions: tally.sessions,
    estimated: tally.estimated,
  }));
}

function perMergedPull(sources: readonly SpendSource[]): SpendView['perMergedPull'] {
  let merged = 0;
  let usd = 0;
  for (const { read, ledger } of sources) {
    for (const pull of read.snapshot.pulls) {
      if (pull.state !== 'merged') continue;
      merged += 1;
      usd += ledger.byWorker[pull.worker]?.costUsd ?? 0;
    }
  }
  return { merged, usd, each: merged > 0 ? usd / merged : null };
}

/**
 * Each repository's daily cap with its spend today (from the newest read of a
 * build there, which reads the day's records when the cap is set), the
 * installation's the same way, and each running build's budget.
 */
function capsOf(sources: readonly SpendSource[], now: string): CapView[] {
  const newestFirst = [...sources].sort(
    (a, b) => Date.parse(b.read.readAt) - Date.parse(a.read.readAt),
  );
  const caps = new Map<string, CapView>();
  const cap = (view: Omit<CapView, 'share'>) => {
    const key = `${view.scope} ${view.name}`;
    if (!caps.has(key)) caps.set(key, { ...view, share: view.spentUsd / view.capUsd });
  };
  for (const { read, row, ledger, set } of newestFirst) {
    const { snapshot, config } = read;
    const daily = config?.budget.dailyUsd ?? null;
    if (daily !== null && snapshot.repoUsage) {
      cap({
        scope: 'repository',
        name: read.repository,
        capUsd: daily,
        spentUsd: spentOnDay(snapshot.repoUsage, now),
      });
    }
    const installation = snapshot.installationUsage;
    if (installation && installation.capUsd > 0) {
      cap({
        scope: 'installation',
        name: String(read.installationId ?? 'the installation'),
        capUsd: installation.capUsd,
        spentUsd: spentOnDay(installation.records, now),
      });
    }
    // A build a schedule fired has that schedule's budget where lower.
    const maxUsd = config ? withAskBudget(config, snapshot.ask).config.budget.maxUsd : null;
    // A change set has one budget, its set build's: its members' carry the same cap and count toward it.
    if (maxUsd !== null && row.phase === 'running' && (!set || set.key === row.key)) {
      const spentUsd = set
        ? sources
            .filter((one) => one.set?.key === set.key)
            .reduce((sum, one) => sum + one.ledger.total.costUsd, 0)
        : ledger.total.costUsd;
      cap({ scope: 'build', name: row.key, capUsd: maxUsd, spentUsd });
    }
  }
  return [...caps.values()].sort((a, b) => b.share - a.share || a.name.localeCompare(b.name));
}
