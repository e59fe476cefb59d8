// The release workflow's steps on GitHub (.github/workflows/release.yml,
// docs/releasing.md), each run as `node scripts/release-github.ts <step>` in
// the checkout, through GitHub's REST API (`GITHUB_API_URL`, `GITHUB_REPOSITORY`,
// the token in `GH_TOKEN`). Only node:* and git, on Node's own TypeScript:
// the jobs that run it install nothing. test/deploy/release-publish.test.ts
// plays them against the simulated GitHub.
//
//   check-tag          refuses a tag `v$VERSION` that names another commit than
//                      $COMMIT, before anything is published
//   release DIR        the tag `v$VERSION` on $COMMIT, created through the API only
//                      where it is absent; then the GitHub release of that existing
//                      tag (a draft first, made only where none is), the missing
//                      files of DIR (the bundles) uploaded to it, and it published:
//                      a run again finishes what a failed one left
//   propose DIR        pushes HEAD (the release commit `release.ts commit` made) to
//                      the release branch and opens, or updates, the release pull
//                      request, its body DIR/notes.md
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [step = '', target = ''] = process.argv.slice(2);
/** The release pull request's branch, and the pull request's title. */
const RELEASE_BRANCH = 'changeset-release/main';
const RELEASE_TITLE = 'Release Baton';
/** What the GitHub release carries beside its notes: the action's bundles. */
const ASSETS = ['baton-session.cjs', 'baton-conductor.cjs'];

function fail(message: string): never {
  console.error(`release: ${message}`);
  process.exit(1);
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) fail(`${name} is not set`);
  return value;
}

interface Answer {
  status: number;
  body: unknown;
}

/** One REST call; `url` under GITHUB_API_URL unless it is whole (an upload URL). */
async function api(
  method: string,
  url: string,
  body?: unknown,
  type = 'application/json',
): Promise<Answer> {
  const whole = /^https?:\/\//.test(url) ? url : `${env('GITHUB_API_URL')}${url}`;
  const answer = await fetch(whole, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${env('GH_TOKEN')}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'baton-release',
      ...(body === undefined ? {} : { 'content-type': type }),
    },
    ...(body === undefined
      ? {}
      : { body: typeof body === 'string' || body instanceof Buffer ? body : JSON.stringify(body) }),
  });
  const text = await answer.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: answer.status, body: parsed };
}

/** The call's body, or the step fails saying what GitHub answered. */
function expect(answer: Answer, ok: number[], what: string): unknown {
  if (ok.includes(answer.status)) return answer.body;
  const said = answer.body as { message?: string; errors?: { message?: string }[] } | null;
  // A 422's reasons are in its errors ("body is too long (maximum is 65536 characters)").
  const reasons = (said?.errors ?? []).flatMap((error) => (error.message ? [error.message] : []));
  const message = [said?.message ?? String(answer.body), ...reasons].join(': ');
  return fail(`${what}: GitHub answered ${answer.status} ${message}`);
}

const repo = () => `/repos/${env('GITHUB_REPOSITORY')}`;

/** The commit the tag names on GitHub (through an annotated tag's object), or null without it. */
async function remoteTag(tag: string): Promise<string | null> {
  const found = await api('GET', `${repo()}/git/ref/tags/${tag}`);
  if (found.status === 404) return null;
  const { object } = expect(found, [200], `reading the tag ${tag}`) as {
    object: { type: string; sha: string };
  };
  if (object.type !== 'tag') return object.sha;
  const annotated = await api('GET', `${repo()}/git/tags/${object.sha}`);
  return (expect(annotated, [200], `reading the tag ${tag}`) as { object: { sha: string } }).object
    .sha;
}

/** The tag on `commit`: absent, it is created; on another commit, the release stops there. */
async function ensureTag(tag: string, commit: string, create: boolean): Promise<void> {
  const tagged = await remoteTag(tag);
  if (tagged === commit) return console.log(`${tag} is ${commit} on GitHub already`);
  if (tagged)
    fail(
      `${tag} names ${tagged} on GitHub, not ${commit}, the commit the release is: a released version is never moved. Delete the tag if it was pushed by mistake, or release another version`,
    );
  if (!create) return console.log(`${tag} is not on GitHub yet`);
  const made = await api('POST', `${repo()}/git/refs`, { ref: `refs/tags/${tag}`, sha: commit });
  expect(made, [201], `creating the tag ${tag}`);
  console.log(`${tag} created on ${commit}`);
}

