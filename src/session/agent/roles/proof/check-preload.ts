/**
 * Baton's setup of the check's process for Node (docs/verification.md, "The
 * check's process"): the text of a CommonJS module every Node process of the
 * contract's command loads first (`--require`, from NODE_OPTIONS Baton sets
 * after taking the job's away, out of a folder the sandbox shows read-only),
 * before the runner or any code of the work. In each realm (the process's, and
 * each `node:vm` context a runner makes: Jest's environment, Vitest's vm pools)
 * it locks the intrinsics the assertion libraries read, their global names
 * with them, so code under test cannot make `Object.is` say yes; it freezes
 * `node:assert` and `node:test`; and it fails a check whose value under test
 * carries a matcher of its own (an `asymmetricMatch`, a `$$typeof` claiming to
 * be one, a Proxy): in Vitest through chai, which makes each assertion a Proxy
 * of itself once its value is set, and in node:assert's comparisons.
 *
 * Hardened JavaScript's `lockdown()` (the `ses` package) does more, and breaks
 * Vitest 4 as its worker starts (its MockDate assigns `UTC` over a frozen
 * `Date.UTC`) and node:test's `mock.method(Math, 'random')`; so this locks
 * what a check's verdict rests on and leaves what tests commonly stand in for
 * (`Math.random`, `Date` but its time value, `Promise`, `Error`'s statics).
 * A tool's own main process (Vitest's, npm's, pnpm's, yarn's), which runs no
 * check, is left as it is: they override methods of their own maps. Pure:
 * only the text.
 */

