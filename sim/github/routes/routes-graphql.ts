import { type DocumentNode, Kind, type OperationDefinitionNode, visit } from 'graphql';
import { credentialIn, type GitHubState } from '../github-state.js';
import {
  actorNode,
  buildRepository,
  commitNode,
  pullNode,
  pullsNode,
  refsNode,
  stateEventsNode,
} from '../graphql/build-nodes.js';
import { graphqlCost, graphqlRefusals } from '../graphql/graphql-cost.js';
import { readDocument } from '../graphql/graphql-document.js';
import { memberNode } from '../graphql/graphql-members.js';
import { applyWindows } from '../graphql/graphql-windows.js';
import { answerProjectQuery } from '../projects/project-items.js';
import { type ApiResponse, badCredentials, json, type Router } from '../router.js';
import { refOfNodeId } from './routes-git.js';
import { answerProbeQuery } from './routes-probes.js';
import { answerUpdateRefs } from './update-refs.js';

/**
 * GitHub's GraphQL endpoint, for the documents Baton sends: the build query
 * and its pages (src/github/observe/build-query.ts), a plan session's issue history,
 * the project door's item and field (projects/project-items.ts),
 * the auto-merge mutation and `updateRefs` (update-refs.ts). As on GitHub, a
 * document is refused before it runs when it does not hold against GitHub's
 * published schema (a field or argument the schema lacks: graphql-document.ts),
 * when a connection lacks `first`/`last`
 * or asks more than 100, or when it could request over 500,000 nodes; each
 * call is charged its points to the
 * installation's hourly budget (`gh.graphqlBudget`) with the `x-ratelimit-*`
 * headers of the `graphql` resource, and refused as rate limited once the
 * hour is spent (graphql-cost.ts, graphql-budget.ts). The answer is built
 * from the simulated state with every node of every connection, then cut to
 * the fields the operation selected and the pages asked for
 * (graphql-windows.ts). Anything else is an error.
 */
