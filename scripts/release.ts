// The release workflow's steps on the package and its checkout
// (.github/workflows/release.yml, docs/releasing.md), each run as
// `node scripts/release.ts <step>` in the package's folder (the workflow's
// checkout; a copy in test/deploy/release-publish.test.ts, which plays the
// workflow against a local registry). Only node:*, git and npm: the publish
// job runs it with nothing installed, on Node's own TypeScript. What it asks
// of GitHub is scripts/release-github.ts's.
//
//   changesets         whether .changeset/ asks for a release (`has-changesets=`)
//   proposal DIR       after the version step: the change it made, as DIR/changes.patch
//                      for the job that commits it (it holds the token; this one runs
//                      the dependencies' code and holds none)
//   commit DIR         applies DIR/changes.patch, refusing any file but the ones the
//                      version step writes, and commits it on HEAD
//   published          whether package.json's version is on the registry already, and
//                      the commit the release is (`published=`, `version=`, `commit=`):
//                      the published package's own stamp when it is out, so a run
//                      again finishes what a failed one left, else HEAD
//   tag                tags HEAD `v<version>` in the checkout, so that `prepack`
//                      stamps the package with the commit it is packed from
//   pack DIR           `npm pack` into DIR; refuses a package that records no
//                      release, or another commit than HEAD (`tarball=` to $GITHUB_OUTPUT)
//   publish TARBALL    `npm publish` of that very tarball, after checking its stamp
//                      again; nothing to do when its version is out already
//
// The order is the point: a package packed before its tag exists records no
// release, and `npx @baton-dev/baton setup` from it refuses to pin sessions.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where `prepack` records the release in the package (RELEASE_STAMP of src/github/setup/source-ref.ts). */
const STAMP = 'dist/src/release.json';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const root = process.cwd();
const [step = '', target = ''] = process.argv.slice(2);

interface Manifest {
  name: string;
  version: string;
}

function fail(message: string): never {
  console.error(`release: ${message}`);
  process.exit(1);
}

