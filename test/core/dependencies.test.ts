import { describe, expect, it } from 'vitest';
import {
  addedLinesOf,
  findAddedDependencies,
  isDependencyFile,
} from '../../src/core/sessions/dependencies.js';

describe('findAddedDependencies reads the entries a change adds to manifests and lock files', () => {
  it.each<[string, string[], string[]]>([
    [
      'package.json',
      [
        '    "left-pad": "^1.3.0",',
        '    "@scope/tool": "2.0.0"',
        '  "version": "1.2.3",',
        '    "build": "tsc -p ."',
      ],
      ['left-pad', '@scope/tool'],
    ],
    [
      'package-lock.json',
      [
        '    "node_modules/left-pad": {',
        '    "node_modules/a/node_modules/@x/y": {',
        '      "version": "1.3.0",',
      ],
      ['left-pad', '@x/y'],
    ],
    [
      'requirements-dev.txt',
      ['requests==2.32.0', 'flask[async]>=3', '# a comment', '-r base.txt', 'numpy'],
      ['requests', 'flask', 'numpy'],
    ],
    ['pyproject.toml', ['  "httpx>=0.27",', 'version = "1.0"', 'rich = "^13"'], ['httpx', 'rich']],
    [
      'Cargo.toml',
      ['serde = { version = "1", features = ["derive"] }', 'tokio = "1"', 'edition = "2021"'],
      ['serde', 'tokio'],
    ],
    ['Cargo.lock', ['name = "serde"', 'version = "1.0.0"'], ['serde']],
    [
      'go.mod',
      ['require github.com/pkg/errors v0.9.1', '\tgolang.org/x/sync v0.7.0'],
      ['github.com/pkg/errors', 'golang.org/x/sync'],
    ],
    ['Gemfile', ["gem 'rails', '~> 7.1'", 'gem "pg"'], ['rails', 'pg']],
    ['Gemfile.lock', ['    rack (3.0.8)'], ['rack']],
    ['pom.xml', ['      <artifactId>guava</artifactId>'], ['guava']],
    [
      'app/build.gradle.kts',
      ['    implementation("com.squareup.okhttp3:okhttp:4.12.0")'],
      ['com.squareup.okhttp3:okhttp:4.12.0'],
    ],
    ['yarn.lock', ['"left-pad@^1.3.0":', '  version "1.3.0"'], ['left-pad']],
  ])('%s', (path, added, names) => {
    expect(findAddedDependencies([{ path, added }])).toEqual([{ path, names }]);
  });

  it('names a manifest it changed even when no new entry is recognised, and skips other files', () => {
    expect(
      findAddedDependencies([
        { path: 'src/app.ts', added: ['import x from "y";'] },
        { path: 'package.json', added: ['  "description": "x"'] },
      ]),
    ).toEqual([{ path: 'package.json', names: [] }]);
    expect(isDependencyFile('docs/package.json.md')).toBe(false);
  });

  it('reads the added lines of a unified diff patch', () => {
    expect(addedLinesOf('@@ -1,2 +1,3 @@\n "a": "1",\n+"b": "2",\n-"c": "3"')).toEqual([
      '"b": "2",',
    ]);
  });
});
