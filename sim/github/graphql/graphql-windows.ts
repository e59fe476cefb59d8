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
  type SelectionSetNode,
} from 'graphql';
import { githubSchema } from './graphql-cost.js';

/**
 * GitHub's connections as a client sees them: the simulator's answers hold
 * every node of every connection, and this cuts each to the page the query
 * asked for (`first`/`after`, `last`/`before`), with `totalCount`,
 * `pageInfo` and `edges` as GitHub gives them. The cursor is opaque to the
 * client, as GitHub's is.
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
  if (!root) return data;
  const context = { fragments, variables, schema };
  return shape(operation.selectionSet, root, data, context) as Record<string, unknown>;
}

interface Context {
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  schema: ReturnType<typeof githubSchema>;
}

/** The fields of a selection that apply to a value of this runtime type. */
function fieldsFor(
  selectionSet: SelectionSetNode,
  typename: string | undefined,
  context: Context,
): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition?.name.value;
      if (!on || !typename || applies(on, typename, context))
        fields.push(...fieldsFor(selection.selectionSet, typename, context));
    } else {
      const fragment = context.fragments.get(selection.name.value);
      if (fragment && (!typename || applies(fragment.typeCondition.name.value, typename, context)))
        fields.push(...fieldsFor(fragment.selectionSet, typename, context));
    }
  }
  return fields;
}

function applies(condition: string, typename: string, context: Context): boolean {
  if (condition === typename) return true;
  const type = context.schema.getType(condition);
  const runtime = context.schema.getType(typename);
  if (!type || !runtime || !isObjectType(runtime)) return false;
  return context.schema.isSubType(type as never, runtime);
}

function shape(
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType,
  value: unknown,
  context: Context,
): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map((item) => shape(selectionSet, type, item, context));
  if (typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const typename = typeof record.__typename === 'string' ? record.__typename : undefined;
  const runtime = (typename && context.schema.getType(typename)) || type;
  const out: Record<string, unknown> = { ...record };
  for (const field of fieldsFor(selectionSet, typename, context)) {
    const key = field.alias?.value ?? field.name.value;
    if (!(key in record)) continue;
    const definition =
      isObjectType(runtime) || isInterfaceType(runtime)
        ? runtime.getFields()[field.name.value]
        : undefined;
    if (!definition || !field.selectionSet) continue;
    const fieldType = getNamedType(definition.type);
    const paged = definition.args.some((arg) => arg.name === 'first' || arg.name === 'last');
    if (paged && fieldType.name.endsWith('Connection') && record[key]) {
      out[key] = page(field, fieldType, record[key] as Connection, context);
    } else {
      out[key] = shape(field.selectionSet, fieldType, record[key], context);
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
  const itemType = nodeType(type);
  const selection = field.selectionSet as SelectionSetNode;
  const out: Record<string, unknown> = { ...connection };
  for (const sub of fieldsFor(selection, undefined, context)) {
    const key = sub.alias?.value ?? sub.name.value;
    if (sub.name.value === 'nodes') {
      out[key] = all
        .slice(start, end)
        .map((node) =>
          sub.selectionSet && itemType ? shape(sub.selectionSet, itemType, node, context) : node,
        );
    } else if (sub.name.value === 'edges') {
      const node = sub.selectionSet ? fieldsFor(sub.selectionSet, undefined, context) : [];
      const nodeSelection = node.find((f) => f.name.value === 'node');
      out[key] = all.slice(start, end).map((item, i) => ({
        cursor: cursorOf(start + i),
        [nodeSelection?.alias?.value ?? 'node']:
          nodeSelection?.selectionSet && itemType
            ? shape(nodeSelection.selectionSet, itemType, item, context)
            : item,
      }));
    } else if (sub.name.value === 'totalCount' && !('totalCount' in connection)) {
      out[key] = all.length;
    } else if (sub.name.value === 'pageInfo') {
      out[key] = {
        hasNextPage: end < all.length,
        hasPreviousPage: start > 0,
        startCursor: end > start ? cursorOf(start) : null,
        endCursor: end > start ? cursorOf(end - 1) : null,
      };
    }
  }
  if (!fieldsFor(selection, undefined, context).some((f) => f.name.value === 'nodes'))
    delete out.nodes;
  return out;
}

function nodeType(connection: GraphQLNamedType): GraphQLNamedType | null {
  if (!isObjectType(connection)) return null;
  const nodes = connection.getFields().nodes;
  return nodes ? getNamedType(nodes.type) : null;
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