function run(file: string, args: string[], cwd = root): string {
  return execFileSync(file, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

const git = (...args: string[]) => run('git', args);

const headCommit = () => git('rev-parse', '--verify', 'HEAD^{commit}');

/** The commit the tag names in the checkout, or null without the tag. */
function taggedCommit(tag: string): string | null {
  try {
    return git('rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`);
  } catch {
    return null;
  }
}

/** Notes `name=value` for the workflow's next steps, when run in Actions. */
function output(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, `${name}=${value}\n`);
}

function manifest(): Manifest {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
}

/** Whether `name@version` is on the registry npm is set to; throws on any answer but "no such version". */
function isPublished({ name, version }: Manifest): boolean {
  try {
    return run(npm, ['view', `${name}@${version}`, 'version', '--json']).includes(version);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    if (/\bE404\b/.test(stdout + stderr)) return false;
    throw new Error(`npm view ${name}@${version} failed: ${stderr || stdout}`);
  }
}

/** One file of a packed tarball, or null when it has none. */
function fileInTarball(tarball: string, path: string): string | null {
  try {
    return run('tar', ['-xzOf', tarball, `package/${path}`]);
  } catch {
    return null;
  }
}

/**
 * The tarball's own manifest and the release it records; refuses one that
 * records none, or a tag that is not its version's.
 */
function stampOf(tarball: string): Manifest & { commit: string } {
  const packed = fileInTarball(tarball, 'package.json');
  if (packed === null) fail(`${tarball} is no npm package (it has no package/package.json)`);
  const { name, version } = JSON.parse(packed) as Manifest;
  const text = fileInTarball(tarball, STAMP);
  if (text === null)
    fail(
      `${tarball} records no release (no ${STAMP}): it was packed from a checkout without the tag v${version} on HEAD, and an installed copy would refuse to pin its sessions. Run \`node scripts/release.ts tag\` before packing.`,
    );
  const stamp = JSON.parse(text) as { tag?: unknown; commit?: unknown };
  if (stamp.tag !== `v${version}` || typeof stamp.commit !== 'string')
    fail(`${tarball} records ${String(stamp.tag)}, not v${version}: pack it again`);
  return { name, version, commit: stamp.commit };
}

/**
 * The files the version step writes (scripts/release-version.ts): the only
 * ones its change may touch, so the token that pushes it pushes nothing else.
 */
const PROPOSED = [
  'package.json',
  'package-lock.json',
  'CHANGELOG.md',
  'README.md',
  'action/dist/baton-session.cjs',
  'action/dist/baton-conductor.cjs',
];

/** The changesets asking for a release: `.changeset/*.md` but its README. */
const isChangeset = (path: string) =>
  /^\.changeset\/[\w.-]+\.md$/.test(path) && path !== '.changeset/README.md';

/**
 * What a patch does to each path it names (`git apply --numstat --summary`):
 * refused unless it changes a file of PROPOSED in place or deletes a changeset.
 */
function refusedPaths(patch: string): string[] {
  const summary = run('git', ['apply', '--summary', '--numstat', '-z', patch]);
  const refused: string[] = [];
  for (const line of summary.split(/[\0\n]/).filter(Boolean)) {
    const numstat = /^(?:\d+|-)\t(?:\d+|-)\t(.*)$/.exec(line);
    const deleted = /^ delete mode \d+ (.*)$/.exec(line);
    if (numstat?.[1] !== undefined) {
      if (!PROPOSED.includes(numstat[1]) && !isChangeset(numstat[1])) refused.push(numstat[1]);
    } else if (deleted?.[1] !== undefined) {
      if (!isChangeset(deleted[1])) refused.push(deleted[1]);
    } else if (line.trim() !== '') {
      // A new file, a rename, a copy or a mode change: none is the version step's.
      refused.push(line.trim());
    }
  }
  return refused;
}

/** The commit the published `name@version` records, read from the registry's own tarball. */
function publishedCommit(pkg: Manifest): string {
  const folder = mkdtempSync(join(tmpdir(), 'baton-published-'));
  try {
    run(npm, [
      'pack',
      `${pkg.name}@${pkg.version}`,
      '--pack-destination',
      folder,
      '--ignore-scripts',
    ]);
    const [tarball = ''] = readdirSync(folder).filter((file) => file.endsWith('.tgz'));
    return stampOf(join(folder, tarball)).commit;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (step === 'changesets') {
  const asked = readdirSync(join(root, '.changeset')).filter((file) =>
    isChangeset(`.changeset/${file}`),
  );
  output('has-changesets', String(asked.length > 0));
  console.log(
    asked.length > 0 ? `changesets ask for a release: ${asked.join(', ')}` : 'no changeset',
  );
} else if (step === 'proposal') {
  if (!target) fail('usage: node scripts/release.ts proposal DIR');
  const destination = resolve(target);
  mkdirSync(destination, { recursive: true });
  git('add', '--all');
  const patch = join(destination, 'changes.patch');
  execFileSync('git', ['diff', '--cached', '--binary', '--output', patch], { cwd: root });
  const refused = refusedPaths(patch);
  if (refused.length > 0)
    fail(`the version step changed more than it writes: ${refused.join(', ')}`);
  output('version', manifest().version);
  console.log(patch);
} else if (step === 'commit') {
  if (!target) fail('usage: node scripts/release.ts commit DIR');
  const patch = join(resolve(target), 'changes.patch');
  const refused = refusedPaths(patch);
  if (refused.length > 0)
    fail(`the proposed change touches what the version step never writes: ${refused.join(', ')}`);
  git('apply', '--index', patch);
  const { version } = manifest();
  git(
    '-c',
    'user.name=github-actions[bot]',
    '-c',
    'user.email=41898282+github-actions[bot]@users.noreply.github.com',
    'commit',
    '--quiet',
    '--no-verify',
    '-m',
    `Release ${version}: the version, its CHANGELOG section, the README's clone and the rebuilt bundles`,
  );
  output('version', version);
  console.log(`${headCommit()} is the release ${version}`);
} else if (step === 'published') {
  const pkg = manifest();
  const published = isPublished(pkg);
  const commit = published ? publishedCommit(pkg) : headCommit();
  output('version', pkg.version);
  output('published', String(published));
  output('commit', commit);
  console.log(
    `${pkg.name}@${pkg.version} is ${published ? `on the registry, released from ${commit}` : 'not on the registry'}`,
  );
} else if (step === 'tag') {
  const tag = `v${manifest().version}`;
  const head = headCommit();
  const tagged = taggedCommit(tag);
  if (tagged && tagged !== head)
    fail(`${tag} names ${tagged}, not HEAD ${head}: a released version is never moved`);
  if (!tagged) git('tag', tag, head);
  console.log(`${tag} is ${head}`);
} else if (step === 'pack') {
  if (!target) fail('usage: node scripts/release.ts pack DIR');
  const tag = `v${manifest().version}`;
  if (taggedCommit(tag) !== headCommit())
    fail(
      `HEAD is not ${tag}: the package would record no release, and an installed copy would refuse to pin its sessions. Run \`node scripts/release.ts tag\` before packing.`,
    );
  const destination = resolve(target);
  mkdirSync(destination, { recursive: true });
  const packed = run(npm, [
    'pack',
    '--json',
    '--pack-destination',
    destination,
    '--no-audit',
    '--no-fund',
  ]);
  const [{ filename = '' } = {}] = JSON.parse(packed.slice(packed.indexOf('['))) as {
    filename?: string;
  }[];
  const tarball = join(destination, filename);
  const { commit } = stampOf(tarball);
  const head = headCommit();
  if (commit !== head) fail(`${tarball} records ${commit}, not HEAD ${head}`);
  output('tarball', tarball);
  console.log(tarball);
} else if (step === 'publish') {
  if (!target) fail('usage: node scripts/release.ts publish TARBALL');
  const tarball = resolve(target);
  const stamp = stampOf(tarball);
  if (isPublished(stamp)) {
    console.log(`${stamp.name}@${stamp.version} is on the registry already: nothing to publish`);
  } else {
    // In the workflow npm publishes with the job's OIDC token (trusted publishing), which also
    // makes its provenance: no token is configured, and none is needed.
    run(npm, ['publish', tarball, '--access', 'public', '--ignore-scripts']);
    console.log(`${stamp.name}@${stamp.version} published, released from ${stamp.commit}`);
  }
} else {
  fail(
    `unknown step "${step}": changesets, proposal DIR, commit DIR, published, tag, pack DIR or publish TARBALL`,
  );
}
