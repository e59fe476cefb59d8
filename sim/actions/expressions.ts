/**
 * GitHub Actions' expression language, as far as Baton's workflows use it
 * ("Evaluate expressions in workflows and actions",
 * https://docs.github.com/actions/reference/workflows-and-actions/expressions):
 * literals, property access, `!`, comparisons, `&&`, `||`, parentheses, and
 * the functions contains, startsWith, endsWith, format, join, toJSON,
 * fromJSON, success and always. So the simulated runner plays a workflow's
 * `if:`, outputs and concurrency group from the installed file itself.
 *
 * GitHub's rules kept here: `&&` and `||` answer an operand, not a boolean;
 * falsy are false, 0, -0, '', null and NaN; `==` compares strings ignoring
 * case, and values of different types as numbers (null 0, true 1, a string
 * its number or NaN); a property of null or of a missing object is null.
 */

export type ExprValue =
  | null
  | boolean
  | number
  | string
  | ExprValue[]
  | { [key: string]: ExprValue };

type Token =
  | { kind: 'num'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'id'; value: string }
  | { kind: 'op'; value: string };

/** Evaluates one expression (without `${{ }}`) against the contexts (`github`, `needs`, `vars`, …). */
export function evaluate(expression: string, contexts: Record<string, unknown>): ExprValue {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at];
  const take = (value?: string): Token => {
    const token = tokens[at++];
    if (!token || (value !== undefined && token.value !== value)) {
      throw new Error(`expected ${value ?? 'more'} in: ${expression}`);
    }
    return token;
  };
  const isOp = (value: string) => peek()?.kind === 'op' && peek()?.value === value;

  /** `operand`s joined by `op`, left to right, each pair into `join(left, right)`. */
  const chain =
    (
      op: string,
      operand: () => ExprValue,
      join: (left: ExprValue, right: ExprValue) => ExprValue,
    ) =>
    (): ExprValue => {
      let left = operand();
      while (isOp(op)) {
        take();
        left = join(left, operand());
      }
      return left;
    };
  // `&&` and `||` give an operand, not a boolean: the first falsy one, the first truthy one.
  const and = chain(
    '&&',
    () => compare(),
    (left, right) => (truthy(left) ? right : left),
  );
  const or = chain('||', and, (left, right) => (truthy(left) ? left : right));
  const compare = (): ExprValue => {
    let left = unary();
    for (;;) {
      const op = ['==', '!=', '<', '<=', '>', '>='].find(isOp);
      if (!op) return left;
      take();
      const right = unary();
      left = comparison(op, left, right);
    }
  };
  const unary = (): ExprValue => {
    if (isOp('!')) {
      take();
      return !truthy(unary());
    }
    return postfix(primary());
  };
  const postfix = (value: ExprValue): ExprValue => {
    let current = value;
    for (;;) {
      if (isOp('.')) {
        take();
        current = property(current, take().value as string);
      } else if (isOp('[')) {
        take();
        const key = or();
        take(']');
        current = property(current, String(key));
      } else {
        return current;
      }
    }
  };
  const primary = (): ExprValue => {
    const token = take();
    if (token.kind === 'num' || token.kind === 'str') return token.value;
    if (token.kind === 'op' && token.value === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (token.kind !== 'id') throw new Error(`unexpected ${token.value} in: ${expression}`);
    const name = token.value;
    if (name === 'true' || name === 'false') return name === 'true';
    if (name === 'null') return null;
    if (isOp('(')) {
      take();
      const args: ExprValue[] = [];
      while (!isOp(')')) {
        args.push(or());
        if (isOp(',')) take();
      }
      take(')');
      return call(name, args);
    }
    return toValue(contexts[name]);
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`unexpected ${peek()?.value} in: ${expression}`);
  return value;
}

/** A string with `${{ … }}` parts, each replaced by its value as a string. */
export function interpolate(text: string, contexts: Record<string, unknown>): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) =>
    asString(evaluate(inner, contexts)),
  );
}

