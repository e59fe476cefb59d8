/**
 * What Go code reaches that lets it know a test binary runs it (the
 * `test-aware` class, runner-reach.ts), read line by line with its comments
 * and string contents dropped: the command line (`os.Args`) anywhere but in
 * `func main` of package main, where a program reads its own; the flag set's
 * introspection (`flag.Lookup`, `flag.CommandLine`, `flag.Parsed`, `flag.Visit…`),
 * which asks for flags a test binary defines (`test.v`); the `testing` package
 * imported by code that is not a test (`testing.Testing()` among its uses);
 * and a runner's environment by name (`readsTestRunner`).
 */
import { type Reach, readsTestRunner } from './test-aware.js';

const COMMAND_LINE = /\bos\.Args\b/;
const FLAG_SET = /\bflag\.(?:Lookup|CommandLine|Parsed|Visit|VisitAll)\b/;

export function goReaches(text: string): Reach[] {
  const lines = goCode(text);
  const packageMain = lines.some(({ code }) => /^\s*package\s+main\b/.test(code));
  const reaches: Reach[] = [];
  let depth = 0;
  let mainFrom: number | null = null;
  let importing = false;
  lines.forEach(({ code, strings }, at) => {
    const line = at + 1;
    if (depth === 0 && /^\s*func\s+main\s*\(\s*\)/.test(code)) mainFrom = 0;
    const inMain = packageMain && mainFrom !== null;
    if (COMMAND_LINE.test(code) && !inMain)
      reaches.push({ line, what: 'reads the command line (os.Args) outside main' });
    if (FLAG_SET.test(code)) reaches.push({ line, what: "reads the flag set's own flags" });
    if (/^\s*import\s*\(/.test(code)) importing = true;
    const imports = importing || /^\s*import\b/.test(code);
    if (imports && strings.some((one) => one === 'testing'))
      reaches.push({ line, what: 'imports the testing package outside a test' });
    if (importing && /\)/.test(code)) importing = false;
    const runner = readsTestRunner(code);
    if (runner) reaches.push({ line, what: `reads ${runner}'s environment` });
    for (const char of code) {
      if (char === '{') depth += 1;
      else if (char === '}') depth -= 1;
    }
    if (mainFrom !== null && depth === 0 && code.includes('}')) mainFrom = null;
  });
  return reaches;
}

/** Each line's code with its comments gone and its strings emptied (`""`), and the strings it held. */
function goCode(text: string): { code: string; strings: string[] }[] {
  const out: { code: string; strings: string[] }[] = [];
  let code = '';
  let strings: string[] = [];
  let inBlock = false;
  let raw: string | null = null;
  const end = () => {
    out.push({ code, strings });
    code = '';
    strings = [];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    const next = text[i + 1] ?? '';
    if (char === '\n') {
      if (raw !== null) raw += char;
      end();
      continue;
    }
    if (inBlock) {
      if (char === '*' && next === '/') {
        inBlock = false;
        i++;
      }
      continue;
    }
    if (raw !== null) {
      if (char === '`') {
        strings.push(raw);
        code += '``';
        raw = null;
      } else raw += char;
      continue;
    }
    if (char === '/' && next === '/') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (char === '/' && next === '*') {
      inBlock = true;
      i++;
      continue;
    }
    if (char === '`') {
      raw = '';
      continue;
    }
    if (char === '"' || char === "'") {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== char && text[j] !== '\n'; j++) {
        if (text[j] === '\\') j++;
        value += text[j] ?? '';
      }
      strings.push(value);
      code += `${char}${char}`;
      i = j;
      continue;
    }
    code += char;
  }
  end();
  return out;
}
