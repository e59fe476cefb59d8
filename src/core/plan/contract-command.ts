/**
 * The contract's own command, vetted (docs/verification.md, "The contract's
 * command"). The contract session reads the text, which anyone may
 * steer, and a command that cannot fail (`true`, `… || true`, `… ; exit 0`)
 * or runs no test runner on the contract's files would pass every milestone
 * whatever the code does. The command is parsed as a shell reads its lists
 * (`;`, `&&`, `||`, `|`, `&`, quotes kept whole), never matched as words.
 */

import { commandWorldProblem } from './command-world.js';

/** A command's words between the shell's list and pipe operators, with the operator after each part. */
export interface Part {
  words: string[];
  /** The operator that ends the part: `;`, `&&`, `||`, `|`, `&`, or null at the end. */
  operator: string | null;
  /** Where the part's text ends in the command (where its operator starts), so words can be added to it. */
  end: number;
}

/** Programs (and `program subcommand`) that run tests. */
const RUNNERS = new Set([
  'vitest',
  'jest',
  'mocha',
  'ava',
  'tap',
  'jasmine',
  'karma',
  'playwright test',
  'cypress run',
  'pytest',
  'py.test',
  'tox',
  'nox',
  'rspec',
  'phpunit',
  'pest',
  'go test',
  'cargo test',
  'cargo nextest',
  'dotnet test',
  'mvn test',
  'mvn verify',
  'gradle test',
  'gradlew test',
  'mvnw test',
  'mvnw verify',
  'swift test',
  'mix test',
  'deno test',
  'bun test',
  'node --test',
  'ctest',
  'bats',
  'make test',
  'make check',
]);

/** Runners that run a package's script (`npm test`, `pnpm test`, `yarn run test` …): the script runs the tests. */
const SCRIPT_RUNNERS = new Set(['npm', 'pnpm', 'yarn', 'bun']);
/** A package manager's subcommands that run no script. */
const INSTALLS = new Set([
  'install',
  'i',
  'ci',
  'add',
  'remove',
  'update',
  'up',
  'audit',
  'why',
  'init',
  'link',
  'pack',
  'publish',
]);
/** Wrappers that run the program after them: `npx vitest`, `uv run pytest`, `python -m pytest`. */
const WRAPPERS: Record<string, number> = {
  npx: 1,
  'pnpm exec': 2,
  'pnpm dlx': 2,
  'yarn exec': 2,
  bunx: 1,
  'uv run': 2,
  'poetry run': 2,
  'pipenv run': 2,
  'hatch run': 2,
  'bundle exec': 2,
  'python -m': 2,
  'python3 -m': 2,
  env: 1,
};

/** What to write instead, said with every refusal. */
const INSTEAD =
  "write the command that runs the contract's checks with the repository's test runner and fails when one fails, naming their files or folder (`npx vitest run test/contract`, `pytest tests/contract`, `npm test -- test/contract`)";

/**
 * Why a contract's command proves nothing, or null when it may stand: every
 * part's status must count (no `||`, no `;` before the last part, no
 * background `&`, no `exit 0`), the last part of each pipeline must be a test
 * runner (`| tee` would decide the status instead), and a runner that names
 * paths must name every contract file or a folder that holds it.
 */
export function contractCommandProblem(command: string, files: readonly string[]): string | null {
  const parts = splitCommand(command);
  if (parts === null)
    return `the command ${JSON.stringify(command)} does not parse (an unclosed quote): ${INSTEAD}`;
  const refuse = (why: string) =>
    `the contract's command ${JSON.stringify(command)} ${why}: ${INSTEAD}`;
  for (const part of parts) {
    const [program, first] = part.words.map(programName);
    if (program === 'exit' && (first === undefined || first === '0'))
      return refuse('exits 0 whatever the checks do');
    if (part.operator === '||' && !fails(parts[parts.indexOf(part) + 1]?.words ?? []))
      return refuse('lets what follows `||` decide when a check fails');
    if (part.operator === '&')
      return refuse('runs a part in the background, whose status nothing reads');
  }
  const runners = parts.filter((part) => runnerOf(part.words) !== null);
  if (runners.length === 0) return refuse('runs no test runner');
  const world = commandWorldProblem(parts, (part) => runners.includes(part));
  if (world !== null) return refuse(world);
  // After `;` only the last list's status is the command's; a pipeline's status is its last program's.
  const lastList = parts.findLastIndex((part) => part.operator === ';');
  for (const part of runners) {
    if (parts.indexOf(part) <= lastList)
      return refuse('runs tests before a `;`, and the status of what follows hides their failure');
    if (part.operator === '|')
      return refuse("pipes the test runner into another program, whose status is the command's");
  }
  const named = runners.flatMap((part) => pathArguments(part.words));
  if (named.length === 0) return null;
  const left = files.filter((file) => !named.some((path) => covers(path, file)));
  return left.length === 0
    ? null
    : refuse(`runs no test on ${left.join(', ')}, which the contract lists`);
}

