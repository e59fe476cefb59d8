// The release workflow's steps (.github/workflows/release.yml, docs/releasing.md),
// each run as `node scripts/release.ts <step>` in the package's folder (the
// workflow's checkout; a copy in test/deploy/release-publish.test.ts, which
// plays them all against a local registry). Only node:* and npm: the publish
// job runs it with nothing installed, on Node's own TypeScript.
//
//   published          whether package.json's version is on the registry already
//                      (`published=` and `version=` go to $GITHUB_OUTPUT too)
//   tag                tags HEAD `v<version>` in the checkout, so that `prepack`
//                      stamps the package with the commit it is packed from
//   pack DIR           `npm pack` into DIR; refuses a package that records no
//                      release, or another commit than HEAD (`tarball=` to $GITHUB_OUTPUT)
//   publish TARBALL    `npm publish` of that very tarball, after checking its stamp
//                      again; nothing to do when its version is out already
//                      (`--provenance` in the workflow, where the job has an OIDC token)
//
// The order is the point: a package packed before its tag exists records no
// release, and `npx @baton-dev/baton setup` from it refuses to pin sessions.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
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

function run(file: string, args: string[]): string {
  return execFileSync(file, args, {
    cwd: root,
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

if (step === 'published') {
  const pkg = manifest();
  const published = isPublished(pkg);
  output('version', pkg.version);
  output('published', String(published));
  console.log(`${pkg.name}@${pkg.version} is ${published ? '' : 'not '}on the registry`);
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
  if (!target) fail('usage: node scripts/release.ts publish TARBALL [--provenance]');
  const tarball = resolve(target);
  const stamp = stampOf(tarball);
  if (isPublished(stamp)) {
    console.log(`${stamp.name}@${stamp.version} is on the registry already: nothing to publish`);
  } else {
    const provenance = process.argv.includes('--provenance') ? ['--provenance'] : [];
    run(npm, ['publish', tarball, '--access', 'public', '--ignore-scripts', ...provenance]);
    console.log(`${stamp.name}@${stamp.version} published, released from ${stamp.commit}`);
  }
} else {
  fail(`unknown step "${step}": published, tag, pack DIR or publish TARBALL`);
}