export function registerGraphqlRoutes(router: Router, gh: GitHubState): void {
  router.on('POST', '/graphql', (_, request) => {
    // GitHub's GraphQL API answers no request without a credential
    // (https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql).
    if (gh.checkPermissions && credentialIn(request.headers) === null) {
      return json(401, {
        message: 'This endpoint requires you to be authenticated.',
        documentation_url:
          'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
      });
    }
    if (gh.refusesCredential(credentialIn(request.headers))) return badCredentials();
    const {
      query = '',
      variables = {},
      operationName,
    } = (request.body ?? {}) as {
      query?: string;
      variables?: Record<string, unknown> | null;
      operationName?: string;
    };
    const vars = variables ?? {};
    const read = readDocument(query);
    if (!read.document) return json(200, { errors: read.errors });
    const doc = read.document;
    const operations = doc.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation = operationName
      ? operations.find((op) => op.name?.value === operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
    if (!operation)
      return json(200, {
        errors: [{ message: 'An operation name is required when a document holds several.' }],
      });
    const refusals = graphqlRefusals(
      { ...doc, definitions: [operation, ...fragmentsOf(doc)] },
      vars,
    );
    if (refusals.length > 0) return json(200, { errors: refusals });
    const name = operation.name?.value ?? '';
    const cost = graphqlCost({ ...doc, definitions: [operation, ...fragmentsOf(doc)] }, vars)[0];
    const charge = gh.graphqlBudget.charge(cost?.points ?? 1, Date.parse(gh.now()), name);
    if (!charge.allowed) {
      return {
        status: 200,
        headers: charge.headers,
        body: {
          errors: [
            {
              type: 'RATE_LIMITED',
              message: `API rate limit exceeded for installation ID ${gh.installationId}.`,
            },
          ],
        },
      };
    }
    /** An answer built whole, cut to what the operation selected. */
    const selected = <T extends { data?: unknown }>(answered: T): T => {
      const data = answered.data as Record<string, unknown> | null | undefined;
      return data ? { ...answered, data: applyWindows(doc, operation, data, vars) } : answered;
    };
    if (rootFieldOf(operation) === 'updateRefs') {
      const grants = gh.grantsOfRequest(request);
      const answered = answerUpdateRefs(gh, { operation, variables: vars, grants });
      return withHeaders(json(200, selected(answered)), charge.headers);
    }
    const probe = answerProbeQuery(gh, query, vars);
    if (probe) return withHeaders(json(200, selected(probe)), charge.headers);
    const project = answerProjectQuery(gh, {
      name,
      variables: vars,
      grants: gh.grantsOfRequest(request),
      sees: (repo) => gh.sees(request, repo),
    });
    if (project) return withHeaders(json(200, selected(project)), charge.headers);
    const pulls = issuesThatArePulls(gh, [operation, ...fragmentsOf(doc)], vars);
    if (pulls.length > 0)
      return withHeaders(json(200, { data: null, errors: pulls }), charge.headers);
    const errors: GraphError[] = [];
    const seen = (one: GitHubState, path: (string | number)[], what: string) => {
      if (gh.sees(request, one)) return true;
      errors.push(notFound(path, what));
      return false;
    };
    const data = answer(gh, MUTATIONS[rootFieldOf(operation) ?? ''] ?? name, vars, seen);
    if (!data)
      return withHeaders(
        json(200, { errors: [{ message: 'the simulator answers only the queries Baton sends' }] }),
        charge.headers,
      );
    return withHeaders(
      json(200, selected({ data, ...(errors.length > 0 ? { errors } : {}) })),
      charge.headers,
    );
  });
}

/**
 * `repository.issue(number:)` given a pull request's number: GitHub resolves
 * only an issue there (a pull request is `pullRequest` or `issueOrPullRequest`),
 * and answers NOT_FOUND.
 */
function issuesThatArePulls(
  gh: GitHubState,
  definitions: readonly DocumentNode['definitions'][number][],
  variables: Record<string, unknown>,
): GraphError[] {
  const errors: GraphError[] = [];
  for (const definition of definitions)
    visit(definition, {
      Field(field) {
        if (field.name.value !== 'issue') return;
        const arg = field.arguments?.find((a) => a.name.value === 'number')?.value;
        const number =
          arg?.kind === Kind.VARIABLE
            ? Number(variables[arg.name.value])
            : arg?.kind === Kind.INT
              ? Number(arg.value)
              : Number.NaN;
        if (gh.issues.get(number)?.pull)
          errors.push(
            notFound(
              ['repository', field.alias?.value ?? 'issue'],
              `an Issue with the number of ${number}`,
            ),
          );
      },
    });
  return errors;
}

/** The mutations the simulator plays, by their root field, as the operations `answer` knows. */
const MUTATIONS: Record<string, string> = {
  enablePullRequestAutoMerge: 'BatonAutoMerge',
  markPullRequestReadyForReview: 'BatonReadyForReview',
  convertPullRequestToDraft: 'BatonConvertToDraft',
};

/** The first field a mutation asks for: it names what the mutation does, whatever the operation's name. */
function rootFieldOf(operation: OperationDefinitionNode): string | null {
  if (operation.operation !== 'mutation') return null;
  const [first] = operation.selectionSet.selections;
  return first?.kind === Kind.FIELD ? first.name.value : null;
}

function fragmentsOf(doc: DocumentNode) {
  return doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
}

function withHeaders(response: ApiResponse, headers: Record<string, string>): ApiResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

/** An error GitHub puts beside the data for what the token cannot see, as for what does not exist. */
interface GraphError {
  type: 'NOT_FOUND';
  path: (string | number)[];
  message: string;
}

function notFound(path: (string | number)[], what: string): GraphError {
  return { type: 'NOT_FOUND', path, message: `Could not resolve to ${what}.` };
}

/** Whether the request's token sees a repository; an error is noted beside the data when not. */
type Seen = (repo: GitHubState, path: (string | number)[], what: string) => boolean;

/**
 * The whole answer (every node of every connection) to one of Baton's
 * operations. What the token cannot see (a private repository it was not
 * minted for) is null, with a NOT_FOUND error beside the data, as GitHub
 * answers for a repository or node id that does not exist.
 */
function answer(
  gh: GitHubState,
  name: string,
  variables: Record<string, unknown>,
  seen: Seen,
): Record<string, unknown> | null {
  const repository = `a Repository with the name '${gh.fullName}'`;
  if (name !== 'BatonMembers' && name !== 'BatonRecordCommits' && name !== 'BatonSet') {
    if (!seen(gh, ['repository'], repository)) return { repository: null };
  }
  const members = () =>
    (variables.ids as string[]).map((id, index) => {
      const one = [gh, ...gh.installationPeers].find((repo) => repo.nodeId === id);
      return one && !seen(one, ['nodes', index], `a node with the global id of '${id}'`)
        ? null
        : memberNode(gh, id, variables);
    });
  switch (name) {
    case 'BatonBuild':
      return { repository: buildRepository(gh, variables) };
    case 'BatonMembers':
      return { nodes: members() };
    case 'BatonSet':
      return {
        repository: seen(gh, ['repository'], repository) ? buildRepository(gh, variables) : null,
        nodes: members(),
      };
    case 'BatonBuildPulls':
      return { repository: { pullRequests: pullsNode(gh, String(variables.integration)) } };
    case 'BatonPullChecks': {
      const pull = gh.pulls.get(Number(variables.number));
      return { repository: { pullRequest: pull ? pullNode(gh, pull) : null } };
    }
    case 'BatonIssueStates': {
      const issue = gh.issues.get(Number(variables.issue));
      const typename = issue?.pull ? 'PullRequest' : 'Issue';
      return {
        repository: {
          issue: issue ? { __typename: typename, timelineItems: stateEventsNode(issue) } : null,
        },
      };
    }
    case 'BatonBuildRefs':
    case 'BatonSessionRecords':
      return { repository: { refs: refsNode(gh, String(variables.prefix)) } };
    case 'BatonRecordCommits':
      return {
        nodes: (variables.ids as string[]).map((id, index) => {
          const named = refOfNodeId(id);
          const owner = [gh, ...gh.installationPeers].find(
            (one) => one.fullName === named?.repository,
          );
          return owner && !seen(owner, ['nodes', index], `a node with the global id of '${id}'`)
            ? null
            : refByNodeId(gh, id);
        }),
      };
    case 'BatonIssueHistory':
      return { repository: { issue: issueHistory(gh, variables) } };
    case 'BatonCommitOrigin':
      return { repository: { object: commitNode(gh, String(variables.oid)) } };
    case 'BatonAutoMerge': {
      const pull = [...gh.pulls.values()].find((p) => `PR_${p.number}` === variables.id);
      if (pull) pull.autoMerge = true;
      return { enablePullRequestAutoMerge: { clientMutationId: null } };
    }
    case 'BatonReadyForReview': {
      const pull = [...gh.pulls.values()].find((p) => `PR_${p.number}` === variables.id);
      if (!pull) return null;
      if (pull.draft) {
        pull.draft = false;
        gh.events.pull('ready_for_review', pull, gh.botLogin);
      }
      return { markPullRequestReadyForReview: { pullRequest: { isDraft: false } } };
    }
    case 'BatonConvertToDraft': {
      const pull = [...gh.pulls.values()].find((p) => `PR_${p.number}` === variables.id);
      if (!pull) return null;
      if (!pull.draft) {
        pull.draft = true;
        gh.events.pull('converted_to_draft', pull, gh.botLogin);
      }
      return { convertPullRequestToDraft: { pullRequest: { isDraft: true } } };
    }
    default:
      return null;
  }
}

/**
 * A ref by its node id, with its commit (record reads). A hidden ref resolves
 * only where GraphQL is played as listing hidden refs: no documentation says
 * GitHub resolves either.
 */
function refByNodeId(gh: GitHubState, id: string) {
  const named = refOfNodeId(id);
  // Node ids are global: a ref of another repository of the installation resolves too.
  const owner = [gh, ...gh.installationPeers].find((one) => one.fullName === named?.repository);
  const ref = named?.ref;
  const oid = ref ? owner?.git.refs.get(ref) : undefined;
  if (!owner || !ref || !oid) return null;
  const hidden = !ref.startsWith('refs/heads/') && !ref.startsWith('refs/tags/');
  if (hidden && !owner.graphqlListsHiddenRefs) return null;
  const object = owner.git.objects.get(oid);
  return {
    __typename: 'Ref',
    target:
      object?.type === 'commit'
        ? {
            __typename: 'Commit',
            oid,
            message: object.message,
            committedDate: object.committedAt ?? null,
          }
        : null,
  };
}

/** A plan session's check of who changed the issue's text after it was asked for. */
function issueHistory(gh: GitHubState, variables: Record<string, unknown>) {
  const issue = gh.issues.get(Number(variables.issue));
  if (!issue) return null;
  const labelled = (issue.labelEvents ?? []).map((event) => ({
    __typename: 'LabeledEvent',
    createdAt: event.at ?? issue.createdAt,
    actor: actorNode(event.actor),
    label: { name: event.label },
  }));
  const renamed = (issue.renames ?? []).map((rename) => ({
    __typename: 'RenamedTitleEvent',
    createdAt: rename.at,
    actor: actorNode(rename.actor),
  }));
  return {
    __typename: issue.pull ? 'PullRequest' : 'Issue',
    lastEditedAt: issue.lastEdit?.at ?? null,
    editor: issue.lastEdit ? actorNode(issue.lastEdit.editor) : null,
    timelineItems: {
      nodes: [...labelled, ...renamed].sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    },
  };
}