/** The command's parts, quotes kept whole; null when a quote is not closed. */
export function splitCommand(command: string): Part[] | null {
  const parts: Part[] = [];
  let words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  const endWord = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  const endPart = (operator: string | null, end: number) => {
    endWord();
    if (words.length > 0 || operator !== null) parts.push({ words, operator, end });
    words = [];
  };
  for (let i = 0; i < command.length; i++) {
    const char = command[i] ?? '';
    if (quote) {
      if (char === quote) quote = null;
      else if (char === '\\' && quote === '"') word = `${word ?? ''}${command[++i] ?? ''}`;
      else word = `${word ?? ''}${char}`;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
      continue;
    }
    if (char === '\\') {
      word = `${word ?? ''}${command[++i] ?? ''}`;
      continue;
    }
    const two = command.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      endPart(two, i);
      i++;
    } else if (char === ';' || char === '\n' || char === '|' || char === '&') {
      // `2>&1` and `&>` are redirections, not a background part.
      if (char === '&' && (command[i - 1] === '>' || command[i + 1] === '>'))
        word = `${word ?? ''}&`;
      else endPart(char === '\n' ? ';' : char, i);
    } else if (/\s/.test(char)) {
      endWord();
    } else {
      word = `${word ?? ''}${char}`;
    }
  }
  if (quote) return null;
  endPart(null, command.length);
  // A trailing `;` ends the list; it does not start an empty part.
  return parts.filter((part) => part.words.length > 0 || part.operator !== ';');
}

/** A part that always fails (`exit 1`, `false`): after `||` it keeps a failure one. */
function fails(words: string[]): boolean {
  const [program, code] = words.map(programName);
  return (
    program === 'false' || (program === 'exit' && code !== undefined && /^[1-9]\d*$/.test(code))
  );
}

/**
 * The test runner a part runs (`vitest`, `go test`, `node --test`, or a package
 * script as `npm test`), or null: through `npx`, `uv run`, `python -m` ….
 */
export function runnerOf(words: string[]): string | null {
  const plain = words.filter((word) => !isAssignment(word)).map(programName);
  let rest = plain;
  for (let unwrapped = true; unwrapped; ) {
    unwrapped = false;
    for (const [wrapper, length] of Object.entries(WRAPPERS)) {
      if (rest.slice(0, length).join(' ') === wrapper) {
        rest = rest.slice(length).filter((word, i) => i > 0 || !word.startsWith('-'));
        unwrapped = true;
      }
    }
  }
  const [program = '', next = ''] = rest;
  if (RUNNERS.has(program)) return program;
  if (RUNNERS.has(`${program} ${next}`)) return `${program} ${next}`;
  if (SCRIPT_RUNNERS.has(program) && next !== '' && !next.startsWith('-') && !INSTALLS.has(next))
    return `${program} ${next}`;
  return null;
}

/** The words of a runner's part that name paths: with a `/`, or a file's extension. */
function pathArguments(words: string[]): string[] {
  return words
    .slice(1)
    .filter((word) => !word.startsWith('-') && !isAssignment(word))
    .filter((word) => word.includes('/') || /\.[A-Za-z]{1,5}$/.test(word))
    .map((word) => word.replace(/^\.\//, '').replace(/\/+$/, ''));
}

/** A path argument that runs `file`: the file, a folder holding it, `./...`, or a glob that matches. */
function covers(path: string, file: string): boolean {
  if (path === '...' || path === '.') return true;
  const folder = path.replace(/\/\.\.\.$/, '');
  if (file === folder || file.startsWith(`${folder}/`)) return true;
  if (!/[*?]/.test(path)) return false;
  const pattern = path
    .split(/(\*\*\/?|\*|\?)/)
    .map((piece) =>
      piece.startsWith('**')
        ? '(?:.*/)?'
        : piece === '*'
          ? '[^/]*'
          : piece === '?'
            ? '[^/]'
            : piece.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${pattern}`).test(file);
}

function programName(word: string): string {
  return word.replace(/^.*\//, '');
}

function isAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}
