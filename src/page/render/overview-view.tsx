/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { BuildRow } from '../../core/overview/build-row.js';
import { filterStates } from '../../core/overview/filter.js';
import type { Overview, RunawayRow } from '../../core/overview/overview.js';
import type { SetRow } from '../../core/overview/set-row.js';
import { DOORS } from '../../core/snapshot/ask-record.js';
import { Burndown } from './charts.js';
import { ago, askedText, phaseText, safeHref, usd } from './format.js';
import { LinksCell, type PageLinks, TableHead } from './layout.js';

/**
 * The overview: runaways first, then what waits and what was spent in short,
 * then every build and change set. The figures count everything the viewer
 * may see, filtered or not; the list under them is what the filter kept.
 */
export function OverviewView({
  overview,
  links,
  notice,
}: {
  overview: Overview;
  links: PageLinks;
  /** What the page says of its query (a state that is none), above the list. */
  notice?: string | undefined;
}) {
  const running =
    overview.filtered?.running ?? overview.builds.filter((row) => row.phase === 'running').length;
  const sets = overview.filtered?.sets ?? overview.sets.length;
  return (
    <section id="builds">
      <h1>Builds</h1>
      <Runaways runaways={overview.runaways} links={links} />
      <div class="cards">
        <a class="card" href={links.waiting}>
          <b>{String(overview.waiting.length)}</b>waiting for you
        </a>
        <a class="card" href={links.spend}>
          <b>{usd(overview.spend.total.costUsd)}</b>spent in all
        </a>
        <div class="card">
          <b>{String(running)}</b>builds running
        </div>
        <div class="card">
          <b>{String(sets)}</b>change sets
        </div>
      </div>
      {notice ? <p class="note">{notice}</p> : null}
      {links.live ? <FilterForm overview={overview} links={links} /> : null}
      {overview.sets.length > 0 ? <h2>Change sets</h2> : null}
      {overview.sets.map((set) => (
        <SetSection set={set} links={links} />
      ))}
      <h2>Builds</h2>
      {overview.builds.length === 0 && overview.filtered ? (
        <p class="muted">No build matches.</p>
      ) : overview.builds.length === 0 ? (
        <p class="muted">
          No build you can read has been read by this app yet. Builds appear once the app has
          reconciled them (at the latest at its next resync).
        </p>
      ) : (
        <BuildTable rows={overview.builds} links={links} now={overview.at} />
      )}
      <AuditLinks overview={overview} links={links} />
    </section>
  );
}

/** Each organisation's audit trail, one JSON object a line: GitHub's owners of it may download it. */
function AuditLinks({ overview, links }: { overview: Overview; links: PageLinks }) {
  const audit = links.audit;
  const orgs = [
    ...new Set(
      [...overview.builds, ...overview.sets].map((row) => row.repository.split('/')[0] ?? ''),
    ),
  ]
    .filter(Boolean)
    .sort();
  if (!audit || orgs.length === 0) return null;
  return (
    <p class="muted">
      Audit trail, for the organisation's owners (JSON lines):{' '}
      {orgs.map((org, index) => (
        <>
          {index > 0 ? ', ' : ''}
          <a href={audit(org)} download>
            {org}
          </a>
        </>
      ))}
    </p>
  );
}

/**
 * The list's filter: a state, the door a build was asked through and words
 * to find, sent as the page's query (`?state=running&door=schedule&q=acme/lib`),
 * so it works without a script.
 */