interface Release {
  id: number;
  tag_name: string;
  draft: boolean;
  upload_url: string;
}

/** The release of `tag`, a draft one too (`releases/tags/{tag}` shows only published ones); null without. */
async function releaseOf(tag: string): Promise<Release | null> {
  for (let page = 1; ; page++) {
    const listed = await api('GET', `${repo()}/releases?per_page=100&page=${page}`);
    const releases = expect(listed, [200], 'listing the releases') as Release[];
    const found = releases.find((one) => one.tag_name === tag);
    if (found) return found;
    if (releases.length < 100) return null;
  }
}

/**
 * The release of `tag` with its notes and every file of ASSETS: a draft made
 * only where there is none, the files it lacks uploaded, then published (a
 * release's files may be immutable once it is published).
 */
async function ensureRelease(tag: string, version: string, folder: string): Promise<void> {
  const release =
    (await releaseOf(tag)) ??
    (expect(
      await api('POST', `${repo()}/releases`, {
        tag_name: tag,
        name: `Baton ${version}`,
        body: readFileSync(join(folder, 'notes.md'), 'utf8'),
        draft: true,
      }),
      [201],
      `creating the release ${tag}`,
    ) as Release);
  const listed = await api('GET', `${repo()}/releases/${release.id}/assets?per_page=100`);
  const present = new Set(
    (expect(listed, [200], 'listing its files') as { name: string }[]).map((one) => one.name),
  );
  for (const name of ASSETS.filter((one) => !present.has(one))) {
    const url = `${release.upload_url.replace(/\{.*\}$/, '')}?name=${encodeURIComponent(name)}`;
    const bytes = readFileSync(join(folder, name));
    expect(await api('POST', url, bytes, 'application/octet-stream'), [201], `uploading ${name}`);
    console.log(`${name} uploaded to ${tag}`);
  }
  if (release.draft) {
    const published = await api('PATCH', `${repo()}/releases/${release.id}`, { draft: false });
    expect(published, [200], `publishing the release ${tag}`);
  }
  console.log(`the release ${tag} is out`);
}

/** Pushes HEAD to the release branch with the token, which no command line shows. */
function pushHead(): void {
  const server = env('GITHUB_SERVER_URL');
  const basic = Buffer.from(`x-access-token:${env('GH_TOKEN')}`).toString('base64');
  execFileSync(
    'git',
    [
      'push',
      '--force',
      '--quiet',
      `${server}/${env('GITHUB_REPOSITORY')}.git`,
      `HEAD:refs/heads/${RELEASE_BRANCH}`,
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: `http.${server}/.extraheader`,
        GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
      },
    },
  );
}

/** The release pull request, opened or brought up to date. */
async function propose(folder: string): Promise<void> {
  pushHead();
  const body = readFileSync(join(folder, 'notes.md'), 'utf8');
  const [owner] = env('GITHUB_REPOSITORY').split('/');
  const head = encodeURIComponent(`${owner}:${RELEASE_BRANCH}`);
  const open = expect(
    await api('GET', `${repo()}/pulls?state=open&base=main&head=${head}`),
    [200],
    'finding the release pull request',
  ) as { number: number; html_url: string }[];
  const [found] = open;
  const pull = found
    ? (expect(
        await api('PATCH', `${repo()}/pulls/${found.number}`, { title: RELEASE_TITLE, body }),
        [200],
        'updating the release pull request',
      ) as { number: number; html_url: string })
    : (expect(
        await api('POST', `${repo()}/pulls`, {
          title: RELEASE_TITLE,
          head: RELEASE_BRANCH,
          base: 'main',
          body,
        }),
        [201],
        'opening the release pull request',
      ) as { number: number; html_url: string });
  console.log(`the release pull request: ${pull.html_url}`);
}

if (step === 'check-tag') {
  await ensureTag(`v${env('VERSION')}`, env('COMMIT'), false);
} else if (step === 'release') {
  if (!target) fail('usage: node scripts/release-github.ts release DIR');
  const version = env('VERSION');
  await ensureTag(`v${version}`, env('COMMIT'), true);
  await ensureRelease(`v${version}`, version, resolve(target));
} else if (step === 'propose') {
  if (!target) fail('usage: node scripts/release-github.ts propose DIR');
  await propose(resolve(target));
} else {
  fail(`unknown step "${step}": check-tag, release DIR or propose DIR`);
}
