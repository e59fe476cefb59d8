/**
 * What a file's code reaches that lets it vote on its own check
 * (docs/verification.md, "Code that reads a test runner"): the `test-aware`
 * class judged by reach, not by words. The code is tokenized (JavaScript and
 * TypeScript, Python; comments dropped, strings kept as values), and a reach
 * is a shape of tokens: an assignment to a built-in or a redefinition of one,
 * a change to Node's assertion modules (assertion-modules.ts), the runner's globals and modules (`__vitest_worker__`, `require.cache`,
 * `sys.modules`, Jest's matchers), the environment read by a name built at
 * run time or whole, the command line (`process.argv`, `sys.argv`), a pytest
 * hook, a runner's variable by name. Go is read line by line (go-reach.ts);
 * other languages against the runners' names (`readsTestRunner`).
 */
import { assertionModuleChanges } from './assertion-modules.js';
import { goReaches } from './go-reach.js';
import { mainGuarded, pythonMainLines } from './main-guard.js';
import { chainText, memberChainEnd } from './member-chain.js';
import { type Reach, readsTestRunner } from './test-aware.js';

export type { Reach } from './test-aware.js';

interface Token {
  kind: 'name' | 'string' | 'punct' | 'number';
  value: string;
  line: number;
}

/** The reaches of a file's text, by its path's language, in line order. */
export function runnerReaches(path: string, text: string): Reach[] {
  if (/\.(?:[cm]?[jt]sx?)$/i.test(path)) {
    const tokens = jsTokens(text);
    return [...jsReaches(tokens), ...assertionModuleChanges(tokens)].sort(
      (a, b) => a.line - b.line,
    );
  }
  if (/\.pyi?$/i.test(path)) return pythonReaches(pythonTokens(text), pythonMainLines(text));
  if (/\.go$/i.test(path)) return goReaches(text);
  return text.split('\n').flatMap((line, at) => {
    const runner = readsTestRunner(line);
    return runner ? [{ line: at + 1, what: `reads ${runner}'s environment` }] : [];
  });
}

/** The built-ins the assertion libraries read, and the global object's names. */
const INTRINSICS = new Set([
  'Object',
  'Array',
  'Function',
  'JSON',
  'Reflect',
  'Proxy',
  'Symbol',
  'String',
  'Number',
  'Boolean',
  'Math',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Promise',
  'RegExp',
  'Date',
  'Error',
  'globalThis',
  'global',
]);

const GLOBAL_OBJECTS = new Set(['globalThis', 'global']);

/** The runner's own objects and protocols a program's code has no business with. */
const RUNNER_NAMES = /^(?:__vitest\w*|__jest\w*|asymmetricMatch|\$\$typeof|__VITEST\w*)$/;

/** Strings that name a runner's internals. */
const RUNNER_STRINGS = /^(?:\$\$jest-matchers-object|__vitest\w*|vitest|jest|_?pytest|node:test)$/i;

const REDEFINERS = new Set([
  'defineProperty',
  'defineProperties',
  'setPrototypeOf',
  'assign',
  '__defineGetter__',
  '__defineSetter__',
]);

/** What stands before a value that is taken whole into a name (`x = process`, `f(process)`). */
const ALIASING = new Set(['=', '(', ',', '??', '||', '&&', '?', ':', 'return', '...']);

const ASSIGNMENT = new Set(['=', '+=', '-=', '*=', '/=', '||=', '&&=', '??=', '|=', '&=']);