function FilterForm({ overview, links }: { overview: Overview; links: PageLinks }) {
  const filter = overview.filtered?.filter ?? { state: null, q: null, door: null };
  const shown = overview.builds.length + overview.sets.length;
  return (
    <form method="get" action={links.home} class="filter">
      <label>
        State
        <select name="state">
          <option value="">any</option>
          {filterStates().map((state) => (
            <option value={state} selected={state === filter.state}>
              {phaseText(state)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Door
        <select name="door">
          <option value="">any</option>
          {DOORS.map((door) => (
            <option value={door} selected={door === filter.door}>
              {door}
            </option>
          ))}
        </select>
      </label>
      <label>
        Find
        <input
          type="search"
          name="q"
          value={filter.q ?? ''}
          placeholder="title, owner/name or #12"
        />
      </label>
      <button type="submit">Filter</button>
      {overview.filtered ? (
        <span class="muted">
          {`${shown} of ${overview.filtered.total} shown · `}
          <a href={links.home}>show all</a>
        </span>
      ) : null}
    </form>
  );
}

export function Runaways({
  runaways,
  links,
}: {
  runaways: readonly RunawayRow[];
  links: PageLinks;
}) {
  if (runaways.length === 0) return null;
  return (
    <div class="warning" id="runaways">
      <strong>Runaway workers</strong>
      <ul>
        {runaways.map((runaway) => (
          <li>
            <a href={links.build(runaway.key)}>{runaway.label}</a> <code>{runaway.worker}</code>{' '}
            {runaway.reason === 'failing'
              ? `: its last ${runaway.sessions} sessions ended without delivering, one after another (${usd(runaway.usd)}).`
              : `: ${usd(runaway.usd)} spent by ${runaway.sessions} sessions within the last hour.`}{' '}
            <a href={safeHref(runaway.latest.url)}>its newest run</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function BuildTable({
  rows,
  links,
  now,
}: {
  rows: readonly BuildRow[];
  links: PageLinks;
  now: string;
}) {
  return (
    <table class="rows">
      <TableHead
        columns={['Build', 'State', 'Waves', 'Workers', 'Spent', 'Last activity', 'Links']}
        numeric={['Spent']}
      />
      <tbody>
        {rows.map((row) => (
          <tr>
            <td>
              <a href={links.build(row.key)}>{row.title}</a>
              <div class="muted">{row.label}</div>
              {row.asked ? <div class="muted">{askedText(row.asked)}</div> : null}
              {row.changeSet === 'hidden' ? <div class="muted">part of a change set</div> : null}
            </td>
            <td>
              <span class={`pill s-${row.phase}`}>{phaseText(row.phase)}</span>
            </td>
            <td data-label="Waves">
              {row.waves.map((wave) => `W${wave.wave} ${wave.done}/${wave.total}`).join(' · ') ||
                '–'}
            </td>
            <td>
              {row.workers.map((worker) => (
                <span
                  class={`pill s-${worker.state}`}
                  title={`${worker.id} ${worker.title}: ${worker.state}`}
                >
                  {`${worker.id} ${worker.state}`}
                </span>
              ))}
            </td>
            <td class="num" data-label="Spent">
              {usd(row.spentUsd)}
            </td>
            <td data-label="Last activity">{ago(row.lastActivity, now)}</td>
            <LinksCell
              links={[
                row.issue && { url: row.issue.url, label: 'issue' },
                row.finalPull && { url: row.finalPull.url, label: `final ${row.finalPull.label}` },
                row.asked?.link ? { url: row.asked.link, label: 'what asked' } : null,
              ]}
              between=" · "
              page={
                links.settings ? { path: links.settings(row.repository), label: 'settings' } : null
              }
            />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SetSection({ set, links }: { set: SetRow; links: PageLinks }) {
  return (
    <div class="note">
      <strong>
        <a href={links.build(set.key)}>{set.title}</a>
      </strong>{' '}
      <span class="muted">{`${set.repository}#${set.issue.number}`}</span>{' '}
      <span class={`pill s-${set.phase}`}>{phaseText(set.phase)}</span>{' '}
      <span class="muted">{`${usd(set.spentUsd)} spent in the repositories you can read`}</span>
      <table>
        <TableHead columns={['Repository', 'State', 'Workers done', 'Final pull request']} />
        <tbody>
          {set.repositories.map((repository) => (
            <tr>
              <td>
                <a href={safeHref(repository.url)}>{repository.name}</a>
                {links.settings ? (
                  <>
                    {' · '}
                    <a href={links.settings(repository.name)}>settings</a>
                  </>
                ) : null}
              </td>
              <td>
                <span class={`pill s-${repository.state}`}>{repository.state}</span>{' '}
                {repository.note ? <span class="muted">{repository.note}</span> : null}
              </td>
              <td>{`${repository.done}/${repository.workers}`}</td>
              <td>
                {repository.final ? (
                  <a href={safeHref(repository.final.url)}>{repository.final.label}</a>
                ) : (
                  '–'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Burndown points={set.burndown} />
    </div>
  );
}
