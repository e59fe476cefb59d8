/**
 * What the simulated GitHub holds for one repository (its git data, issues,
 * pull requests, reviews, checks, Actions runs, installation tokens, and the
 * switches that play GitHub behaviours no documentation settles) and the
 * moves that change it, with the webhooks GitHub sends for them. No HTTP:
 * the routes (routes/) read and change this; FakeGitHub (fake-github.ts)
 * puts them behind GitHub's route templates.
 */
import type { KeyObject } from 'node:crypto';
import type { ArchiveLink } from './archive.js';
import { EventFactory, type SimEvent } from './events.js';
import type { GitData } from './git/git-data.js';
import { GraphqlBudget } from './graphql/graphql-budget.js';
import {
  type Access,
  agentJobPermissions,
  appManifestGrants,
  exceeding,
  type Grants,
  type InstallationGrants,
  workflowChanges,
} from './permissions.js';
import {
  type BranchMove,
  GITHUB_ACTIONS_APP,
  type ReviewDecision,
  type SimActivity,
  type SimApp,
  type SimCheckRun,
  type SimComment,
  type SimCommitComment,
  type SimIssue,
  type SimLabel,
  type SimPull,
  type SimRelease,
  type SimReview,
  type SimRun,
  type SimStatus,
  type SimUser,
} from './records.js';
import { RestBudget } from './rest-limit.js';
import type { ApiRequest } from './router.js';
import { SecondaryLimit } from './secondary-limit.js';
import { GitStore } from './store.js';
import {
  installationOfToken,
  installationToken,
  isJwtShaped,
  personOfToken,
  readOnlyTokenOf,
} from './tokens.js';

/** How a simulated GitHub starts (`new FakeGitHub(options)`); every field has a default. */
export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** The app's bot login, `<slug>[bot]`. */
  botLogin?: string;
  /** The clock; tests move it. */
  now?: () => string;
  /** Where the git data lives; default in memory. The end-to-end simulator passes a real repository. */
  git?: GitData;
  /**
   * The installation of the app on this repository, and the repository's id;
   * default 1 and 1. A simulator serving several repositories gives each its own.
   */
  installationId?: number;
  repositoryId?: number;
  /**
   * The installation's GraphQL points an hour (GitHub: 5,000); repositories of
   * one installation share one budget, so a simulator serving several passes it.
   */
  graphqlBudget?: GraphqlBudget;
  /**
   * The installation's REST requests an hour (GitHub: 5,000), counted for
   * requests made with its tokens; repositories of one installation share it.
   */
  restBudget?: RestBudget;
  /** The installation's content-creating requests (80 a minute, 500 an hour); repositories of one installation share it. */
  secondaryLimit?: SecondaryLimit;
}

/** The simulated app's client id, as the manifest flow gives it (`GITHUB_CLIENT_ID`). */
export const SIM_APP_CLIENT_ID = 'Iv23liSimulatedPage';

/**
 * The state of a simulated GitHub for one repository, as its routes see it.
 * Abstract only in its installation's other repositories, which FakeGitHub
 * holds as FakeGitHubs, since a test serves them too.
 */
