/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { BuildDetail } from '../../core/overview/build-detail.js';
import type { Overview } from '../../core/overview/overview.js';
import type { RepoSettings } from '../repo-settings.js';
import { BuildView } from './build-view.js';
import { when } from './format.js';
import { documentOf, HOSTED_LINKS, Layout, type PageLinks, STATIC_LINKS } from './layout.js';
import { MemoryView } from './memory-view.js';
import { OverviewView } from './overview-view.js';
import { SettingsView } from './settings-view.js';
import { SignInView } from './sign-in-view.js';
import { SpendView } from './spend-view.js';
import { WaitingView } from './waiting-view.js';

/** The page's documents, each a whole HTML text; every text in them escaped by the JSX renderer. */

/** The views of the whole overview, by the section each is. */
const OVERVIEW_VIEWS = {
  builds: { title: 'Builds', View: OverviewView },
  waiting: { title: 'Waiting for you', View: WaitingView },
  spend: { title: 'Spend', View: SpendView },
  memory: { title: 'Memory', View: MemoryView },
} as const;

/** The overview's page of `section`: the builds, what waits, the spend, or memory. */
export function overviewDocument({
  section,
  overview,
  links = HOSTED_LINKS,
  etag = null,
  notice,
}: {
  section: keyof typeof OVERVIEW_VIEWS;
  overview: Overview;
  links?: PageLinks;
  etag?: string | null;
  /** What the builds' page says of its query (a state that is none). */
  notice?: string | undefined;
}): string {
  const { title } = OVERVIEW_VIEWS[section];
  return documentOf(
    <Layout title={title} viewer={overview.viewer} links={links} active={section} etag={etag}>
      {section === 'builds' ? (
        <OverviewView overview={overview} links={links} notice={notice} />
      ) : (
        <ViewOf section={section} overview={overview} links={links} />
      )}
    </Layout>,
  );
}

function ViewOf({
  section,
  overview,
  links,
}: {
  section: Exclude<keyof typeof OVERVIEW_VIEWS, 'builds'>;
  overview: Overview;
  links: PageLinks;
}) {
  const { View } = OVERVIEW_VIEWS[section];
  return <View overview={overview} links={links} />;
}

export function buildDocument({
  detail,
  viewer,
  now,
  links = HOSTED_LINKS,
  etag = null,
}: {
  detail: BuildDetail;
  viewer: string | null;
  now: string;
  links?: PageLinks;
  etag?: string | null;
}): string {
  return documentOf(
    <Layout title={detail.row.title} viewer={viewer} links={links} active="build" etag={etag}>
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

/** A repository's settings in effect (never kept current by the poll: each view reads GitHub). */
export function settingsDocument({
  settings,
  viewer,
}: {
  settings: RepoSettings;
  viewer: string | null;
}): string {
  return documentOf(
    <Layout
      title={`Settings of ${settings.repository}`}
      viewer={viewer}
      links={HOSTED_LINKS}
      active="settings"
    >
      <SettingsView settings={settings} />
    </Layout>,
  );
}

/** What went wrong, said to a signed-in person. */
export function errorDocument(viewer: string | null, message: string): string {
  return documentOf(
    <Layout title="Not now" viewer={viewer} links={HOSTED_LINKS} active="settings">
      <h1>{message}</h1>
    </Layout>,
  );
}

/** A build (or a repository's settings) the viewer may not read answers as one that does not exist. */
export function notFoundDocument(
  viewer: string | null,
  what: 'build' | 'repository' = 'build',
): string {
  return documentOf(
    <Layout title="Not found" viewer={viewer} links={HOSTED_LINKS} active="build">
      <h1>{`No ${what} you can read is at this address`}</h1>
      <p>
        <a href={HOSTED_LINKS.home}>Every build you can read</a>
      </p>
    </Layout>,
  );
}

/**
 * Every view in one file, for `baton status --html` (nothing hosted): the
 * overview, what waits, the spend, memory, then each build's own view, linked by anchors.
 */
export function staticReport(overview: Overview, details: readonly BuildDetail[]): string {
  return documentOf(
    <Layout title="Builds" viewer={null} links={STATIC_LINKS} active="builds">
      <p class="muted">{`Written ${when(overview.at)} by baton status, from the builds as GitHub showed them then.`}</p>
      <OverviewView overview={overview} links={STATIC_LINKS} />
      <WaitingView overview={overview} links={STATIC_LINKS} />
      <SpendView overview={overview} links={STATIC_LINKS} />
      <MemoryView overview={overview} links={STATIC_LINKS} />
      {details.map((detail) => (
        <BuildView detail={detail} links={STATIC_LINKS} now={overview.at} />
      ))}
    </Layout>,
  );
}