function jsReaches(tokens: Token[]): Reach[] {
  const reaches: Reach[] = [];
  const add = (token: Token, what: string) => reaches.push({ line: token.line, what });
  const main = mainGuarded(tokens);
  const at = (i: number) => tokens[i];
  const isDot = (i: number) => at(i)?.value === '.' || at(i)?.value === '?.';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const prev = at(i - 1);
    const afterDot = prev !== undefined && isDot(i - 1);
    if (token.kind === 'string') {
      if (RUNNER_STRINGS.test(token.value) || isEnvName(token.value))
        add(token, `names the runner (${JSON.stringify(token.value.slice(0, 40))})`);
      continue;
    }
    if (token.kind !== 'name') continue;
    if (RUNNER_NAMES.test(token.value)) add(token, `reaches the runner's ${token.value}`);
    else if (isEnvName(token.value)) add(token, `reads the runner's variable ${token.value}`);
    if (token.value === '__proto__') add(token, 'reaches a prototype through __proto__');
    // Jest sets NODE_ENV to `test`: code that compares it with that takes another path under the runner.
    if (token.value === 'NODE_ENV' && tokens.slice(Math.max(0, i - 6), i + 4).some(isTestString))
      add(token, "compares NODE_ENV with 'test'");
    // import.meta.vitest
    if (token.value === 'vitest' && afterDot && at(i - 2)?.value === 'meta')
      add(token, 'reads import.meta.vitest');
    if (afterDot) continue;
    const next = at(i + 1);
    const member = isDot(i + 1) ? at(i + 2)?.value : undefined;
    if (token.value === 'process') {
      if (member === 'env') {
        const after = at(i + 3);
        if (after?.value === '[') {
          const key = at(i + 4);
          if (key?.kind !== 'string' || at(i + 5)?.value !== ']')
            add(token, 'reads the environment by a name built at run time');
        } else if (after?.value !== '.' && after?.value !== '?.') {
          add(token, 'reads the whole environment');
        }
      } else if (member === 'argv' || member === 'execArgv' || member === 'argv0') {
        if (!(member === 'argv' && main.has(i)))
          add(token, `reads the command line (process.${member})`);
      } else if (next?.value === '[') {
        add(token, 'reads process by a name built at run time');
      } else if (ALIASING.has(prev?.value ?? '') && !isDot(i + 1)) {
        add(token, 'takes process whole, past what Baton can follow');
      }
    }
    if (token.value === 'require' && (member === 'cache' || (member === 'main' && !main.has(i))))
      add(token, `reaches the module loader (require.${member})`);
    if (member === '_load' || member === '_resolveFilename' || member === '_cache')
      add(token, `reaches the module loader (${token.value}.${member})`);
    if (GLOBAL_OBJECTS.has(token.value) && member === 'process')
      add(token, `reaches process through ${token.value}`);
    if (GLOBAL_OBJECTS.has(token.value) && next?.value === '[')
      add(token, `reads ${token.value} by a name built at run time`);
    if (INTRINSICS.has(token.value) && (isDot(i + 1) || next?.value === '[')) {
      const end = memberChainEnd(tokens, i);
      if (ASSIGNMENT.has(at(end)?.value ?? ''))
        add(token, `assigns to a built-in (${chainText(tokens, i, end)})`);
      const method = at(i + 2)?.value ?? '';
      if (
        (token.value === 'Object' || token.value === 'Reflect') &&
        REDEFINERS.has(method) &&
        at(i + 3)?.value === '(' &&
        INTRINSICS.has(at(i + 4)?.value ?? '')
      )
        add(token, `redefines a built-in (${token.value}.${method}(${at(i + 4)?.value}…))`);
    }
  }
  return reaches;
}

function isTestString(token: Token): boolean {
  return token.kind === 'string' && token.value === 'test';
}

/** A runner's environment variable by its whole name (`VITEST`, `JEST_WORKER_ID` …). */
function isEnvName(name: string): boolean {
  return /^(?:NODE_TEST_CONTEXT|VITEST(?:_\w+)?|JEST_WORKER_ID|PYTEST_\w+)$/.test(name);
}

function pythonReaches(tokens: Token[], main: ReadonlySet<number>): Reach[] {
  const reaches: Reach[] = [];
  const add = (token: Token, what: string) => reaches.push({ line: token.line, what });
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const member = next?.value === '.' ? tokens[i + 2]?.value : undefined;
    if (token.kind === 'string') {
      if (/^_?pytest$/.test(token.value) || isEnvName(token.value))
        add(token, `names the runner (${JSON.stringify(token.value.slice(0, 40))})`);
      continue;
    }
    if (token.kind !== 'name' || prev?.value === '.') continue;
    if (token.value === 'def' && /^pytest_\w+$/.test(next?.value ?? ''))
      add(token, `defines a pytest hook (${next?.value})`);
    if (
      (token.value === 'import' || token.value === 'from') &&
      /^_?pytest$/.test(next?.value ?? '')
    )
      add(token, `imports ${next?.value}`);
    if (token.value === '__builtins__') add(token, 'reaches the builtins (__builtins__)');
    if (token.value === 'builtins' && (prev?.value === 'import' || member !== undefined))
      add(token, 'reaches the builtins module');
    if (
      token.value === 'sys' &&
      ['modules', 'argv', '_getframe', 'meta_path'].includes(member ?? '') &&
      !(member === 'argv' && main.has(token.line))
    )
      add(token, `reaches sys.${member}`);
    if (token.value === 'gc' && member?.startsWith('get_')) add(token, `reaches gc.${member}`);
    if (
      token.value === 'inspect' &&
      ['stack', 'currentframe', 'getouterframes'].includes(member ?? '')
    )
      add(token, `reaches the caller's frames (inspect.${member})`);
    const literal = (k: number) =>
      tokens[k]?.kind === 'string' && [']', ')', ','].includes(tokens[k + 1]?.value ?? '');
    if (token.value === 'os' && member === 'environ') {
      const after = tokens[i + 3]?.value;
      const get = after === '.' && tokens[i + 4]?.value === 'get' && tokens[i + 5]?.value === '(';
      if ((after === '[' && !literal(i + 4)) || (get && !literal(i + 6)))
        add(token, 'reads the environment by a name built at run time');
      else if (after !== '[' && !get) add(token, 'reads the whole environment');
    }
    if (token.value === 'environ' && (prev?.value === 'import' || prev?.value === ','))
      add(token, 'takes the environment whole (from os import environ)');
    if (token.value === 'os' && member === 'getenv' && !literal(i + 4))
      add(token, 'reads the environment by a name built at run time');
  }
  return reaches;
}