export abstract class GitHubState {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly botLogin: string;
  readonly git: GitData;
  readonly installationId: number;
  readonly repositoryId: number;
  readonly issues = new Map<number, SimIssue>();
  /**
   * Sub-issues of another repository, by parent number, as GitHub lists them (their
   * `repository_url` names that repository): GitHub lets an issue's sub-issues live elsewhere.
   */
  readonly foreignSubIssues = new Map<number, Record<string, unknown>[]>();
  readonly comments: SimComment[] = [];
  readonly pulls = new Map<number, SimPull>();
  /** Releases, drafts among them, oldest first (routes-releases.ts). */
  readonly releases: SimRelease[] = [];
  /** Every push announced, oldest first, as the repository's activity lists them. */
  readonly activities: SimActivity[] = [];
  readonly reviews: SimReview[] = [];
  readonly checkRuns: SimCheckRun[] = [];
  /** The repository's labels by name, lower-cased (GitHub compares them so). */
  readonly labels = new Map<string, SimLabel>();
  /** Commit statuses, newest last; the newest per context and commit counts. */
  readonly statuses: SimStatus[] = [];
  readonly runs: SimRun[] = [];
  readonly permissions = new Map<string, 'admin' | 'write' | 'read' | 'none'>();
  /**
   * The GitHub account each commit's author is linked to, by commit sha (GitHub links
   * a commit by its author's email); a commit not here has none (`author: null`).
   */
  readonly commitAuthors = new Map<string, string>();
  /** Workflows GitHub knows (on the default branch), by file name. */
  readonly workflows = new Set<string>();
  /** Webhooks GitHub would have sent, oldest first; whoever delivers them takes them out. */
  readonly outbox: SimEvent[] = [];
  readonly events = new EventFactory(this);
  /** Told of every run a dispatch queues (the end-to-end simulator runs its jobs). */
  readonly runListeners = new Set<(run: SimRun) => void>();
  /**
   * Told of a pull request opened or whose head moved (`opened`, `synchronize`), with its
   * head: where GitHub starts a repository's `pull_request` workflows (its CI, a test's to script).
   */
  readonly pullListeners = new Set<(pull: SimPull, head: string) => void>();
  /**
   * "Require branches to be up to date before merging" on every base branch.
   * GitHub calls a pull request that fell behind its base `behind` only under
   * that rule; without it, one that merges cleanly is `clean`. On by default
   * (the tests' scenarios play the update-branch path).
   */
  requireUpToDate = true;
  /**
   * Where that rule is set. A ruleset's rule is shown to anyone who can read
   * the repository (GraphQL `Ref.rules`, a `RequiredStatusChecksParameters`'
   * `strictRequiredStatusChecksPolicy`; REST "Get rules for a branch" needs only
   * metadata: read, https://docs.github.com/rest/repos/rules#get-rules-for-a-branch);
   * branch protection's is shown only to admins (`Ref.branchProtectionRule`;
   * `refUpdateRule`, what non-admins see, has no such field), so the app
   * does not see it. A ruleset by default, as GitHub now recommends.
   */
  upToDateRuleIn: 'ruleset' | 'branch-protection' = 'ruleset';
  /**
   * Branch protection's "Require status checks to pass before merging", by
   * check name, on every base branch but the default: a pull request whose head
   * lacks a successful check run of each name is `blocked`, and its merge is
   * refused with 405. None by default (GitHub's default: no rule).
   */
  readonly requiredChecks = new Set<string>();
  /**
   * A rule of the default branch that requires status checks, by check name: a
   * pull request into it whose head lacks a successful run of each (one in
   * progress counts as not there) is `blocked`, and its merge refused with 405,
   * a person's as much as the app's. None by default.
   */
  readonly defaultBranchRequiredChecks = new Set<string>();
  /**
   * The app a required check of the default branch must come from, by check
   * name: a ruleset's `integration_id` (branch protection's `app_id`), "the
   * optional integration ID that this status check must originate from"
   * (https://docs.github.com/rest/repos/rules). A pinned check counts only as
   * that app's check run; one not pinned, as every check run and commit status
   * of its name, from any app or person ("If a check and a commit status have
   * the same name, both must pass", and "Anyone with write permissions to a
   * repository can set the state for any status check":
   * https://docs.github.com/pull-requests/reference/status-checks).
   */
  readonly requiredCheckSources = new Map<string, number>();
  /**
   * Branch protection's "Require approvals" (of "Require a pull request before merging"), on
   * every base branch but the default: a pull request is `blocked` and its merge refused (405
   * "At least 1 approving review is required by reviewers with write access.") until this many
   * people with write access approve it, and while one of them asks for changes; GraphQL's
   * `reviewDecision` says which (https://docs.github.com/en/pull-requests/collaborating-with-pull-requests/reviewing-changes-in-pull-requests/approving-a-pull-request-with-required-reviews).
   * 0 by default: no rule, and `reviewDecision` null.
   */
  requiredApprovals = 0;
  /**
   * Whether GraphQL's `refs(refPrefix:)` lists refs outside refs/heads and
   * refs/tags (usage and adaptation records), and `nodes(ids:)` resolves their
   * node ids. No documentation says; false plays a GitHub that does neither
   * (`baton doctor`'s probe then answers no).
   */
  graphqlListsHiddenRefs = true;
  /**
   * Pages of `git/matching-refs`, with GitHub's `Link` header. GitHub is seen to answer
   * every match at once and ignore `per_page`, though its description gives the listing a
   * `Link` header: null (default) answers all at once; a number plays pages of that size.
   */
  matchingRefsPageSize: number | null = null;
  /**
   * Whether GraphQL's `viewerHasReacted` is the app's own reaction under its token. No
   * documentation says; false plays a GitHub that answers false for the app's 👀 (in the
   * build query and `baton doctor`'s probe), so Baton must read its reactions over REST.
   */
  viewerHasReactedIsApp = true;
  /**
   * Whether an edit's answer carries the entity tag a read of the resource then gives, so that
   * the read asked with it answers 304. No documentation says; false plays a GitHub whose write
   * answers carry no tag (a held status edit's guard read is then counted, and `baton doctor`'s
   * probe answers no).
   */
  editTagAnswersRead = true;
  /**
   * Whether GraphQL's `updateRefs` may update refs outside refs/heads and
   * refs/tags (a finished build's locks and exchange refs). No documentation
   * says; false plays a GitHub that refuses them, with an error answer.
   */
  updateRefsTouchesHiddenRefs = true;
  /** Whether the agent job's read-only GITHUB_TOKEN may read a collaborator's permission. */
  readOnlyTokenReadsPermissions = true;
  /** Whether a git push of a new refs/baton/* ref needs `workflows` (true: the simulator refuses it). */
  hiddenRefPushNeedsWorkflows = false;
  /** Whether a push to refs/baton/* starts the repository's `on: push` workflows (a run of `ci.yml`). */
  pushToHiddenRefsStartsWorkflows = false;
  /** Comments on commits (the doctor's reaction probe). */
  readonly commitComments: SimCommitComment[] = [];
  /**
   * The other repositories of this repository's installation (same `installationId`),
   * which `GET /installation/repositories` lists after this one (FakeGitHub's list).
   */
  abstract readonly installationPeers: readonly GitHubState[];
  /** Whether the app is installed on the repository (`GET /repos/{owner}/{repo}/installation`). */
  installed = true;
  /** What the installation was granted; default exactly app.yml's permissions and events. */
  installationGrants: InstallationGrants = appManifestGrants();
  /** The repository's Actions variables by name (`vars.*` in workflows). */
  readonly variables = new Map<string, string>();
  /** The repository's Actions secrets by name (`secrets.*` in workflows); the API never shows them. */
  readonly secrets = new Map<string, string>();
  /**
   * The app's permissions on this installation (what it was granted), which
   * its own installation tokens carry and a narrower token may ask part of.
   */
  get appPermissions(): Grants {
    return this.installationGrants.permissions as Grants;
  }
  /** The agent job's read-only `GITHUB_TOKEN`'s permissions (the workflow template's). */
  agentJobPermissions: Grants = agentJobPermissions();
  /**
   * Whether every request made with an installation token is checked against
   * the permissions it was minted with, as GitHub checks it. On by default.
   */
  checkPermissions = true;
  /**
   * Answer as GitHub Enterprise Server of this version (`'3.17'`): every
   * answer carries `x-github-enterprise-version`, `GET /meta` has
   * `installed_version`, and a dispatch with `return_run_details` is refused
   * with 400, as on 3.20 and earlier. Null: github.com.
   */
  enterpriseVersion: string | null = null;
  /** The repository's visibility, as a run's event payload carries it (`repository.visibility`). */
  visibility: 'public' | 'private' | 'internal' = 'public';
  /** Where archive links point (`GET …/tarball/{ref}`'s redirect): GitHub's codeload host, or the server's. */
  codeloadUrl = 'https://codeload.github.com';
  /** Where a release's `upload_url` points: GitHub's uploads host, this server when served. */
  uploadsUrl = 'https://uploads.github.com';
  /** The archive links made for this repository while private, by their token (sim/github/archive.ts). */
  readonly archiveLinks = new Map<string, ArchiveLink>();
  /** Narrowed installation tokens minted, with their permissions; revoked ones too (`revokedTokens`). */
  readonly tokens = new Map<string, Grants>();
  /**
   * The repositories a narrowed token was minted for (`repositories` or
   * `repository_ids`), by token; none recorded: every repository of the installation.
   */
  readonly tokenScopes = new Map<string, { names?: string[]; ids?: number[] }>();
  /** Narrowed tokens revoked (`DELETE /installation/token`): each answers 401 from then on. */
  readonly revokedTokens = new Set<string>();
  /**
   * The app's public key: set, the app's routes (`GET /app`, minting tokens, …)
   * refuse any credential but a JWT signed with its private key (sim/github/app-jwt.ts).
   */
  appPublicKey: KeyObject | null = null;
  /** The app's id, its JWT's issuer. */
  readonly appId = 1;
  /**
   * The app's client id (`GET /app`'s `client_id`,
   * https://docs.github.com/en/rest/apps/apps#get-the-authenticated-app): its
   * user authorization's (sim/github/oauth/).
   */
  appClientId = SIM_APP_CLIENT_ID;
  now: () => string;
  /** The installation's hourly GraphQL points, charged per call (graphql-budget.ts). */
  readonly graphqlBudget: GraphqlBudget;
  /** The installation's hourly REST requests, counted per request; a 304 is not (rest-limit.ts). */
  readonly restBudget: RestBudget;
  /** The installation's writes in GitHub's secondary windows, refused past them where a test says (secondary-limit.ts). */
  readonly secondaryLimit: SecondaryLimit;
  #ids = 1000;
  #narrowed = 0;

