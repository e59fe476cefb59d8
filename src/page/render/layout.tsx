/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Link } from '../../core/status/status-view.js';
import { safeHref } from './format.js';
import { PAGE_CSS, PAGE_META_CSP, POLL_SCRIPT, POLL_SECONDS } from './page-style.js';

/** Where the views link to: the app's paths, or anchors of the one static file. */
export interface PageLinks {
  home: string;
  waiting: string;
  spend: string;
  memory: string;
  build(key: string): string;
  /** A repository's settings in effect (`owner/name`); null in the static file, which reads none. */
  settings: ((repository: string) => string) | null;
  /** Where the sign-out form posts; null in the static file. */
  signOut: string | null;
  /** An organisation's audit trail to download (its owners only); null in the static file. */
  audit: ((org: string) => string) | null;
  /** Whether a view may filter its list by a query and keep itself current (the app's, not the static file). */
  live: boolean;
}

export const HOSTED_LINKS: PageLinks = {
  home: '/',
  waiting: '/waiting',
  spend: '/spend',
  memory: '/memory',
  build: (key) => `/builds/${key.split('/').map(encodeURIComponent).join('/')}`,
  settings: (repository) => `/settings/${repository.split('/').map(encodeURIComponent).join('/')}`,
  signOut: '/sign-out',
  audit: (org) => `/audit.jsonl?org=${encodeURIComponent(org)}`,
  live: true,
};

export const STATIC_LINKS: PageLinks = {
  home: '#builds',
  waiting: '#waiting',
  spend: '#spend',
  memory: '#memory',
  build: (key) => `#build-${anchorOf(key)}`,
  settings: null,
  signOut: null,
  audit: null,
  live: false,
};

/** An id for a build's section in the static file. */
export function anchorOf(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
}

export type Section = 'builds' | 'waiting' | 'spend' | 'memory' | 'build' | 'settings' | 'sign-in';

/**
 * Every page: the stylesheet (the one the Content Security Policy allows, by
 * its hash), the navigation, who is signed in and the sign-out button. The
 * policy is in a `<meta>` too, for the static file.
 */
export function Layout({
  title,
  viewer,
  links,
  active,
  etag = null,
  children,
}: {
  title: string;
  viewer: string | null;
  links: PageLinks;
  active: Section;
  /** The ETag of what the view shows: with it, the poll script keeps the view current (live.ts). */
  etag?: string | null;
  children: Child;
}) {
  const live = links.live && etag !== null;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content={PAGE_META_CSP} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <link rel="icon" href="data:," />
        <title>{`${title} · Baton`}</title>
        <style>{raw(PAGE_CSS)}</style>
        {live ? (
          <meta name="baton-etag" content={etag} data-seconds={String(POLL_SECONDS)} />
        ) : null}
      </head>
      <body>
        <header>
          <span class="brand">Baton</span>
          {active === 'sign-in' ? (
            <nav />
          ) : (
            <nav>
              <a href={links.home} class={active === 'builds' ? 'active' : undefined}>
                Builds
              </a>
              <a href={links.waiting} class={active === 'waiting' ? 'active' : undefined}>
                Waiting for you
              </a>
              <a href={links.spend} class={active === 'spend' ? 'active' : undefined}>
                Spend
              </a>
              <a href={links.memory} class={active === 'memory' ? 'active' : undefined}>
                Memory
              </a>
            </nav>
          )}
          {viewer ? <span class="muted">{viewer}</span> : null}
          {viewer && links.signOut ? (
            <form method="post" action={links.signOut}>
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main>{children}</main>
        {live ? <script>{raw(POLL_SCRIPT)}</script> : null}
      </body>
    </html>
  );
}

/** A table's head: its columns' names, those in `numeric` aligned as numbers. */
export function TableHead({
  columns,
  numeric = [],
}: {
  columns: readonly string[];
  numeric?: readonly string[];
}) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th class={numeric.includes(column) ? 'num' : undefined}>{column}</th>
        ))}
      </tr>
    </thead>
  );
}

/** A cell of the links there are, `between` them: a build's issue and final pull request, a worker's pull request and run. */
export function LinksCell({
  links,
  between,
  page = null,
}: {
  links: readonly (Link | null)[];
  between: string;
  /** A view of the page's own to link after them (a path of the app, not a web address). */
  page?: { path: string; label: string } | null;
}) {
  const shown = links.filter((link): link is Link => link !== null);
  return (
    <td>
      {shown.map((link, index) => (
        <>
          {index > 0 ? between : ''}
          <a href={safeHref(link.url)}>{link.label}</a>
        </>
      ))}
      {page ? (
        <>
          {shown.length > 0 ? between : ''}
          <a href={page.path}>{page.label}</a>
        </>
      ) : null}
    </td>
  );
}

/** A document as the browser receives it. */
export function documentOf(page: unknown): string {
  return `<!doctype html>${String(page)}`;
}