const JS_PUNCT = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '**',
  '<<',
  '>>',
];

/** Where `/` starts a regular expression: after these tokens' kinds or values (not after a value). */
function regexAllowed(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.kind === 'number' || prev.kind === 'string') return false;
  if (prev.kind === 'name')
    return [
      'return',
      'typeof',
      'case',
      'do',
      'else',
      'in',
      'of',
      'new',
      'delete',
      'void',
      'throw',
      'yield',
      'await',
    ].includes(prev.value);
  return ![')', ']', '}'].includes(prev.value);
}

/**
 * JavaScript's and TypeScript's tokens, comments dropped: a string's value
 * unescaped only as far as a name needs; a template's literal parts are strings
 * and its `${…}` parts tokens; a regular expression's body is dropped.
 */
function jsTokens(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  /** Open braces of each `${` the scan is in. */
  const templates: number[] = [];
  const push = (kind: Token['kind'], value: string, at: number) =>
    tokens.push({ kind, value, line: at });
  const readTemplate = () => {
    // i is past the opening backtick or the `}` closing an expression.
    let value = '';
    const start = line;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '\\') {
        value += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === '`') {
        i++;
        push('string', value, start);
        return;
      }
      if (c === '$' && text[i + 1] === '{') {
        i += 2;
        push('string', value, start);
        templates.push(0);
        return;
      }
      if (c === '\n') line++;
      value += c;
      i++;
    }
    push('string', value, start);
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      line += (text.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
    } else if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\') {
          value += text[i + 1] ?? '';
          i += 2;
        } else value += text[i++];
      }
      i++;
      push('string', value, line);
    } else if (c === '`') {
      i++;
      readTemplate();
    } else if (c === '}' && templates.length > 0 && templates.at(-1) === 0) {
      templates.pop();
      i++;
      readTemplate();
    } else if (/[A-Za-z_$\u0080-\uffff]/.test(c)) {
      const match = /^[\w$\u0080-\uffff]+/.exec(text.slice(i, i + 200)) as RegExpExecArray;
      push('name', match[0], line);
      i += match[0].length;
    } else if (/[0-9]/.test(c)) {
      const match = /^[\w.]+/.exec(text.slice(i, i + 100)) as RegExpExecArray;
      push('number', match[0], line);
      i += match[0].length;
    } else if (c === '/' && regexAllowed(tokens.at(-1))) {
      let inClass = false;
      i++;
      while (i < text.length && text[i] !== '\n') {
        const r = text[i];
        if (r === '\\') i++;
        else if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        i++;
      }
      i++;
      while (/[a-z]/i.test(text[i] ?? '')) i++;
      push('string', '', line);
    } else {
      const punct = JS_PUNCT.find((one) => text.startsWith(one, i)) ?? c;
      if (templates.length > 0) {
        if (punct === '{') templates[templates.length - 1] = (templates.at(-1) ?? 0) + 1;
        if (punct === '}') templates[templates.length - 1] = (templates.at(-1) ?? 0) - 1;
      }
      push('punct', punct, line);
      i += punct.length;
    }
  }
  return tokens;
}

/** Python's tokens, comments dropped; strings (any prefix, triple-quoted too) as their raw bodies. */
function pythonTokens(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const prefixed = /^(?:[rRbBuUfF]{1,2})?(?:'''|"""|'|")/.exec(text.slice(i, i + 5));
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c) || c === '\\') i++;
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (prefixed && (prefixed[0].length > 1 || /['"]/.test(c))) {
      const quote = prefixed[0].replace(/^[rRbBuUfF]+/, '');
      const start = line;
      i += prefixed[0].length;
      let value = '';
      while (i < text.length && !text.startsWith(quote, i)) {
        if (text[i] === '\\') {
          value += text[i + 1] ?? '';
          if (text[i + 1] === '\n') line++;
          i += 2;
          continue;
        }
        if (text[i] === '\n') {
          if (quote.length === 1) break;
          line++;
        }
        value += text[i++];
      }
      i += quote.length;
      tokens.push({ kind: 'string', value, line: start });
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const match = /^[\w\u0080-\uffff]+/.exec(text.slice(i, i + 200)) as RegExpExecArray;
      tokens.push({ kind: 'name', value: match[0], line });
      i += match[0].length;
    } else if (/[0-9]/.test(c)) {
      const match = /^[\w.]+/.exec(text.slice(i, i + 100)) as RegExpExecArray;
      tokens.push({ kind: 'number', value: match[0], line });
      i += match[0].length;
    } else {
      const punct = ['**=', '//=', '==', '!=', '<=', '>=', ':=', '->', '+=', '-='].find((one) =>
        text.startsWith(one, i),
      );
      tokens.push({ kind: 'punct', value: punct ?? c, line });
      i += (punct ?? c).length;
    }
  }
  return tokens;
}