  constructor(options: FakeGitHubOptions = {}) {
    this.owner = options.owner ?? 'octo-org';
    this.repo = options.repo ?? 'widgets';
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.botLogin = options.botLogin ?? 'baton[bot]';
    this.installationId = options.installationId ?? 1;
    this.repositoryId = options.repositoryId ?? 1;
    this.now = options.now ?? (() => new Date().toISOString());
    this.graphqlBudget = options.graphqlBudget ?? new GraphqlBudget();
    this.restBudget = options.restBudget ?? new RestBudget({ installationId: this.installationId });
    this.secondaryLimit = options.secondaryLimit ?? new SecondaryLimit();
    this.git = options.git ?? new GitStore();
    this.git.commitOn(this.defaultBranch, { 'README.md': '# widgets\n' }, 'Initial commit');
  }

  /** The app as a check suite names it: what its installation tokens create check runs as. */
  get app(): SimApp {
    return { id: this.appId, slug: this.botLogin.replace(/\[bot\]$/, '') };
  }

  /**
   * GitHub's `reviewDecision` of a pull request where its base asks for approvals
   * (`requiredApprovals`), else null: the newest approving or change-asking review of each
   * person with write access counts (a reader's, or an app's, does not).
   */
  reviewDecision(pull: { number: number; base: string }): ReviewDecision | null {
    if (this.requiredApprovals === 0 || pull.base === this.defaultBranch) return null;
    const newest = new Map<string, SimReview['state']>();
    for (const review of this.reviews) {
      if (review.pull !== pull.number || review.user.type === 'Bot') continue;
      const permission = this.permissions.get(review.user.login);
      if (permission !== 'write' && permission !== 'admin') continue;
      if (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED')
        newest.set(review.user.login, review.state);
      if (review.state === 'DISMISSED') newest.delete(review.user.login);
    }
    const states = [...newest.values()];
    if (states.includes('CHANGES_REQUESTED')) return 'CHANGES_REQUESTED';
    const approvals = states.filter((state) => state === 'APPROVED').length;
    return approvals >= this.requiredApprovals ? 'APPROVED' : 'REVIEW_REQUIRED';
  }

  /** Why a rule of its base holds a pull request's merge by its reviews (`requiredApprovals`), or null. */
  reviewHold(pull: { number: number; base: string }): string | null {
    const decision = this.reviewDecision(pull);
    if (decision === null || decision === 'APPROVED') return null;
    return `At least ${this.requiredApprovals} approving review${this.requiredApprovals === 1 ? ' is' : 's are'} required by reviewers with write access.`;
  }

  /** The required checks (`requiredChecks`) a pull request's head lacks for a merge into `base`. */
  missingChecks({ base, headSha }: { base: string; headSha: string }): string[] {
    const onDefault = base === this.defaultBranch;
    const required = onDefault ? this.defaultBranchRequiredChecks : this.requiredChecks;
    const checks = this.checksOn(headSha);
    return [...required].filter((name) => {
      const source = onDefault ? this.requiredCheckSources.get(name) : undefined;
      const runs = checks.filter(
        (run) => run.name === name && (source === undefined || run.app.id === source),
      );
      // The newest run of each app, and (where no app is required) the newest status of the name.
      const newest = new Map(runs.map((run) => [run.app.id, run.conclusion === 'success']));
      const status =
        source === undefined
          ? this.statuses.filter((one) => one.sha === headSha && one.context === name).at(-1)
          : undefined;
      const passes = [...newest.values(), ...(status ? [status.state === 'success'] : [])];
      return passes.length === 0 || passes.includes(false);
    });
  }

  /**
   * The check runs on a commit, oldest first: those apps created, and one for each job of
   * an Actions run on it, as GitHub makes them (a job's `check_run_url`,
   * https://docs.github.com/en/rest/actions/workflow-jobs): a session's `baton agent`,
   * `baton publish` and its review jobs (`baton review`, `baton review publish`, run or
   * skipped) are check runs on the head its run was dispatched on, in progress while the job
   * runs, even when the review checked out the head publish pushed after it.
   */
  checksOn(sha: string): SimCheckRun[] {
    const jobs = this.runs
      .filter((run) => run.headSha === sha)
      .flatMap((run) =>
        (run.jobs ?? []).map(
          (job): SimCheckRun => ({
            id: job.id,
            headSha: sha,
            name: job.name,
            status: job.status,
            conclusion: job.conclusion ?? null,
            detailsUrl: `${this.htmlUrl}/actions/runs/${run.id}/job/${job.id}`,
            app: GITHUB_ACTIONS_APP,
          }),
        ),
      );
    return [...this.checkRuns.filter((run) => run.headSha === sha), ...jobs].sort(
      (a, b) => a.id - b.id,
    );
  }

  /**
   * Whether every check on a commit (the newest of each app's name) and every commit status (the
   * newest of each context) passed. GitHub calls a pull request whose head has one that did
   * not, pending included, `UNSTABLE` ("Mergeable with non-passing commit status",
   * https://docs.github.com/en/graphql/reference/enums#mergestatestatus), when nothing
   * required holds it: a session's jobs still running on the head make it so.
   */
  checksPassOn(sha: string): boolean {
    const newest = <T>(items: T[], key: (item: T) => string) => [
      ...new Map(items.map((item) => [key(item), item])).values(),
    ];
    const runs = newest(this.checksOn(sha), (run) => `${run.app.id} ${run.name}`);
    const statuses = newest(
      this.statuses.filter((status) => status.sha === sha),
      (status) => status.context,
    );
    return (
      runs.every(
        (run) =>
          run.status === 'completed' &&
          ['success', 'neutral', 'skipped'].includes(run.conclusion ?? ''),
      ) && statuses.every((status) => status.state === 'success')
    );
  }

  nextId(): number {
    return ++this.#ids;
  }

  /** The repository's GraphQL node id (`node_id`), which mutations such as `updateRefs` name it by. */
  get nodeId(): string {
    return `R_kgDO${String(this.repositoryId).padStart(6, '0')}`;
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  get htmlUrl(): string {
    return `https://github.com/${this.fullName}`;
  }

  user(login: string): SimUser {
    return { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
  }

  /**
   * Mints an installation token, as `POST /app/installations/{id}/access_tokens`
   * does: with the app's permissions when none are asked, else with those
   * asked, which must be within the app's; for the repositories named, which
   * must all be the installation's. GitHub answers 422 to either refusal: "The
   * installation access token cannot be granted access to repositories that the
   * installation was not granted access to", nor "permissions that the app was
   * not granted" (https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app,
   * whose responses list 422), with the messages below.
   */
  mintToken(
    asked?: Grants,
    scope?: { names?: string[]; ids?: number[] },
  ): { token: string; permissions: Grants } | { refused: string } {
    if (asked === undefined && scope === undefined) {
      return { token: installationToken(this.installationId), permissions: this.appPermissions };
    }
    const over = exceeding(asked ?? {}, this.appPermissions);
    if (over.length > 0)
      return {
        refused: `The permissions requested are not granted to this installation: ${over.join(', ')}`,
      };
    if (scope && !this.#coversInstallation(scope))
      return {
        refused:
          'There is at least one repository that does not exist or is not accessible to the parent installation.',
      };
    const token = installationToken(this.installationId, ++this.#narrowed);
    const permissions = asked ? { metadata: 'read' as Access, ...asked } : this.appPermissions;
    this.tokens.set(token, permissions);
    if (scope) this.tokenScopes.set(token, scope);
    return { token, permissions };
  }

  /**
   * Revokes a narrowed token, as `DELETE /installation/token` made with it does: GitHub answers
   * it "Bad credentials" from then on (https://docs.github.com/rest/apps/installations#revoke-an-installation-access-token).
   * The installation's own token (`ghs_simulated`), which the app and its tests share here
   * where GitHub would mint each a token of its own, is left as it is.
   */
  revokeToken(credential: string | null): void {
    for (const one of [this, ...this.installationPeers]) {
      if (credential !== null && one.tokens.has(credential)) one.revokedTokens.add(credential);
    }
  }

  /** Whether a credential is a token revoked in this installation. */
  isRevoked(credential: string | null): boolean {
    return (
      credential !== null &&
      [this, ...this.installationPeers].some((one) => one.revokedTokens.has(credential))
    );
  }

  /**
   * Whether GitHub refuses a credential outright, 401 "Bad credentials": a token revoked, or one
   * it never issued. GitHub knows the tokens it minted (an installation's, a narrowed one, a
   * job's `GITHUB_TOKEN`) and a person's; a JWT is the app's, judged where the app's routes
   * take one (`refuseAppJwt`). Anything else, a made-up `ghs_…` included, it answers "Bad credentials"
   * (https://docs.github.com/rest/authentication/authenticating-to-the-rest-api#failed-login-limit).
   */
  refusesCredential(credential: string | null): boolean {
    if (credential === null) return false;
    if (this.isRevoked(credential)) return true;
    return this.checkPermissions && !this.#issued(credential);
  }

  /** Whether a credential is one GitHub issued: see `refusesCredential`. */
  #issued(credential: string): boolean {
    if (isJwtShaped(credential) || readOnlyTokenOf(credential) || personOfToken(credential))
      return true;
    if ([this, ...this.installationPeers].some((one) => one.tokens.has(credential))) return true;
    // An installation's own token; a narrowed one of another installation, whose mints this
    // repository's installation does not see, is judged by what it may see (`credentialSees`).
    const installation = installationOfToken(credential);
    return (
      installation !== null &&
      (credential === installationToken(installation) || installation !== this.installationId)
    );
  }

  /** The repositories the app is installed on in this installation: this one and its peers. */
  get installationRepositories(): GitHubState[] {
    return [this, ...this.installationPeers].filter((one) => one.installed);
  }

  /** Whether every repository a mint names (by name in the account, or by id) is the installation's. */
  #coversInstallation(scope: { names?: string[]; ids?: number[] }): boolean {
    const installed = this.installationRepositories;
    return (
      (scope.names ?? []).every((name) =>
        installed.some((one) => one.repo.toLowerCase() === name.toLowerCase()),
      ) && (scope.ids ?? []).every((id) => installed.some((one) => one.repositoryId === id))
    );
  }

  /**
   * The repositories of the installation a request's token may see: those a
   * token was minted for, when it was minted for some; every one otherwise (the
   * app's own installation token, a token minted with no repository named).
   */
  repositoriesOfRequest(request: ApiRequest): GitHubState[] {
    const credential = credentialIn(request.headers);
    const installed = this.installationRepositories;
    for (const one of [this, ...this.installationPeers]) {
      const scope = credential === null ? undefined : one.tokenScopes.get(credential);
      if (scope) return installed.filter((repo) => inScope(repo, scope));
    }
    return installed;
  }

  /**
   * A narrowed token of this installation, minted through this repository or
   * another of the installation, as it stands here: its permissions where its
   * repositories include this one, none where they do not (GitHub answers such a
   * token as it answers a stranger); undefined for no such token.
   */
  #narrowedHere(credential: string): Grants | undefined {
    for (const one of [this, ...this.installationPeers]) {
      const grants = one.tokens.get(credential);
      if (!grants) continue;
      const scope = one.tokenScopes.get(credential);
      return !scope || inScope(this, scope) ? grants : {};
    }
    return undefined;
  }

  /**
   * Whether a request's token was minted for other repositories only: a narrowed one of the
   * installation, a job's read-only token of another repository, or another installation's.
   * The token's own routes (`/installation/…`: its repositories, its revocation) name no
   * repository, nor does GraphQL, whose every repository is judged as it is resolved (`sees`).
   */
  outOfScope(request: ApiRequest): boolean {
    if (
      !this.checkPermissions ||
      request.path.startsWith('/installation/') ||
      request.path === '/graphql'
    )
      return false;
    const credential = credentialIn(request.headers);
    const job = readOnlyTokenOf(credential);
    if (job) return job.repositoryId !== this.repositoryId;
    const installation = installationOfToken(credential);
    if (installation !== null && installation !== this.installationId) return true;
    const grants = credential === null ? undefined : this.#narrowedHere(credential);
    return grants !== undefined && Object.keys(grants).length === 0;
  }

  /**
   * Whether a request's token sees `repo`: a public repository any token
   * reads; a private one only a token whose repositories include it (a token
   * minted for some repositories "can access" those alone,
   * https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app),
   * or one minted for none named (the app's own installation token).
   */
  sees(request: ApiRequest, repo: GitHubState): boolean {
    return this.credentialSees(credentialIn(request.headers), repo);
  }

  /**
   * The same for a credential: none sees public repositories alone, as GitHub shows a stranger;
   * a job's read-only token its own repository and public ones.
   */
  credentialSees(credential: string | null, repo: GitHubState): boolean {
    if (!this.checkPermissions || repo.visibility === 'public') return true;
    if (credential === null) return false;
    const job = readOnlyTokenOf(credential);
    if (job) return job.repositoryId === repo.repositoryId;
    // An installation's token sees the repositories of its own installation alone.
    const installation = installationOfToken(credential);
    if (installation !== null && installation !== repo.installationId) return false;
    for (const one of [this, ...this.installationPeers]) {
      const scope = one.tokenScopes.get(credential);
      if (scope) return inScope(repo, scope);
    }
    return true;
  }

  /**
   * Whether git's server lets a credential fetch this repository: a public one anyone
   * clones; a private one only with a credential that sees it. GitHub answers a fetch of a
   * private repository with no credential 401, and with one that cannot see it "Repository
   * not found" (https://docs.github.com/repositories/creating-and-managing-repositories/troubleshooting-cloning-errors).
   */
  mayFetch(credential: string | null): boolean {
    if (!this.checkPermissions || this.visibility === 'public') return true;
    return credential !== null && this.credentialSees(credential, this);
  }

  /**
   * The permissions a credential carries: a narrowed token's, the app's
   * token's, the agent job's read-only token's, a person's; null for anything
   * else (the app's JWT, no credential), which the simulator does not check.
   */
  grantsOf(credential: string | null): Grants | null {
    if (credential === null) return null;
    const narrowed = this.#narrowedHere(credential);
    if (narrowed) return narrowed;
    if (credential === installationToken(this.installationId)) return this.appPermissions;
    const job = readOnlyTokenOf(credential);
    if (job) return job.repositoryId === this.repositoryId ? this.agentJobPermissions : {};
    const person = personOfToken(credential);
    if (person) return this.#personGrants(person);
    return null;
  }

  /**
   * A person's token may do what both the app and the person may, as a GitHub App's user
   * access token does ("only … resources that both the user and the app can access",
   * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-with-a-github-app-on-behalf-of-a-user):
   * one with write access writes as far as the app may; a reader, or anyone on a public
   * repository, reads; on a private one nobody else sees anything (`personSees`).
   */
  #personGrants(person: string): Grants {
    const app = this.appPermissions;
    const role = this.permissions.get(person) ?? 'none';
    if (role === 'write' || role === 'admin') return app;
    if (role === 'none' && this.visibility !== 'public') return {};
    return Object.fromEntries(Object.keys(app).map((name) => [name, 'read' as const]));
  }

  /** Whether a credential, when it is a person's, may see this repository: GitHub shows 404 where not. */
  personSees(credential: string | null): boolean {
    const person = personOfToken(credential);
    if (!person || !this.checkPermissions || this.visibility === 'public') return true;
    return (this.permissions.get(person) ?? 'none') !== 'none';
  }

  /** The permissions of the token a request carries; null when none is checked. */
  grantsOfRequest(request: ApiRequest): Grants | null {
    return this.checkPermissions ? this.grantsOf(credentialIn(request.headers)) : null;
  }

  /**
   * The first workflow file moving `ref` to `after` creates or updates,
   * relative to the ref's old state; a new ref is compared with where it
   * leaves the default branch (its merge base with it), so a branch cut from
   * a commit the repository already holds changes nothing.
   */
  workflowChangeOf(ref: string, after: string): string | null {
    const old = this.git.refs.get(ref);
    const main = this.git.refs.get(`refs/heads/${this.defaultBranch}`);
    const before = old ?? (main ? this.git.mergeBase(after, main) : null);
    const changed = workflowChanges(
      before ? this.git.filesOf(before) : new Map(),
      this.git.filesOf(after),
    );
    return changed[0] ?? null;
  }

  /** Opens an issue; returns its number. */
  openIssue({
    title,
    body = '',
    user = 'octocat',
    labels = [],
  }: {
    title: string;
    body?: string;
    user?: string;
    labels?: string[];
  }): number {
    return this.#fileIssue({ title, body, labels, user, createdAt: this.now(), pull: false });
  }

  /** Files a new open issue, as GitHub does for an issue or a pull request (a pull request is an issue too). */
  #fileIssue(
    issue: Pick<SimIssue, 'title' | 'body' | 'labels' | 'createdAt' | 'pull'> & { user: string },
  ): number {
    const number = this.nextIssueNumber();
    const { title, body, labels, createdAt, pull } = issue;
    this.issues.set(number, {
      number,
      title,
      body,
      state: 'open',
      labels,
      user: this.user(issue.user),
      createdAt,
      pull,
    });
    return number;
  }

