import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { githubSchema } from './graphql-cost.js';

/**
 * The answer as a client receives it: exactly the fields the operation
 * selected, under their response names (alias or name), following fragment
 * spreads and inline fragments, `@include`/`@skip`, lists element by element;
 * null stays null. The simulator builds its answers with more than any one
 * query asks, and GitHub answers a field not selected with nothing: a client
 * reading one must see it missing here too.
 *
 * Connections are cut to the page the query asked for (`first`/`after`,
 * `last`/`before`), with `totalCount`, `pageInfo` and `edges` as GitHub gives
 * them; the cursor is opaque to the client, as GitHub's is.
 *
 * A fragment on a type applies when the object's `__typename` (which the
 * simulator gives for what can be of several types) is that type or one of its
 * members; when the simulator does not say, any type condition's fields are
 * kept rather than guessed away. A field the simulator does not know is
 * absent.
 */
export function applyWindows(
  doc: DocumentNode,
  operation: OperationDefinitionNode,
  data: Record<string, unknown>,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const schema = githubSchema();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of doc.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const root =
    operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  const context = { fragments, variables, schema };
  return shape(operation.selectionSet, root ?? null, data, context) as Record<string, unknown>;
}

interface Context {
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  schema: ReturnType<typeof githubSchema>;
}

/**
 * The fields of a selection that apply to a value of this runtime type, by
 * response key, as GraphQL's CollectFields gathers them (one key may be
 * selected twice, its sub-selections merged).
 */
function collect(
  selectionSet: SelectionSetNode,
  typename: string | undefined,
  context: Context,
  into = new Map<string, FieldNode[]>(),
): Map<string, FieldNode[]> {
  for (const selection of selectionSet.selections) {
    if (!included(selection, context.variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      into.set(key, [...(into.get(key) ?? []), selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition?.name.value;
      if (!on || !typename || applies(on, typename, context))
        collect(selection.selectionSet, typename, context, into);
    } else {
      const fragment = context.fragments.get(selection.name.value);
      if (fragment && (!typename || applies(fragment.typeCondition.name.value, typename, context)))
        collect(fragment.selectionSet, typename, context, into);
    }
  }
  return into;
}

/** `@skip(if:)` and `@include(if:)`, the two directives every GraphQL server runs. */
function included(selection: SelectionNode, variables: Record<string, unknown>): boolean {
  for (const directive of selection.directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    const value =
      arg?.value.kind === Kind.VARIABLE
        ? variables[arg.value.name.value] === true
        : arg?.value.kind === Kind.BOOLEAN && arg.value.value;
    if (name === 'skip' && value) return false;
    if (name === 'include' && !value) return false;
  }
  return true;
}

/** The sub-selections of a response key selected more than once, as one. */
function merged(fields: FieldNode[]): SelectionSetNode | null {
  const sets = fields.flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
  if (sets.length === 0) return null;
  if (sets.length === 1) return sets[0] as SelectionSetNode;
  return { kind: Kind.SELECTION_SET, selections: sets.flatMap((set) => set.selections) };
}

function applies(condition: string, typename: string, context: Context): boolean {
  if (condition === typename) return true;
  const type = context.schema.getType(condition);
  const runtime = context.schema.getType(typename);
  if (!type || !runtime || !isObjectType(runtime)) return false;
  return context.schema.isSubType(type as never, runtime);
}

function fieldOf(type: GraphQLNamedType | null, name: string) {
  return type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[name] : undefined;
}

function shape(
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType | null,
  value: unknown,
  context: Context,
): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => shape(selectionSet, type, item, context));
  if (typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  // An object type is its own runtime type; an interface or union needs the simulator's word.
  const typename =
    typeof record.__typename === 'string'
      ? record.__typename
      : type && isObjectType(type)
        ? type.name
        : undefined;
  const runtime = (typename && context.schema.getType(typename)) || type;
  const out: Record<string, unknown> = {};
  for (const [key, fields] of collect(selectionSet, typename, context)) {
    const name = (fields[0] as FieldNode).name.value;
    if (name === '__typename') {
      if (typename) out[key] = typename;
      continue;
    }
    // The simulator answers a field by its name, or by the response key where one
    // query asks the same field twice with different arguments.
    const from = key in record ? key : name in record ? name : null;
    if (from === null) continue;
    const selection = merged(fields);
    if (!selection) {
      out[key] = record[from];
      continue;
    }
    const definition = fieldOf(runtime, name);
    const fieldType = definition ? getNamedType(definition.type) : null;
    const paged = definition?.args.some((arg) => arg.name === 'first' || arg.name === 'last');
    if (paged && fieldType?.name.endsWith('Connection') && record[from]) {
      out[key] = page(
        fields[0] as FieldNode,
        selection,
        fieldType,
        record[from] as Connection,
        context,
      );
    } else {
      out[key] = shape(selection, fieldType, record[from], context);
    }
  }
  return out;
}

interface Connection {
  nodes?: unknown[];
  [other: string]: unknown;
}

function page(
  field: FieldNode,
  selection: SelectionSetNode,
  type: GraphQLNamedType,
  connection: Connection,
  context: Context,
): Record<string, unknown> {
  const all = connection.nodes ?? [];
  const first = numberArg(field, 'first', context.variables);
  const last = numberArg(field, 'last', context.variables);
  const after = stringArg(field, 'after', context.variables);
  const before = stringArg(field, 'before', context.variables);
  let start = after !== null ? indexOf(after) + 1 : 0;
  let end = before !== null ? indexOf(before) : all.length;
  start = Math.max(0, Math.min(start, all.length));
  end = Math.max(start, Math.min(end, all.length));
  if (first !== null) end = Math.min(end, start + first);
  if (last !== null) start = Math.max(start, end - last);
  const window = all.slice(start, end);
  const whole: Record<string, unknown> = {
    ...connection,
    __typename: type.name,
    nodes: window,
    edges: window.map((node, i) => ({ cursor: cursorOf(start + i), node })),
    totalCount: 'totalCount' in connection ? connection.totalCount : all.length,
    pageInfo: {
      hasNextPage: end < all.length,
      hasPreviousPage: start > 0,
      startCursor: end > start ? cursorOf(start) : null,
      endCursor: end > start ? cursorOf(end - 1) : null,
    },
  };
  return shape(selection, type, whole, context) as Record<string, unknown>;
}

function cursorOf(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString('base64');
}

function indexOf(cursor: string): number {
  const found = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!found) throw new Error(`\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(found[1]);
}

function numberArg(field: FieldNode, name: string, variables: Record<string, unknown>) {
  const value = argValue(field, name, variables);
  return typeof value === 'number' ? value : null;
}

function stringArg(field: FieldNode, name: string, variables: Record<string, unknown>) {
  const value = argValue(field, name, variables);
  return typeof value === 'string' ? value : null;
}

function argValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return null;
  if (arg.value.kind === Kind.VARIABLE) return variables[arg.value.name.value] ?? null;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  if (arg.value.kind === Kind.STRING) return arg.value.value;
  return null;
}
