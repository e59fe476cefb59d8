/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { MemoryCounts } from '../../core/overview/memory-counts.js';
import type { LearnPullLine } from '../../core/overview/memory-view.js';
import type { Overview } from '../../core/overview/overview.js';
import { safeHref } from './format.js';
import { type PageLinks, TableHead } from './layout.js';

const PULL_STATES: Record<LearnPullLine['state'], string> = {
  open: 'waits for a person',
  merged: 'merged: later sessions read them',
  closed: 'closed without merging',
};

/**
 * What memory did, per repository the viewer may read: the lessons proposed,
 * merged and applied, the repeat rate, and each build's learn pull request.
 * All of it from GitHub's metadata and the workers' reports: the app never
 * reads a lesson's text, so the page shows none.
 */
export function MemoryView({ overview, links }: { overview: Overview; links: PageLinks }) {
  const { memory, memoryByRepository } = overview;
  return (
    <section id="memory">
      <h1>Memory</h1>
      <div class="cards">
        <div class="card">
          <b>{String(memory.proposed)}</b>lessons proposed
        </div>
        <div class="card">
          <b>{String(memory.merged)}</b>merged
        </div>
        <div class="card">
          <b>{String(memory.applied)}</b>times applied
        </div>
        <div class="card">
          <b>{repeatRateText(memory)}</b>repeat rate
        </div>
      </div>
      {memoryByRepository.length === 0 ? (
        <p class="muted">
          No build you can read has proposed or applied a lesson yet. A build proposes lessons when
          it ends, in a learn pull request that waits for a person.
        </p>
      ) : (
        <>
          <h2>By repository</h2>
          <table class="rows">
            <TableHead
              columns={['Repository', 'Proposed', 'Merged', 'Applied', 'Repeat rate']}
              numeric={['Proposed', 'Merged', 'Applied', 'Repeat rate']}
            />
            <tbody>
              {memoryByRepository.map(({ repository, counts }) => (
                <tr>
                  <td>{repository}</td>
                  <td class="num" data-label="Proposed">
                    {String(counts.proposed)}
                  </td>
                  <td class="num" data-label="Merged">
                    {String(counts.merged)}
                  </td>
                  <td class="num" data-label="Applied">
                    {String(counts.applied)}
                  </td>
                  <td class="num" data-label="Repeat rate">
                    {repeatRateText(counts)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Learn pull requests</h2>
          <LearnPulls
            pulls={memoryByRepository.flatMap(({ learnPulls }) => learnPulls)}
            links={links}
          />
        </>
      )}
      <p class="muted">
        Proposed: the files of each build's learn pull request (nothing but lessons goes in one).
        Applied: the lessons the workers' reports name, each report's once: the session's word.
      </p>
    </section>
  );
}

function LearnPulls({ pulls, links }: { pulls: readonly LearnPullLine[]; links: PageLinks }) {
  if (pulls.length === 0) return <p class="muted">No learn pull request yet.</p>;
  return (
    <table class="rows">
      <TableHead columns={['Pull request', 'Build', 'Lessons', 'State']} numeric={['Lessons']} />
      <tbody>
        {pulls.map((pull) => (
          <tr>
            <td>
              <a href={safeHref(pull.url)}>{`#${pull.number}`}</a>
            </td>
            <td data-label="Build">
              <a href={links.build(pull.key)}>{pull.title}</a>{' '}
              <span class="muted">{pull.label}</span>
            </td>
            <td class="num" data-label="Lessons">
              {String(pull.lessons)}
            </td>
            <td data-label="State">
              <span class={`pill s-${pull.state}`}>{PULL_STATES[pull.state]}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The repeat rate: the share of findings of reviews given lessons that repeat one
 * (docs/memory.md, "Repeats"), "1 of 4 (25%)"; "no finding yet" before such a review made one.
 */
export function repeatRateText(counts: MemoryCounts): string {
  if (counts.rate === null) return 'no finding yet';
  return `${counts.repeats} of ${counts.findings} (${Math.round(counts.rate * 100)}%)`;
}