  /** Makes `child` a sub-issue of `parent`, last in its list, as `POST …/sub_issues` does. */
  addSubIssue(parent: number, child: number): void {
    const parentIssue = this.issues.get(parent);
    const childIssue = this.issues.get(child);
    if (!parentIssue || !childIssue) throw new Error(`no issue #${parent} or #${child}`);
    parentIssue.subIssues = [...(parentIssue.subIssues ?? []), child];
    childIssue.parent = parent;
  }

  /** Records that `blocker` blocks `issue`, as `POST …/dependencies/blocked_by` does. */
  addBlockedBy(issue: number, blocker: number): void {
    const blocked = this.issues.get(issue);
    if (!blocked || !this.issues.has(blocker)) throw new Error(`no issue #${issue} or #${blocker}`);
    if (!blocked.blockedBy?.includes(blocker))
      blocked.blockedBy = [...(blocked.blockedBy ?? []), blocker];
  }

  /**
   * Closes or reopens an issue as `by` does, and delivers `issues.closed` or `issues.reopened`.
   * A close is a `closed` event on the issue's timeline with its actor and, when a merge closed
   * it, the pull request (`pull`); a reopen a `reopened` event with its actor. Those events,
   * not the webhook, are what Baton reads of it.
   */
  setIssueState(
    issue: number,
    state: 'open' | 'closed',
    { by, pull, reason = 'completed' }: { by: string; pull?: number; reason?: string },
  ): void {
    const found = this.issues.get(issue);
    if (!found) throw new Error(`no issue #${issue}`);
    if (found.state === state) return;
    found.state = state;
    found.stateReason = state === 'closed' ? reason : 'reopened';
    if (state === 'closed') {
      const event = { actor: by, at: this.now(), ...(pull !== undefined ? { pull } : {}) };
      found.closedEvents = [...(found.closedEvents ?? []), event];
    } else {
      found.reopenedEvents = [...(found.reopenedEvents ?? []), { actor: by, at: this.now() }];
    }
    this.events.issueState(state === 'closed' ? 'closed' : 'reopened', issue, by);
  }

