import {
  type ASTNode,
  type DocumentNode,
  FieldsOnCorrectTypeRule,
  type GraphQLError,
  Kind,
  KnownArgumentNamesRule,
  parse,
  specifiedRules,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { githubSchema } from './graphql-cost.js';

/**
 * A document as GitHub's GraphQL endpoint takes it: parsed, then checked
 * against GitHub's published schema (`@octokit/graphql-schema`) before
 * anything runs. A document that does not hold is answered with `errors`
 * alone (HTTP 200, no `data`), as GitHub answers it. Each query text is read
 * once: a whole build sends the same few documents hundreds of times.
 */
export type ReadDocument =
  | { document: DocumentNode; errors: [] }
  | { document: null; errors: QueryError[] };

/**
 * One refusal of a document, in GitHub's words. GitHub's endpoint is
 * graphql-ruby, whose static validation gives each error a `path` from the
 * operation down (`"query Name"`, fields by response key, `"... on Type"`),
 * and an `extensions.code`. GitHub's answer to a field the schema lacks, as a
 * client received it (refined-github/refined-github#6946):
 * `{ path: ["query", "repository", "pullRequest", "viewerCanEditFiles"],
 *    extensions: { code: "undefinedField", typeName: "PullRequest", fieldName: "viewerCanEditFiles" },
 *    locations: [{ line, column }], message: "Field 'viewerCanEditFiles' doesn't exist on type 'PullRequest'" }`;
 * an argument the field lacks is graphql-ruby's `argumentNotAccepted`
 * (lib/graphql/static_validation/rules/arguments_are_defined_error.rb:
 * `{ code, name, typeName: "Field" | "Directive", argumentName }`). Every other
 * rule of the GraphQL specification refuses with graphql-js's message, its
 * locations and its path, and no code: graphql-ruby's wording of those is not
 * documented.
 */
export interface QueryError {
  message: string;
  locations: { line: number; column: number }[];
  path?: string[];
  extensions?: { code: string; [detail: string]: string };
}

const CACHE_LIMIT = 500;
const documents = new Map<string, ReadDocument>();

/** The rules graphql-js checks, less the two GitHub words as graphql-ruby does (checked below). */
const RULES = specifiedRules.filter(
  (rule) => rule !== FieldsOnCorrectTypeRule && rule !== KnownArgumentNamesRule,
);

export function readDocument(query: string): ReadDocument {
  const known = documents.get(query);
  if (known) return known;
  const read = readOnce(query);
  // A client that builds its text per call must not grow the cache without bound.
  if (documents.size >= CACHE_LIMIT) documents.clear();
  documents.set(query, read);
  return read;
}

function readOnce(query: string): ReadDocument {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { document: null, errors: [fromGraphql(error as GraphQLError)] };
  }
  const errors = [
    ...undefinedNames(document),
    ...validate(githubSchema(), document, RULES).map(fromGraphql),
  ];
  if (errors.length === 0) return { document, errors: [] };
  errors.sort((a, b) => order(a) - order(b));
  return { document: null, errors };
}

function order(error: QueryError): number {
  const [at] = error.locations;
  return at ? at.line * 100_000 + at.column : 0;
}

function fromGraphql(error: GraphQLError): QueryError {
  return { message: error.message, locations: [...(error.locations ?? [])] };
}

/** The fields and arguments the schema does not have, as GitHub names them. */
function undefinedNames(document: DocumentNode): QueryError[] {
  const schema = githubSchema();
  const typeInfo = new TypeInfo(schema);
  const errors: QueryError[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node, _key, _parent, _path, ancestors) {
        const parent = typeInfo.getParentType();
        if (!parent || typeInfo.getFieldDef()) return;
        errors.push({
          message: `Field '${node.name.value}' doesn't exist on type '${parent.name}'`,
          locations: [locationOf(node)],
          path: pathOf([...ancestors, node]),
          extensions: { code: 'undefinedField', typeName: parent.name, fieldName: node.name.value },
        });
      },
      Argument(node, _key, _parent, _path, ancestors) {
        const owner = ancestors[ancestors.length - 1] as ASTNode | undefined;
        const argumentName = node.name.value;
        if (owner?.kind === Kind.FIELD) {
          const field = typeInfo.getFieldDef();
          if (!field || field.args.some((arg) => arg.name === argumentName)) return;
          errors.push(notAccepted('Field', field.name, argumentName, node, ancestors));
        } else if (owner?.kind === Kind.DIRECTIVE) {
          const directive = typeInfo.getDirective();
          if (!directive || directive.args.some((arg) => arg.name === argumentName)) return;
          errors.push(notAccepted('Directive', directive.name, argumentName, node, ancestors));
        }
      },
    }),
  );
  return errors;
}

function notAccepted(
  typeName: 'Field' | 'Directive',
  name: string,
  argumentName: string,
  node: ASTNode,
  ancestors: readonly (ASTNode | readonly ASTNode[])[],
): QueryError {
  return {
    message: `${typeName} '${name}' doesn't accept argument '${argumentName}'`,
    locations: [locationOf(node)],
    path: [...pathOf(ancestors), argumentName],
    extensions: { code: 'argumentNotAccepted', name, typeName, argumentName },
  };
}

function locationOf(node: ASTNode): { line: number; column: number } {
  const start = node.loc?.startToken;
  return { line: start?.line ?? 1, column: start?.column ?? 1 };
}

/** graphql-ruby's path of a place in a document: the operation or fragment, then each field and inline fragment. */
function pathOf(ancestors: readonly (ASTNode | readonly ASTNode[])[]): string[] {
  const path: string[] = [];
  for (const one of ancestors) {
    if (Array.isArray(one)) continue;
    const node = one as ASTNode;
    if (node.kind === Kind.OPERATION_DEFINITION)
      path.push(node.name ? `${node.operation} ${node.name.value}` : node.operation);
    else if (node.kind === Kind.FRAGMENT_DEFINITION) path.push(`fragment ${node.name.value}`);
    else if (node.kind === Kind.FIELD) path.push(node.alias?.value ?? node.name.value);
    else if (node.kind === Kind.INLINE_FRAGMENT)
      path.push(node.typeCondition ? `... on ${node.typeCondition.name.value}` : '...');
  }
  return path;
}
