/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Overview } from '../../core/overview/overview.js';
import { ago, safeHref } from './format.js';
import { type PageLinks, TableHead } from './layout.js';

/**
 * What waits for the viewer, oldest first: each with the exact command to
 * copy and where to post it. The page posts nothing itself: a command counts
 * only as a comment by someone with write permission, as ever.
 */
export function WaitingView({ overview, links }: { overview: Overview; links: PageLinks }) {
  return (
    <section id="waiting">
      <h1>Waiting for you</h1>
      {overview.waiting.length === 0 ? (
        <p class="muted">Nothing waits for you.</p>
      ) : (
        <table class="rows">
          <TableHead columns={['Since', 'Build', 'What', 'Copy', 'Post it at']} />
          <tbody>
            {overview.waiting.map((item) => (
              <tr class={`waiting-${item.kind}`}>
                <td data-label="Since">{ago(item.since, overview.at)}</td>
                <td>
                  <a href={links.build(item.key)}>{item.label}</a>
                </td>
                <td>{item.text}</td>
                <td data-label="Copy">
                  {item.command ? (
                    <code class="command">{item.command}</code>
                  ) : (
                    <span class="muted">–</span>
                  )}
                </td>
                <td data-label="Post it at">
                  <a href={safeHref(item.where.url)}>{item.where.label}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {overview.waitingForOthers > 0 ? (
        <p class="muted">
          {`${overview.waitingForOthers} more ${overview.waitingForOthers === 1 ? 'thing waits' : 'things wait'} in repositories you can read but not write: someone with write access answers ${overview.waitingForOthers === 1 ? 'it' : 'them'}.`}
        </p>
      ) : null}
    </section>
  );
}