  nextIssueNumber(): number {
    return Math.max(0, ...this.issues.keys()) + 1;
  }

  addComment({ issue, body, user }: { issue: number; body: string; user: string }): SimComment {
    const at = this.now();
    const comment: SimComment = {
      id: this.nextId(),
      issue,
      body,
      user: this.user(user),
      createdAt: at,
      updatedAt: at,
      reactions: [],
    };
    this.comments.push(comment);
    this.events.comment(comment);
    return comment;
  }

  /** Moves a branch as a push would, with the webhooks GitHub sends for it. */
  setBranch(branch: string, sha: string, sender = this.botLogin): void {
    const ref = `refs/heads/${branch}`;
    const before = this.git.refs.get(ref) ?? null;
    this.git.refs.set(ref, sha);
    this.announcePush({ branch, before, after: sha, sender });
  }

  /** The webhooks of a branch that moved (`push`, and `synchronize` on its open PRs). */
  announcePush({ branch, before, after, sender }: BranchMove): void {
    const none = '0'.repeat(40);
    this.activities.push({
      id: this.nextId(),
      ref: `refs/heads/${branch}`,
      before: before ?? none,
      after: after ?? none,
      actor: sender,
      activityType:
        before === null ? 'branch_creation' : after === null ? 'branch_deletion' : 'push',
      timestamp: this.now(),
    });
    this.events.push(branch, before, after ?? none, sender);
    if (after === null) this.closePullsOf(branch, sender);
    if (after === null || before === null) return;
    for (const pull of this.pulls.values()) {
      if (pull.state === 'open' && pull.head === branch) {
        this.events.pull('synchronize', pull, sender);
        for (const listener of this.pullListeners) listener(pull, after);
      }
    }
  }

