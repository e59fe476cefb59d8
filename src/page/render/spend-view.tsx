/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Overview } from '../../core/overview/overview.js';
import type { SpendGroup } from '../../core/overview/spend.js';
import { CapBars, SpendOverTime } from './charts.js';
import { usd } from './format.js';
import type { PageLinks } from './layout.js';

/** Where the money went: over time, by repository, engine, model and role; per build and per merged pull request; the caps. */
export function SpendView({ overview, links }: { overview: Overview; links: PageLinks }) {
  const { spend } = overview;
  return (
    <section id="spend">
      <h1>Spend</h1>
      <div class="cards">
        <div class="card">
          <b>{usd(spend.total.costUsd)}</b>
          {`${spend.total.sessions} sessions${spend.total.estimated > 0 ? `, ${spend.total.estimated} estimated` : ''}`}
        </div>
        <div class="card">
          <b>{usd(spend.perMergedPull.each)}</b>
          {`per merged worker pull request (${spend.perMergedPull.merged})`}
        </div>
      </div>
      <h2>Spend over time</h2>
      <SpendOverTime days={spend.byDay} />
      <h2>Caps: today's, and each running build's budget</h2>
      <CapBars caps={spend.caps} />
      <div class="cards">
        <Groups title="By repository" groups={spend.byRepository} />
        <Groups title="By engine" groups={spend.byEngine} />
        <Groups title="By model" groups={spend.byModel} />
        <Groups title="By role" groups={spend.byRole} />
      </div>
      <h2>By build</h2>
      <table>
        <tbody>
          {spend.perBuild.map((build) => (
            <tr>
              <td>
                <a href={links.build(build.key)}>{build.title}</a>{' '}
                <span class="muted">{build.key}</span>
              </td>
              <td class="num">{usd(build.usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        Every figure is from the builds' usage records, counted once, and sessions that left none
        estimated from their run's duration. A model is the one the repository's configuration names
        for the session.
      </p>
    </section>
  );
}

function Groups({ title, groups }: { title: string; groups: readonly SpendGroup[] }) {
  return (
    <div class="card">
      <strong>{title}</strong>
      <table>
        <tbody>
          {groups.map((group) => (
            <tr>
              <td>{group.key}</td>
              <td class="num">{usd(group.usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
