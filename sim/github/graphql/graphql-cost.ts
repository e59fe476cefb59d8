import { schema as published } from '@octokit/graphql-schema';
import {
  buildSchema,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type SelectionSetNode,
} from 'graphql';

/**
 * GitHub's GraphQL limits, computed from GitHub's published schema
 * (`@octokit/graphql-schema`) by the method GitHub documents in "Rate limits
 * and query limits for the GraphQL API":
 *
 * - nodes: every connection's `first`/`last` times the `first`/`last` of every
 *   connection above it, summed; a call may request at most 500,000;
 * - points: the requests needed to fill every connection (each connection
 *   counts once per possible parent), divided by 100 and rounded, at least 1;
 * - every connection needs `first` or `last`, from 1 to 100.
 *
 * The tests hold every document Baton sends to this, and the simulator
 * refuses and charges by it.
 */
export const NODE_LIMIT = 500_000;
export const PAGE_LIMIT = 100;

export interface ConnectionUse {
  /** Where in the document, by response key: `repository.pullRequests.reviews`. */
  path: string;
  /** The schema field's name, as GitHub's messages name the connection. */
  field: string;
  argument: 'first' | 'last' | null;
  /** The page asked for; null when neither `first` nor `last` is given. */
  value: number | null;
  /** How many of it can occur: the product of the pages above it. */
  parents: number;
}

export interface OperationCost {
  name: string;
  operation: 'query' | 'mutation' | 'subscription';
  nodes: number;
  requests: number;
  points: number;
  connections: ConnectionUse[];
}

let cachedSchema: GraphQLSchema | null = null;

/** GitHub's schema, as `@octokit/graphql-schema` publishes it (built once). */
export function githubSchema(): GraphQLSchema {
  if (cachedSchema) return cachedSchema;
  cachedSchema = buildSchema(published.idl, { assumeValidSDL: true });
  return cachedSchema;
}

/**
 * The cost of every operation in a document. A `first`/`last` given by a
 * variable takes the variable's value; a variable not given counts as 100
 * (the most it could be), so a document alone is measured at its worst.
 */
export function graphqlCost(
  document: string | DocumentNode,
  variables: Record<string, unknown> = {},
): OperationCost[] {
  const doc = typeof document === 'string' ? parse(document) : document;
  const schema = githubSchema();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of doc.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const costs: OperationCost[] = [];
  for (const definition of doc.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const connections: ConnectionUse[] = [];
    const root =
      definition.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
    if (root) {
      walk(definition.selectionSet, root, 1, '', {
        schema,
        fragments,
        variables,
        connections,
        seen: new Set(),
      });
    }
    const nodes = connections.reduce((sum, c) => sum + c.parents * (c.value ?? PAGE_LIMIT), 0);
    const requests = connections.reduce((sum, c) => sum + c.parents, 0);
    costs.push({
      name: definition.name?.value ?? '(anonymous)',
      operation: definition.operation,
      nodes,
      requests,
      points: Math.max(1, Math.round(requests / 100)),
      connections,
    });
  }
  return costs;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  connections: ConnectionUse[];
  /** Fragment spreads on the current path (a cycle is invalid GraphQL; never loop). */
  seen: Set<string>;
}

function walk(
  selectionSet: SelectionSetNode,
  parentType: GraphQLNamedType,
  parents: number,
  path: string,
  state: Walk,
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = state.fragments.get(name);
      if (!fragment || state.seen.has(name)) continue;
      const type = state.schema.getType(fragment.typeCondition.name.value);
      if (!type) continue;
      state.seen.add(name);
      walk(fragment.selectionSet, type, parents, path, state);
      state.seen.delete(name);
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition
        ? state.schema.getType(selection.typeCondition.name.value)
        : parentType;
      if (type) walk(selection.selectionSet, type, parents, path, state);
      continue;
    }
    field(selection, parentType, parents, path, state);
  }
}

function field(
  selection: FieldNode,
  parentType: GraphQLNamedType,
  parents: number,
  path: string,
  state: Walk,
): void {
  const name = selection.name.value;
  if (!isObjectType(parentType) && !isInterfaceType(parentType)) return;
  const definition = parentType.getFields()[name];
  if (!definition) return;
  const type = getNamedType(definition.type);
  const here = `${path ? `${path}.` : ''}${selection.alias?.value ?? name}`;
  let below = parents;
  const paged = definition.args.some((arg) => arg.name === 'first' || arg.name === 'last');
  if (paged && type.name.endsWith('Connection')) {
    const first = argument(selection, 'first', state.variables);
    const last = argument(selection, 'last', state.variables);
    const argumentName = first !== null ? 'first' : last !== null ? 'last' : null;
    const value = first ?? last;
    state.connections.push({ path: here, field: name, argument: argumentName, value, parents });
    below = parents * (value ?? PAGE_LIMIT);
  }
  if (selection.selectionSet) walk(selection.selectionSet, type, below, here, state);
}

function argument(
  selection: FieldNode,
  name: 'first' | 'last',
  variables: Record<string, unknown>,
): number | null {
  const arg = selection.arguments?.find((a) => a.name.value === name);
  if (!arg) return null;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  if (arg.value.kind === Kind.VARIABLE) {
    const given = variables[arg.value.name.value];
    if (given === undefined) return PAGE_LIMIT;
    return typeof given === 'number' ? given : null;
  }
  return null;
}

/** What GitHub refuses in a document before running it, in GitHub's words; empty when it runs. */
export function graphqlRefusals(
  document: string | DocumentNode,
  variables: Record<string, unknown> = {},
): { type: string; message: string; path?: string[] }[] {
  const refusals: { type: string; message: string; path?: string[] }[] = [];
  for (const cost of graphqlCost(document, variables)) {
    for (const c of cost.connections) {
      if (c.value === null) {
        refusals.push({
          type: 'MISSING_PAGINATION_BOUNDARIES',
          message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${c.field}\` connection.`,
          path: c.path.split('.'),
        });
      } else if (c.value > PAGE_LIMIT) {
        refusals.push({
          type: 'EXCESSIVE_PAGINATION',
          message: `Requesting ${c.value} records on the \`${c.field}\` connection exceeds the \`${c.argument}\` limit of ${PAGE_LIMIT} records.`,
          path: c.path.split('.'),
        });
      }
    }
    if (refusals.length === 0 && cost.nodes > NODE_LIMIT) {
      refusals.push({
        type: 'MAX_NODE_LIMIT_EXCEEDED',
        message: `This query requests up to ${cost.nodes.toLocaleString('en-US')} possible nodes which exceeds the maximum limit of ${NODE_LIMIT.toLocaleString('en-US')}.`,
      });
    }
  }
  return refusals;
}