/** The module's text. */
export function checkPreloadSource(): string {
  return String.raw`'use strict';
// Baton's check process (docs/verification.md, "The check's process"). Written by Baton; do not edit.
/** The tools whose main process runs no check: Vitest's command, npm's, npx's, pnpm's, yarn's. */
const TOOL_MAINS = /[\\/]node_modules[\\/](?:vitest[\\/]vitest\.mjs|npm[\\/]bin[\\/]np[mx]-cli\.js|pnpm[\\/](?:bin|dist)[\\/]pnpm\.c?js|yarn[\\/]bin[\\/]yarn\.js)$|[\\/]\.yarn[\\/]releases[\\/]yarn-[^\\/]*\.c?js$/;

(function batonCheckProcess() {
  const MARK = Symbol.for('baton.check-process');
  if (Object.getOwnPropertyDescriptor(globalThis, MARK)) return;
  const workerThreads = require('node:worker_threads');
  const main = process.argv[1] ? safeRealpath(process.argv[1]) : '';
  // A tool's own main process runs no check (each runs its checks in processes of its own).
  if (workerThreads.isMainThread && TOOL_MAINS.test(main)) return;
  const util = require('node:util');
  const vm = require('node:vm');
  const isProxy = util.types.isProxy;

  const ownMatcher = hardenRealm(globalThis, isProxy, MARK);

  // node:assert, and through it node:test's t.assert: a value under test with a matcher of its
  // own fails there too, and neither module can be changed.
  const assert = require('node:assert');
  guardAssert(assert, assert, ownMatcher);
  guardAssert(assert.strict, assert, ownMatcher);
  Object.freeze(assert.strict);
  Object.freeze(assert);
  Object.freeze(assert.AssertionError.prototype);
  if (process.execArgv.includes('--test') || process.env.NODE_TEST_CONTEXT) {
    const test = require('node:test');
    for (const key of Object.keys(test)) {
      const value = test[key];
      if (value !== test && (typeof value === 'function' || (value !== null && typeof value === 'object'))) Object.freeze(value);
    }
    Object.freeze(test);
  }

  // A node:vm context is a realm of its own: each is hardened as it is made.
  const source = '(' + hardenRealm + ')';
  const createContext = vm.createContext;
  vm.createContext = function createContext_() {
    const context = Reflect.apply(createContext, this, arguments);
    try {
      vm.runInContext(source, context)(vm.runInContext('globalThis', context), isProxy, MARK);
    } catch (error) {
      throw new Error("Baton's check process could not harden a node:vm context: " + (error && error.message));
    }
    return context;
  };
  Object.freeze(vm);
  require('node:module').syncBuiltinESMExports();

  function safeRealpath(file) {
    try {
      return require('node:fs').realpathSync.native(file);
    } catch {
      return file;
    }
  }

  function guardAssert(target, assert, ownMatcher) {
    // Not match and doesNotMatch: they take a string primitive alone, which carries no matcher, and
    // Node 20's match tells itself from doesNotMatch by being assert.match: a wrapper there inverts it.
    const COMPARE = ['ok', 'equal', 'notEqual', 'strictEqual', 'notStrictEqual', 'deepEqual', 'notDeepEqual', 'deepStrictEqual', 'notDeepStrictEqual', 'partialDeepStrictEqual'];
    for (const name of COMPARE) {
      const original = target[name];
      if (typeof original !== 'function') continue;
      const guarded = {
        [name](actual, ...rest) {
          const why = ownMatcher(actual);
          if (why !== null) {
            throw new assert.AssertionError({ message: "Baton's check process: " + why + "; a check compares the code's own values", actual, operator: name, stackStartFn: guarded });
          }
          return Reflect.apply(original, this, [actual, ...rest]);
        },
      }[name];
      target[name] = guarded;
    }
  }
})();

/**
 * Hardens one realm, whose global is g; isProxy is V8's, which sees through realms. Returns the
 * judge of a value under test: why it carries a matcher of its own, or null. Its text is run in
 * each node:vm context too, so it reads nothing from outside but its arguments.
 */
function hardenRealm(g, isProxy, mark) {
  'use strict';
  const O = g.Object;
  const { defineProperty, getOwnPropertyDescriptor, getPrototypeOf, preventExtensions } = O;
  const ownKeys = g.Reflect.ownKeys;
  const apply = g.Reflect.apply;
  const StringOf = g.String;
  const ErrorOf = g.Error;
  const TypeErrorOf = g.TypeError;
  const SetOf = g.Set;
  const setHas = g.Set.prototype.has;
  const setAdd = g.Set.prototype.add;
  const mapHas = g.Map.prototype.has;
  const mapForEach = g.Map.prototype.forEach;
  const setForEach = g.Set.prototype.forEach;
  const weakHas = g.WeakSet.prototype.has;
  const weakAdd = g.WeakSet.prototype.add;
  const arrayIncludes = g.Array.prototype.includes;
  const arrayPush = g.Array.prototype.push;
  const arrayPop = g.Array.prototype.pop;
  const ASYMMETRIC = g.Symbol.for('jest.asymmetricMatcher');
  const ObjectPrototype = g.Object.prototype;
  const FunctionPrototype = g.Function.prototype;

  function refuse(why) {
    const error = new ErrorOf("Baton's check process: " + why + "; a check compares the code's own values");
    error.name = 'BatonCheckError';
    return error;
  }
  function is(method, value) {
    try {
      apply(method, value, [undefined]);
      return true;
    } catch {
      return false;
    }
  }

  /** Why a value under test carries a matcher of its own, or null: read by descriptors, no getter run. */
  function ownMatcher(value) {
    const seen = new SetOf();
    const stack = [[value, 'the value under test']];
    while (stack.length > 0) {
      const [current, where] = apply(arrayPop, stack, []);
      if (current === null || (typeof current !== 'object' && typeof current !== 'function')) continue;
      if (apply(setHas, seen, [current])) continue;
      apply(setAdd, seen, [current]);
      if (isProxy(current)) return where + ' is a Proxy, which answers what the check asks of it';
      for (let link = current; link !== null; link = getPrototypeOf(link)) {
        if (link !== current && isProxy(link)) return where + ' inherits from a Proxy, which answers what the check asks of it';
        if (link === ObjectPrototype || link === FunctionPrototype) break;
        if (getOwnPropertyDescriptor(link, 'asymmetricMatch')) return where + ' carries a matcher of its own (asymmetricMatch)';
        const tag = getOwnPropertyDescriptor(link, '$$typeof');
        if (tag && tag.value === ASYMMETRIC) return where + ' claims to be an asymmetric matcher ($$typeof)';
      }
      if (typeof current === 'function') {
        // A spy's calls: what the code under test handed it is compared too.
        const mock = getOwnPropertyDescriptor(current, 'mock');
        let calls;
        try {
          calls = !mock ? undefined : 'value' in mock ? mock.value : apply(mock.get, current, []);
        } catch {
          calls = undefined;
        }
        if (calls !== null && typeof calls === 'object') apply(arrayPush, stack, [[calls, where + '.mock']]);
        continue;
      }
      if (is(mapHas, current)) apply(mapForEach, current, [(v, k) => { apply(arrayPush, stack, [[k, where + ' (a key)'], [v, where + ' (a value)']]); }]);
      else if (is(setHas, current)) apply(setForEach, current, [(v) => { apply(arrayPush, stack, [[v, where + ' (a member)']]); }]);
      for (const key of ownKeys(current)) {
        const descriptor = getOwnPropertyDescriptor(current, key);
        if (descriptor && 'value' in descriptor) apply(arrayPush, stack, [[descriptor.value, where + '.' + StringOf(key)]]);
      }
    }
    return null;
  }

  // chai (Vitest's expect, chai's own): each assertion becomes a Proxy of itself once its flags
  // are set. There its value under test is judged, and again whenever the assertion takes another
  // (a promise's value, a property's), through its flags' object.
  function isChaiAssertion(object) {
    for (let link = getPrototypeOf(object); link !== null && link !== ObjectPrototype; link = getPrototypeOf(link)) {
      const obj = getOwnPropertyDescriptor(link, '_obj');
      const assert = getOwnPropertyDescriptor(link, 'assert');
      if (obj && typeof obj.get === 'function' && assert && typeof assert.value === 'function') return true;
    }
    return false;
  }
  const guarded = new g.WeakSet();
  function judge(value) {
    const why = ownMatcher(value);
    if (why !== null) throw refuse(why);
  }
  function guardAssertion(assertion) {
    const own = getOwnPropertyDescriptor(assertion, '__flags');
    const flags = own && own.value;
    if (flags === null || typeof flags !== 'object' || apply(weakHas, guarded, [flags])) return;
    const held = getOwnPropertyDescriptor(flags, 'object');
    let received = held && 'value' in held ? held.value : undefined;
    judge(received);
    defineProperty(flags, 'object', {
      enumerable: true,
      configurable: true,
      get() { return received; },
      set(value) { judge(value); received = value; },
    });
    apply(weakAdd, guarded, [flags]);
  }
  const RealProxy = g.Proxy;
  const BatonProxy = function Proxy(target, handler) {
    if (new.target === undefined) throw new TypeErrorOf("Constructor Proxy requires 'new'");
    if (target !== null && typeof target === 'object' && isChaiAssertion(target)) guardAssertion(target);
    return new RealProxy(target, handler);
  };
  BatonProxy.prototype = undefined;
  defineProperty(BatonProxy, 'revocable', { value: RealProxy.revocable, writable: true, enumerable: false, configurable: true });
  defineProperty(g, 'Proxy', { value: BatonProxy, writable: true, enumerable: false, configurable: true });

  // What a subclass or an instance commonly sets for itself stays settable there through an
  // accessor (the intrinsic's own value cannot change), as Hardened JavaScript's override taming does.
  const TAMED = new SetOf(['constructor', 'toString', 'valueOf', 'toLocaleString', 'name', 'message', 'toJSON', 'get', 'set', 'has', 'add', 'delete', 'clear', g.Symbol.toStringTag, g.Symbol.iterator]);
  function lock(object, leave, tame) {
    for (const key of ownKeys(object)) {
      if (apply(arrayIncludes, leave, [key])) continue;
      const descriptor = getOwnPropertyDescriptor(object, key);
      if (!descriptor.configurable) continue;
      if ('value' in descriptor && tame && apply(setHas, TAMED, [key])) {
        const value = descriptor.value;
        defineProperty(object, key, {
          enumerable: descriptor.enumerable,
          configurable: false,
          get() { return value; },
          set(next) {
            if (this === object) throw new TypeErrorOf("Baton's check process: " + StringOf(key) + ' of this intrinsic cannot be changed');
            defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
          },
        });
      } else if ('value' in descriptor) {
        // The whole descriptor: a node:vm context's global keeps only what it is given.
        defineProperty(object, key, { value: descriptor.value, writable: false, enumerable: descriptor.enumerable, configurable: false });
      } else {
        defineProperty(object, key, { get: descriptor.get, set: descriptor.set, enumerable: descriptor.enumerable, configurable: false });
      }
    }
    if (leave.length === 0) preventExtensions(object);
  }
  const iteratorOf = (iterable) => getPrototypeOf(iterable[g.Symbol.iterator]());
  const typedArray = getPrototypeOf(g.Uint8Array);
  // Statics, every one but what tests commonly stand in for (Math.random).
  for (const name of ['Object', 'Array', 'Number', 'String', 'Symbol', 'Boolean', 'BigInt', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Function', 'JSON', 'Reflect', 'ArrayBuffer', 'DataView']) {
    if (g[name]) lock(g[name], [], false);
  }
  lock(BatonProxy, [], false);
  lock(g.Math, ['random'], false);
  lock(typedArray, [], false);
  // Prototypes, whole; Date's only as far as a date's value goes (its time zone and locale are
  // commonly stood in for); Promise's and Error's statics not at all (a zone, a stack trace).
  for (const proto of [
    ObjectPrototype, FunctionPrototype, g.Array.prototype, g.String.prototype, g.Number.prototype,
    g.Boolean.prototype, g.Symbol.prototype, g.BigInt.prototype, g.RegExp.prototype, g.Map.prototype,
    g.Set.prototype, g.WeakMap.prototype, g.WeakSet.prototype, g.Error.prototype, g.ArrayBuffer.prototype,
    g.DataView.prototype, typedArray.prototype, getPrototypeOf(iteratorOf([])), iteratorOf([]),
    iteratorOf(new g.Map()), iteratorOf(new g.Set()), iteratorOf(''), getPrototypeOf(/a/[g.Symbol.matchAll]('')),
  ]) {
    lock(proto, [], true);
  }
  const DATE_VALUE = ['getTime', 'valueOf', 'toISOString', 'toJSON', g.Symbol.toPrimitive];
  const dateRest = [];
  for (const key of ownKeys(g.Date.prototype)) if (!apply(arrayIncludes, DATE_VALUE, [key])) apply(arrayPush, dateRest, [key]);
  lock(g.Date.prototype, dateRest, true);
  // Their global names: a module cannot put another Object in its place.
  for (const name of ['Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'JSON', 'Reflect', 'Math', 'Proxy']) {
    const held = getOwnPropertyDescriptor(g, name);
    if (held && 'value' in held) defineProperty(g, name, { value: held.value, writable: false, enumerable: held.enumerable, configurable: false });
  }
  defineProperty(g, mark, { value: true });
  return ownMatcher;
}
`;
}
