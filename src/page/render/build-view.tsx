/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { BuildDetail } from '../../core/overview/build-detail.js';
import { BuildGraph } from './build-graph.js';
import { Timeline } from './charts.js';
import { ago, duration, phaseText, safeHref, usd, when } from './format.js';
import { anchorOf, LinksCell, type PageLinks, TableHead } from './layout.js';
import { Runaways } from './overview-view.js';

/** One build: its graph, its sessions over time and one by one, its review rounds, its notices and commands. */
export function BuildView({
  detail,
  links,
  now,
}: {
  detail: BuildDetail;
  links: PageLinks;
  now: string;
}) {
  const { row } = detail;
  return (
    <section id={`build-${anchorOf(row.key)}`}>
      <h1>{row.title}</h1>
      <p>
        {row.issue ? <a href={safeHref(row.issue.url)}>{row.label}</a> : row.label}{' '}
        <span class={`pill s-${row.phase}`}>{phaseText(row.phase)}</span>{' '}
        <span class="muted">{`${usd(row.spentUsd)} spent · last activity ${ago(row.lastActivity, now)} · read ${ago(row.readAt, now)}`}</span>
        {row.finalPull ? (
          <>
            {' · '}
            <a href={safeHref(row.finalPull.url)}>{`final pull request ${row.finalPull.label}`}</a>
          </>
        ) : null}
        {links.settings ? (
          <>
            {' · '}
            <a href={links.settings(row.repository)}>{`settings of ${row.repository}`}</a>
          </>
        ) : null}
      </p>
      <Runaways
        runaways={detail.runaways.map((runaway) => ({
          ...runaway,
          key: row.key,
          repository: row.repository,
          issue: row.issue?.number ?? null,
          label: row.label,
        }))}
        links={links}
      />
      <h2>Graph</h2>
      <BuildGraph graph={detail.graph} />
      <h2>Timeline</h2>
      <Timeline detail={detail} now={now} />
      <table>
        <TableHead
          columns={['Lane', 'Session', 'Started', 'Took', 'Engine', 'Model', 'Cost', 'Outcome']}
          numeric={['Took', 'Cost']}
        />
        <tbody>
          {detail.lanes.flatMap((lane) =>
            lane.sessions.map((bar) => (
              <tr class={`session o-${bar.outcome}`}>
                <td>{lane.lane}</td>
                <td>
                  <a
                    href={safeHref(bar.url)}
                  >{`${bar.role} #${bar.runId}${bar.attempt > 1 ? ` (attempt ${bar.attempt})` : ''}`}</a>
                </td>
                <td>{when(bar.startedAt)}</td>
                <td class="num">{duration(bar.seconds)}</td>
                <td>{bar.engine}</td>
                <td>{bar.model ?? '–'}</td>
                <td class="num">{`${usd(bar.costUsd)}${bar.estimated ? ' (est.)' : ''}`}</td>
                <td>
                  <span class={`pill s-${bar.outcome}`}>{bar.outcome}</span>
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      <h2>Workers</h2>
      <table>
        <tbody>
          {row.workers.map((worker) => (
            <tr>
              <td>
                <code>{worker.id}</code>
              </td>
              <td>
                {worker.title}
                {row.workers.some((other) => other.repository !== worker.repository) ? (
                  <div class="muted">{worker.repository}</div>
                ) : null}
              </td>
              <td>
                <span class={`pill s-${worker.state}`}>{worker.state}</span>
                {worker.note ? <div class="muted">{worker.note}</div> : null}
              </td>
              <td>{worker.engine}</td>
              <td class="num">{usd(worker.costUsd)}</td>
              <LinksCell links={[worker.pull, worker.run]} between=" " />
            </tr>
          ))}
        </tbody>
      </table>
      {[
        {
          title: 'Review rounds',
          empty: 'No review yet.',
          items: detail.rounds.map((round) => (
            <>
              <code>{round.worker}</code> <a href={safeHref(round.pull.url)}>{round.pull.label}</a>:{' '}
              {round.rounds.join(' → ')}
            </>
          )),
        },
        {
          title: 'Notices',
          empty: 'No notice posted.',
          items: detail.notices.map((notice) => (
            <>
              <span class="pill">{notice.kind}</span> {notice.text} <span class="muted">on</span>{' '}
              {row.issue ? <a href={safeHref(row.issue.url)}>{`#${row.issue.number}`}</a> : null}
            </>
          )),
        },
        {
          title: 'Commands',
          empty: 'No command taken.',
          items: detail.history.map((entry) => (
            <>
              <code>{entry.text}</code>{' '}
              <span class="muted">{`by ${entry.author}, ${ago(entry.at, now)}`}</span>
            </>
          )),
        },
      ].map((list) => (
        <ListSection {...list} />
      ))}
    </section>
  );
}

/** A heading and its items as a list, or a muted line saying there is none. */
function ListSection({ title, empty, items }: { title: string; empty: string; items: Child[] }) {
  return (
    <div id={title.toLowerCase().replaceAll(' ', '-')}>
      <h2>{title}</h2>
      {items.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <ul>
          {items.map((item) => (
            <li>{item}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