  /** Deletes a branch as the API or a push does, with the webhooks GitHub sends for it. */
  deleteBranch(branch: string, sender = this.botLogin): boolean {
    const ref = `refs/heads/${branch}`;
    const before = this.git.refs.get(ref);
    if (before === undefined) return false;
    this.git.refs.delete(ref);
    this.announcePush({ branch, before, after: null, sender });
    return true;
  }

  /**
   * Closes the open pull requests a deleted branch leaves without a head or a base, as
   * GitHub does: a deleted head closes its pull request (`head_ref_deleted`), and a base
   * deleted through the API or a push closes those that target it (GitHub retargets them
   * only for the web's "delete branch" after a merge, which nothing here plays).
   */
  private closePullsOf(branch: string, sender: string): void {
    for (const pull of this.pulls.values()) {
      const headHere = pull.head === branch && !pull.fork;
      if (pull.state !== 'open' || !(headHere || pull.base === branch)) continue;
      pull.state = 'closed';
      pull.closedAt = this.now();
      this.events.pull('closed', pull, sender);
    }
  }

  /** Commits on a branch and pushes it. */
  pushCommit({
    branch,
    changes,
    message = 'change',
    sender = this.botLogin,
  }: {
    branch: string;
    changes: Record<string, string | null>;
    message?: string;
    sender?: string;
  }): string {
    const parent = this.git.refs.get(`refs/heads/${branch}`) ?? null;
    const sha = this.git.commit({ parent, changes, message });
    this.setBranch(branch, sha, sender);
    return sha;
  }