/** A job's or step's `if:`: with or without `${{ }}`, its value's truthiness. */
export function evaluateCondition(text: string, contexts: Record<string, unknown>): boolean {
  const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text)?.[1] ?? text;
  return truthy(evaluate(inner, contexts));
}

export function truthy(value: ExprValue): boolean {
  return !(
    value === false ||
    value === null ||
    value === '' ||
    (typeof value === 'number' && (value === 0 || Number.isNaN(value)))
  );
}

function comparison(op: string, left: ExprValue, right: ExprValue): boolean {
  if (op === '==' || op === '!=') {
    const equal = looselyEqual(left, right);
    return op === '==' ? equal : !equal;
  }
  const [a, b] =
    typeof left === 'string' && typeof right === 'string'
      ? [left.toLowerCase(), right.toLowerCase()]
      : [toNumber(left), toNumber(right)];
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function looselyEqual(left: ExprValue, right: ExprValue): boolean {
  if (typeof left === 'string' && typeof right === 'string') {
    return left.toLowerCase() === right.toLowerCase();
  }
  if (
    typeof left === typeof right &&
    (typeof left !== 'object' || left === null || right === null)
  ) {
    return left === right;
  }
  if (typeof left === 'object' && left !== null) return left === right;
  return toNumber(left) === toNumber(right);
}

function toNumber(value: ExprValue): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value);
  return Number.NaN;
}

function asString(value: ExprValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

function property(value: ExprValue, key: string): ExprValue {
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) return value[Number(key)] ?? null;
  const found = Object.keys(value).find((name) => name.toLowerCase() === key.toLowerCase());
  return found === undefined ? null : (value[found] ?? null);
}

function call(name: string, args: ExprValue[]): ExprValue {
  const [first = null, second = null] = args;
  switch (name.toLowerCase()) {
    case 'contains':
      return Array.isArray(first)
        ? first.some((item) => looselyEqual(item, second))
        : asString(first).toLowerCase().includes(asString(second).toLowerCase());
    case 'startswith':
      return asString(first).toLowerCase().startsWith(asString(second).toLowerCase());
    case 'endswith':
      return asString(first).toLowerCase().endsWith(asString(second).toLowerCase());
    case 'format':
      return asString(first).replace(/\{(\d+)\}/g, (_, n: string) =>
        asString(args[Number(n) + 1] ?? null),
      );
    case 'join':
      return Array.isArray(first)
        ? first.map(asString).join(second === null ? ',' : asString(second))
        : asString(first);
    case 'tojson':
      return JSON.stringify(first, null, 2);
    case 'fromjson':
      return toValue(JSON.parse(asString(first)));
    case 'success':
    case 'always':
      return true;
    case 'failure':
    case 'cancelled':
      return false;
    default:
      throw new Error(`the simulator does not know the function ${name}()`);
  }
}

function toValue(value: unknown): ExprValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string')
    return value;
  if (Array.isArray(value)) return value.map(toValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toValue(item)]));
  }
  return null;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const rest = expression.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const string = /^'((?:[^']|'')*)'/.exec(rest);
    if (string) {
      tokens.push({ kind: 'str', value: (string[1] ?? '').replaceAll("''", "'") });
      i += string[0].length;
      continue;
    }
    const number = /^-?(?:0x[0-9a-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?)/i.exec(rest);
    if (number && !/^[A-Za-z_]/.test(rest)) {
      tokens.push({ kind: 'num', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|&&|\|\||[!<>()[\].,])/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', value: op[0] });
      i += op[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest);
    if (id) {
      tokens.push({ kind: 'id', value: id[0] });
      i += id[0].length;
      continue;
    }
    throw new Error(`the simulator cannot read "${rest.slice(0, 20)}" in: ${expression}`);
  }
  return tokens;
}
