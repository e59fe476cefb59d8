/**
 * What publish counts in a contract's test files, by file extension: the
 * markers that skip or narrow a test run, the calls that assert, and a test
 * whose body is empty. One table, so a language is added in one place
 * (docs/verification.md, "Workers cannot weaken the contract"). Pure.
 */

/** One language's patterns; each is counted over the whole file (global flag). */
export interface TestLanguage {
  name: string;
  extensions: readonly string[];
  /** Markers that skip, focus (`.only`), leave a test to do or expect it to fail. */
  skips: readonly RegExp[];
  /**
   * Of those, the ones that expect a test to fail: the contract session marks
   * each check so until its worker delivers, and the worker makes it a plain
   * check (a check still so marked passes while its criterion is unmet).
   */
  expectFail: readonly RegExp[];
  /**
   * Of those, the ones that focus a run on one test: in a runner that reads
   * them across files (mocha), one in any test file leaves the contract's out.
   */
  focus: readonly RegExp[];
  /** Calls that assert something. */
  assertions: readonly RegExp[];
  /** A test function whose body holds nothing. */
  emptyBodies: readonly RegExp[];
}

const JS_EMPTY =
  /\b(?:it|test)\s*\(\s*(['"`])[^'"`]*\1\s*,\s*(?:async\s*)?(?:\(\s*[^)]*\)|\w+)\s*=>\s*\{\s*\}/g;
const JS_EMPTY_FUNCTION =
  /\b(?:it|test)\s*\(\s*(['"`])[^'"`]*\1\s*,\s*(?:async\s*)?function\s*\w*\s*\([^)]*\)\s*\{\s*\}/g;

/** Vitest's `it.fails`, Jest's `test.failing`, node:test's `{ todo }` and `{ skip }` options. */
const JS_EXPECT_FAIL = [
  /\b(?:it|test)\.(?:fails|failing)\b/g,
  /\b(?:todo|skip)\s*:\s*(?:true|['"`])/g,
];
const PY_EXPECT_FAIL = [/@pytest\.mark\.xfail\b/g, /@unittest\.expectedFailure\b/g];

export const TEST_LANGUAGES: readonly TestLanguage[] = [
  {
    name: 'JavaScript/TypeScript',
    extensions: ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts'],
    skips: [
      /\b(?:it|test|describe|suite|context)\.(?:skip|todo|only|skipIf|runIf)\b/g,
      /\b(?:it|test|describe)\.(?:concurrent|sequential)\.(?:skip|todo|only)\b/g,
      /\bx(?:it|describe|test)\s*\(/g,
      /\bf(?:it|describe)\s*\(/g,
      ...JS_EXPECT_FAIL,
    ],
    expectFail: JS_EXPECT_FAIL,
    focus: [/\b(?:it|test|describe|suite|context)\.only\b/g, /\bf(?:it|describe)\s*\(/g],
    assertions: [/\bexpect(?:\.soft)?\s*\(/g, /\bassert(?:\.\w+)?\s*\(/g, /\.should\b/g],
    emptyBodies: [JS_EMPTY, JS_EMPTY_FUNCTION],
  },
  {
    name: 'Python',
    extensions: ['.py'],
    skips: [
      /@pytest\.mark\.(?:skip|skipif|xfail)\b/g,
      /\bpytest\.skip\s*\(/g,
      /@unittest\.(?:skip|skipIf|skipUnless|expectedFailure)\b/g,
      /\bself\.skipTest\s*\(/g,
    ],
    expectFail: PY_EXPECT_FAIL,
    focus: [],
    assertions: [/\bassert\b/g, /\bself\.assert\w*\s*\(/g, /\bpytest\.raises\s*\(/g],
    emptyBodies: [/\bdef\s+test\w*\s*\([^)]*\)\s*(?:->\s*[\w.[\], ]+)?:\s*(?:pass|\.\.\.)\s*$/gm],
  },
  {
    name: 'Go',
    extensions: ['.go'],
    skips: [/\bt\.Skip(?:Now|f)?\s*\(/g],
    expectFail: [],
    focus: [],
    assertions: [
      /\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow)\s*\(/g,
      /\b(?:assert|require)\.\w+\s*\(/g,
      // Go asserts with `if got != want { t.Errorf(…) }`: the condition on the `if` line is the assertion.
      /\bif\b[^{\n]*\{/g,
    ],
    emptyBodies: [/\bfunc\s+Test\w*\s*\(\s*\w+\s+\*testing\.T\s*\)\s*\{\s*\}/g],
  },
  {
    name: 'Rust',
    extensions: ['.rs'],
    skips: [/#\[ignore\b/g],
    expectFail: [],
    focus: [],
    assertions: [
      /\bassert(?:_eq|_ne)?!\s*\(/g,
      /\bdebug_assert(?:_eq|_ne)?!\s*\(/g,
      /#\[should_panic\b/g,
    ],
    emptyBodies: [/#\[test\]\s*(?:#\[[^\]]*\]\s*)*fn\s+\w+\s*\(\s*\)\s*\{\s*\}/g],
  },
  {
    name: 'Java/Kotlin',
    extensions: ['.java', '.kt'],
    skips: [/@(?:Disabled|Ignore)\b/g, /\bassumeTrue\s*\(\s*false\s*\)/g],
    expectFail: [],
    focus: [],
    assertions: [/\bassert\w*\s*\(/g, /\bverify\s*\(/g],
    emptyBodies: [/@Test\s+(?:public\s+)?(?:void|fun)\s+\w+\s*\(\s*\)\s*(?::\s*Unit\s*)?\{\s*\}/g],
  },
];

/** The language of a test file by its extension; null when the table has none. */
export function languageOf(path: string): TestLanguage | null {
  const lower = path.toLowerCase();
  return (
    TEST_LANGUAGES.find((language) => language.extensions.some((ext) => lower.endsWith(ext))) ??
    null
  );
}

/** How many times the patterns match in `text`. */
export function countMatches(text: string, patterns: readonly RegExp[]): number {
  return patterns.reduce((sum, pattern) => sum + (text.match(pattern)?.length ?? 0), 0);
}