  openPull({
    title,
    body,
    head,
    base,
    user,
    draft = false,
    fork,
  }: {
    title: string;
    body: string;
    head: string;
    base: string;
    user: string;
    draft?: boolean;
    fork?: SimPull['fork'];
  }): SimPull {
    const at = this.now();
    const number = this.#fileIssue({ title, body, labels: [], user, createdAt: at, pull: true });
    const pull: SimPull = {
      number,
      title,
      body,
      head,
      base,
      state: 'open',
      mergedAt: null,
      user: this.user(user),
      createdAt: at,
      autoMerge: false,
      ...(draft ? { draft: true } : {}),
      ...(fork ? { fork } : {}),
    };
    this.pulls.set(number, pull);
    this.events.pull('opened', pull, user);
    const opened = this.git.resolve(head);
    if (opened) for (const listener of this.pullListeners) listener(pull, opened);
    return pull;
  }

  /** An outsider's pull request from a fork: `head` is a branch of the fork, whatever its name. */
  openForkPull({
    head,
    base,
    user,
    fork = `${user}/${this.repo}`,
  }: {
    head: string;
    base: string;
    user: string;
    fork?: string;
  }): SimPull {
    return this.openPull({
      title: 'A change',
      body: '',
      head,
      base,
      user,
      fork: { fullName: fork, sha: 'f'.repeat(40) },
    });
  }

  addReview(review: Omit<SimReview, 'id' | 'submittedAt' | 'user'> & { user: string }): SimReview {
    const stored: SimReview = {
      ...review,
      id: this.nextId(),
      user: this.user(review.user),
      submittedAt: this.now(),
    };
    this.reviews.push(stored);
    const pull = this.pulls.get(review.pull);
    if (pull) this.events.review(stored, pull);
    return stored;
  }

  /** Records a dispatched run; its name follows the workflow's `run-name`. */
  startRun({
    workflow,
    ref,
    sha,
    inputs,
  }: {
    workflow: string;
    ref: string;
    sha: string;
    inputs: Record<string, string>;
  }): SimRun {
    const displayTitle = `baton ${inputs.role ?? ''} ${inputs.build ?? ''} ${inputs.worker || '-'} ${inputs.trigger || '-'}`;
    return this.#queueRun({ workflow, displayTitle, event: 'workflow_dispatch', ref, sha, inputs });
  }

