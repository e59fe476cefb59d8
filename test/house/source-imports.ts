/**
 * The imports between the files of `src/`, read as TypeScript's pre-processor
 * reads them (static, type-only, re-exports and dynamic `import()` alike), for
 * the floors' test (test/house/floors.test.ts).
 */
import { posix } from 'node:path';
import ts from 'typescript';
import type { SourceFile } from '../../scripts/source-files.js';

/** One import of a file of `src/` by another. */
export interface SourceImport {
  from: string;
  /** 1-based. */
  line: number;
  /** The file it names, or null for a relative path that names no file of `files`. */
  to: string | null;
  specifier: string;
}

/** Every relative import of `files`, resolved to the file it names (`./a.js` is `a.ts` or `a.tsx`). */
export function importsOf(files: readonly SourceFile[]): SourceImport[] {
  const known = new Set(files.map((file) => file.path));
  return files.flatMap((file) => {
    const lineOf = (position: number) => file.text.slice(0, position).split('\n').length;
    return ts
      .preProcessFile(file.text, true, true)
      .importedFiles.filter((imported) => imported.fileName.startsWith('.'))
      .map((imported): SourceImport => {
        const base = posix.join(posix.dirname(file.path), imported.fileName);
        const stem = base.replace(/\.js$/, '');
        const to = [base, `${stem}.ts`, `${stem}.tsx`].find((path) => known.has(path)) ?? null;
        return {
          from: file.path,
          line: lineOf(imported.pos),
          to,
          specifier: imported.fileName,
        };
      });
  });
}

/** The circles among files: each strongly connected set of more than one file, or a file importing itself. */
export function circlesOf(imports: readonly SourceImport[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    if (!to) continue;
    const out = edges.get(from) ?? new Set<string>();
    out.add(to);
    edges.set(from, out);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const circle: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      circle.push(member);
    } while (member !== file);
    if (circle.length > 1 || edges.get(file)?.has(file)) circles.push(circle.sort());
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return circles;
}
