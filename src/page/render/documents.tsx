/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { BuildDetail } from '../../core/overview/build-detail.js';
import type { Overview } from '../../core/overview/overview.js';
import { BuildView } from './build-view.js';
import { when } from './format.js';
import { documentOf, HOSTED_LINKS, Layout, type PageLinks, STATIC_LINKS } from './layout.js';
import { OverviewView } from './overview-view.js';
import { SignInView } from './sign-in-view.js';
import { SpendView } from './spend-view.js';
import { WaitingView } from './waiting-view.js';

/** The page's documents, each a whole HTML text; every text in them escaped by the JSX renderer. */

export function overviewDocument(overview: Overview, links: PageLinks = HOSTED_LINKS): string {
  return documentOf(
    <Layout title="Builds" viewer={overview.viewer} links={links} active="builds">
      <OverviewView overview={overview} links={links} />
    </Layout>,
  );
}

export function waitingDocument(overview: Overview, links: PageLinks = HOSTED_LINKS): string {
  return documentOf(
    <Layout title="Waiting for you" viewer={overview.viewer} links={links} active="waiting">
      <WaitingView overview={overview} links={links} />
    </Layout>,
  );
}

export function spendDocument(overview: Overview, links: PageLinks = HOSTED_LINKS): string {
  return documentOf(
    <Layout title="Spend" viewer={overview.viewer} links={links} active="spend">
      <SpendView overview={overview} links={links} />
    </Layout>,
  );
}

export function buildDocument({
  detail,
  viewer,
  now,
  links = HOSTED_LINKS,
}: {
  detail: BuildDetail;
  viewer: string | null;
  now: string;
  links?: PageLinks;
}): string {
  return documentOf(
    <Layout title={detail.row.title} viewer={viewer} links={links} active="build">
      <BuildView detail={detail} links={links} now={now} />
    </Layout>,
  );
}

/** What anyone not signed in gets, whatever they asked for. */
export function signInDocument({
  href,
  problem,
}: {
  href: string | null;
  problem?: string;
}): string {
  return documentOf(
    <Layout title="Sign in" viewer={null} links={HOSTED_LINKS} active="sign-in">
      <SignInView href={href} {...(problem ? { problem } : {})} />
    </Layout>,
  );
}

/** A build the viewer may not read answers as one that does not exist. */
export function notFoundDocument(viewer: string | null): string {
  return documentOf(
    <Layout title="Not found" viewer={viewer} links={HOSTED_LINKS} active="build">
      <h1>No build you can read is at this address</h1>
      <p>
        <a href={HOSTED_LINKS.home}>Every build you can read</a>
      </p>
    </Layout>,
  );
}

/**
 * Every view in one file, for `baton status --html` (nothing hosted): the
 * overview, what waits, the spend, then each build's own view, linked by anchors.
 */
export function staticReport(overview: Overview, details: readonly BuildDetail[]): string {
  return documentOf(
    <Layout title="Builds" viewer={null} links={STATIC_LINKS} active="builds">
      <p class="muted">{`Written ${when(overview.at)} by baton status, from the builds as GitHub showed them then.`}</p>
      <OverviewView overview={overview} links={STATIC_LINKS} />
      <WaitingView overview={overview} links={STATIC_LINKS} />
      <SpendView overview={overview} links={STATIC_LINKS} />
      {details.map((detail) => (
        <BuildView detail={detail} links={STATIC_LINKS} now={overview.at} />
      ))}
    </Layout>,
  );
}