  /**
   * Records a run an event started (a workflow on `issues`, `push`, …: the
   * conductor), on the ref whose workflow file it runs, with the event's payload.
   */
  startEventRun({
    workflow,
    displayTitle,
    event,
    ref,
    sha,
    payload,
    actor,
  }: {
    workflow: string;
    displayTitle: string;
    event: string;
    ref: string;
    sha: string;
    payload: Record<string, unknown>;
    actor: string;
  }): SimRun {
    return this.#queueRun({
      workflow,
      displayTitle,
      event,
      ref,
      sha,
      inputs: {},
      triggeringActor: actor,
      payload,
    });
  }

  /** A new run, queued, told to whoever listens for runs. */
  #queueRun({
    ref,
    sha,
    ...rest
  }: Pick<SimRun, 'workflow' | 'displayTitle' | 'event' | 'inputs'> &
    Partial<Pick<SimRun, 'triggeringActor' | 'payload'>> & { ref: string; sha: string }): SimRun {
    const at = this.now();
    const run: SimRun = {
      id: this.nextId(),
      ...rest,
      headBranch: ref,
      headSha: sha,
      status: 'queued',
      conclusion: null,
      createdAt: at,
      updatedAt: at,
      runAttempt: 1,
    };
    this.runs.push(run);
    for (const listener of this.runListeners) listener(run);
    return run;
  }

  /**
   * A queued run leaves the queue (its concurrency group's turn came): in progress, with
   * its first job running, a check run on its head (`checksOn`), as the runner plays it.
   */
  beginRun(id: number, jobs: string[] = ['baton agent']): SimRun {
    const run = this.runs.find((r) => r.id === id);
    if (!run) throw new Error(`no run ${id}`);
    run.status = 'in_progress';
    run.updatedAt = this.now();
    run.jobs = jobs.map((name, index) => ({
      id: this.nextId(),
      name,
      status: index === 0 ? 'in_progress' : 'queued',
    }));
    return run;
  }

  finishRun(id: number, conclusion: string): void {
    const run = this.runs.find((r) => r.id === id);
    if (!run) throw new Error(`no run ${id}`);
    // A run ends with its jobs: none is left running (a cancelled run's are cancelled).
    for (const job of run.jobs ?? []) {
      if (job.status === 'completed') continue;
      job.status = 'completed';
      job.conclusion =
        conclusion === 'success' || conclusion === 'cancelled' ? conclusion : 'failure';
    }
    run.status = 'completed';
    run.conclusion = conclusion;
    run.updatedAt = this.now();
    this.events.run('completed', run);
    this.events.checkSuite(run.headBranch, run.headSha, conclusion);
  }

  /** A CI check on a head, completed, with the check_suite webhook GitHub sends. */
  addCheck({
    sha,
    name = 'ci',
    conclusion = 'success',
  }: {
    sha: string;
    name?: string;
    conclusion?: string;
  }): void {
    // CI is a workflow run too, so its failed jobs can be re-run.
    const at = this.now();
    const branch =
      [...this.git.refs].find(([, head]) => head === sha)?.[0].replace('refs/heads/', '') ?? '';
    const run: SimRun = {
      id: this.nextId(),
      workflow: 'ci.yml',
      displayTitle: `CI ${branch}`,
      event: 'pull_request',
      headBranch: branch,
      headSha: sha,
      status: 'completed',
      conclusion,
      createdAt: at,
      updatedAt: at,
      runAttempt: 1,
      inputs: {},
    };
    this.runs.push(run);
    this.completeCheck(run, { name, conclusion });
  }

  /** A commit status on a head, with the `status` webhook GitHub sends. */
  addStatus({
    sha,
    context = 'ci/jenkins',
    state,
  }: {
    sha: string;
    context?: string;
    state: SimStatus['state'];
  }): void {
    this.statuses.push({ sha, context, state, targetUrl: `https://ci.example/${context}/${sha}` });
    this.events.status({ sha, context, state });
  }

  /** Completes a CI run's check on its head, replacing the check of an earlier attempt. */
  completeCheck(
    run: SimRun,
    { name = 'ci', conclusion }: { name?: string; conclusion: string },
  ): void {
    Object.assign(run, { status: 'completed', conclusion, updatedAt: this.now() });
    const stale = this.checkRuns.findIndex(
      (check) =>
        check.headSha === run.headSha &&
        check.name === name &&
        check.app.id === GITHUB_ACTIONS_APP.id,
    );
    if (stale >= 0) this.checkRuns.splice(stale, 1);
    this.checkRuns.push({
      id: this.nextId(),
      headSha: run.headSha,
      name,
      status: 'completed',
      conclusion,
      detailsUrl: `${this.htmlUrl}/actions/runs/${run.id}/job/${this.nextId()}`,
      app: GITHUB_ACTIONS_APP,
    });
    // GitHub sends both for an Actions run: the run's completion and its check suite's.
    this.events.run('completed', run);
    this.events.checkSuite(run.headBranch, run.headSha, conclusion);
  }
}

/** The credential of a request's `authorization` header (`token X`, `bearer X`); null when none. */
export function credentialIn(headers: Record<string, string>): string | null {
  const [scheme = '', value = ''] = (headers.authorization ?? '').trim().split(/\s+/, 2);
  return /^(token|bearer)$/i.test(scheme) && value ? value : null;
}

/** Whether a narrowed token's repositories (by name in the account, or by id) include `repo`. */
function inScope(repo: GitHubState, scope: { names?: string[]; ids?: number[] }): boolean {
  return (
    (scope.names ?? []).some((name) => name.toLowerCase() === repo.repo.toLowerCase()) ||
    (scope.ids ?? []).includes(repo.repositoryId)
  );
}
