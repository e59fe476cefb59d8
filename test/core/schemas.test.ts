import { describe, expect, it } from 'vitest';
import { Config, defaultConfig, parseConfig } from '../../src/core/config/config.js';
import { dueFiring, firingSlot, Schedule } from '../../src/core/config/schedules.js';
import { Plan, waveOf } from '../../src/core/plan/plan.js';
import { parseBrief } from '../../src/core/records/brief.js';
import { Completion } from '../../src/core/records/completion.js';
import { oneLineReason, REASON_MAX_CHARS, UsageRecord } from '../../src/core/records/usage.js';

function makePlanJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    build: '12-add-login',
    issue: 12,
    title: 'Add login',
    summary: 'A form and an API.',
    workers: [{ id: 'W1.1', title: 'Form' }],
    ...overrides,
  };
}

describe('Plan', () => {
  it('fills a worker’s defaults', () => {
    expect(Plan.parse(makePlanJson()).workers).toEqual([
      { id: 'W1.1', title: 'Form', depends_on: [], complexity: 'normal' },
    ]);
  });

  it.each([
    ['no workers', { workers: [] }],
    ['an unknown field', { extra: true }],
    ['a worker with an unknown field', { workers: [{ id: 'W1.1', title: 'x', model: 'y' }] }],
    ['a bad worker id', { workers: [{ id: 'W1', title: 'x' }] }],
    ['a blank title', { title: '   ' }],
    ['version 2', { version: 2 }],
    ['issue 0', { issue: 0 }],
  ])('refuses a plan with %s', (_name, overrides) => {
    expect(Plan.safeParse(makePlanJson(overrides)).success).toBe(false);
  });

  it.each([
    ['W1.1', 1],
    ['W12.3', 12],
  ])('reads the wave of %s', (id, wave) => {
    expect(waveOf(id)).toBe(wave);
  });
});

function makeBrief(frontMatter: string, body = '# Mission\nBuild the form.\n'): string {
  return `---\n${frontMatter}\n---\n${body}`;
}

const FRONT = 'worker_id: W2.1\ntitle: Login API\nwave: 2\ndepends_on: [W1.1]\ncomplexity: complex';

describe('parseBrief', () => {
  it('splits the front matter from the body', () => {
    expect(parseBrief(makeBrief(FRONT))).toEqual({
      ok: true,
      frontMatter: {
        worker_id: 'W2.1',
        title: 'Login API',
        wave: 2,
        depends_on: ['W1.1'],
        complexity: 'complex',
      },
      body: '# Mission\nBuild the form.\n',
    });
  });

  it.each([
    ['Windows line ends', makeBrief(FRONT).replace(/\n/g, '\r\n')],
    ['a byte order mark', `\uFEFF${makeBrief(FRONT)}`],
    ['spaces after a fence', makeBrief(FRONT).replace(/---\n/g, '---  \n')],
  ])('reads a brief with %s', (_name, text) => {
    expect(parseBrief(text)).toMatchObject({ ok: true, frontMatter: { worker_id: 'W2.1' } });
  });

  it('fills the defaults', () => {
    const parsed = parseBrief(makeBrief('worker_id: W1.1\ntitle: Form\nwave: 1'));
    expect(parsed).toMatchObject({
      ok: true,
      frontMatter: { depends_on: [], complexity: 'normal' },
    });
  });

  it.each([
    [
      'no front matter',
      '# Mission\n',
      ['the brief must start with YAML front matter between --- lines'],
    ],
    [
      'an unclosed front matter',
      `---\n${FRONT}\n# Mission\n`,
      ['the brief must start with YAML front matter between --- lines'],
    ],
    [
      'a longer closing line',
      `---\n${FRONT}\n----\nBody`,
      ['the brief must start with YAML front matter between --- lines'],
    ],
    [
      'broken YAML',
      makeBrief('worker_id: [W1.1'),
      [expect.stringMatching(/^front matter is not valid YAML: /)],
    ],
    [
      'YAML that is not a mapping',
      makeBrief('just text'),
      ['front matter (root): Invalid input: expected object, received string'],
    ],
    [
      'bad fields',
      makeBrief('worker_id: W1\ntitle: ""\nwave: 1'),
      [
        'front matter worker_id: a worker id is W<wave>.<seq>, like W1.2',
        'front matter title: Too small: expected string to have >=1 characters',
      ],
    ],
    [
      'a wave that is not the id’s',
      makeBrief('worker_id: W2.1\ntitle: x\nwave: 1'),
      ['front matter wave: is 1, but W2.1 is in wave 2'],
    ],
    ['no body', makeBrief(FRONT, '\n  \n'), ['the brief has no body after its front matter']],
    [
      'nothing after the closing line',
      `---\n${FRONT}\n---`,
      ['the brief has no body after its front matter'],
    ],
  ])('refuses a brief with %s', (_name, text, problems) => {
    expect(parseBrief(text)).toEqual({ ok: false, problems });
  });
});

function makeCompletion(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    worker_id: 'W1.1',
    status: 'complete',
    summary: 'Added the form.',
    usage: { input_tokens: 10, output_tokens: 5, cost_usd: 0.01, turns: 2, seconds: 30 },
    ...overrides,
  };
}

describe('Completion', () => {
  it('fills the defaults', () => {
    expect(Completion.parse(makeCompletion())).toEqual({
      ...makeCompletion(),
      artifacts: [],
      learnings: [],
      concerns: [],
      decisions: [],
      follow_up: [],
      affects: [],
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
        cost_usd: 0.01,
        turns: 2,
        seconds: 30,
      },
    });
  });

  it.each([
    ['an unknown status', { status: 'done' }],
    ['an empty summary', { summary: ' ' }],
    ['too many concerns', { concerns: Array.from({ length: 51 }, () => 'x') }],
    ['a concern too long', { concerns: ['x'.repeat(2001)] }],
    ['an unknown field', { notes: 'x' }],
    [
      'negative tokens',
      { usage: { input_tokens: -1, output_tokens: 0, cost_usd: 0, turns: 0, seconds: 0 } },
    ],
    ['no usage', { usage: undefined }],
    ['an affected worker that is not a worker id', { affects: ['the login form'] }],
  ])('refuses a completion with %s', (_name, overrides) => {
    expect(Completion.safeParse(makeCompletion(overrides)).success).toBe(false);
  });
});

describe('config', () => {
  it('has the documented defaults', () => {
    expect(defaultConfig()).toEqual({
      label: 'orchestrate',
      types: { research: 'orchestrate:research', content: 'orchestrate:content' },
      approval: 'plan',
      maxParallel: 4,
      notify: [],
      models: {
        plan: 'claude-opus-5-5',
        easy: 'claude-haiku-5-5',
        normal: 'claude-sonnet-5-5',
        complex: 'claude-opus-5-5',
        review: 'claude-sonnet-5-5',
        thinking: { plan: 8000, easy: 0, normal: 0, complex: 8000, review: 0 },
        openai: {
          plan: 'gpt-5.5',
          easy: 'gpt-5.5',
          normal: 'gpt-5.5',
          complex: 'gpt-5.5',
          review: 'gpt-5.5',
        },
        prices: {},
      },
      review: { enabled: true, maxFixRounds: 2, requireHuman: false },
      merge: { method: 'squash', requireChecks: true },
      session: {
        timeoutMinutes: 60,
        queuedMinutes: 30,
        maxTurns: 80,
        allowWorkflowChanges: false,
        runsOn: 'ubuntu-latest',
        test: null,
        engine: 'baton',
        network: { allow: [], ports: [] },
      },
      budget: { maxUsd: 50, dailyUsd: null, continuePartial: false },
      final: { autoMerge: false, keepRecord: true },
      plan: { mirrorSubIssues: false },
      improve: { label: null, loops: 3, approval: 'every-loop' },
      research: { web: 'auto', allowedDomains: [], blockedDomains: [], maxUses: 10 },
      changeSets: { repositories: [], shareWith: [] },
      runaway: { failures: 3, usdPerHour: 20 },
      verification: {
        autonomy: {
          waitFor: ['workflow', 'ownership', 'test-aware', 'build', 'dependency', 'security'],
        },
        securityPaths: [],
        interfacePaths: [],
        contract: true,
        validation: {},
        workPaths: [],
      },
      memory: {
        enabled: true,
        budgetTokens: 2000,
        expireDays: 90,
        roles: ['plan', 'contract', 'work', 'fix', 'review', 'validate'],
      },
      schedules: [],
      events: { checkFailed: { workflows: [] }, pullLabel: false },
      trackers: {},
    });
  });

  it('reads changeSets as repositories in lower case, and refuses a repeat', () => {
    expect(
      parseConfig({
        changeSets: { repositories: ['Acme/Lib', 'acme/client'], shareWith: ['acme/app'] },
      }),
    ).toMatchObject({
      ok: true,
      config: {
        changeSets: { repositories: ['acme/lib', 'acme/client'], shareWith: ['acme/app'] },
      },
    });
    expect(parseConfig({ changeSets: { repositories: ['acme/lib', 'ACME/lib'] } })).toMatchObject({
      ok: false,
      problems: [{ field: 'changeSets.repositories', message: 'lists a repository twice' }],
    });
  });

  it.each([
    [['lib', 'acme/lib'], 1, 'must be a repository as owner/name, like acme/lib', '"lib"'],
    [
      ['acme/lib', 'acme/lib.git'],
      2,
      'must be owner/name without .git, like acme/lib',
      '"acme/lib.git"',
    ],
  ] as const)(
    'refuses changeSets.repositories %j, item %i: a name that is none',
    (repositories, item, message, value) => {
      expect(parseConfig({ changeSets: { repositories: [...repositories] } })).toEqual({
        ok: false,
        problems: [
          {
            field: `changeSets.repositories, item ${item}`,
            message,
            path: ['changeSets', 'repositories', item - 1],
            value,
          },
        ],
      });
    },
  );

  it.each([
    ['a cap', { maxUsd: 12.5 }, 12.5],
    ['null: no cap', { maxUsd: null }, null],
    ['0: no cap', { maxUsd: 0 }, null],
  ])('reads budget.maxUsd of %s', (_name, budget, expected) => {
    expect(parseConfig({ budget })).toMatchObject({
      ok: true,
      config: { budget: { maxUsd: expected } },
    });
  });

  it('reads notify as logins, with or without @', () => {
    expect(parseConfig({ notify: ['@alice', 'bob'] })).toMatchObject({
      ok: true,
      config: { notify: ['alice', 'bob'] },
    });
    expect(parseConfig({ notify: ['not a login'] })).toMatchObject({ ok: false });
  });

  it.each([null, undefined, {}])('reads an empty file (%j) as the defaults', (raw) => {
    expect(parseConfig(raw)).toEqual({ ok: true, config: defaultConfig() });
  });

  it('keeps the defaults beside what a file sets', () => {
    const parsed = parseConfig({
      label: 'baton',
      review: { maxFixRounds: 0 },
      budget: { maxUsd: 25 },
    });
    expect(parsed).toEqual({
      ok: true,
      config: {
        ...defaultConfig(),
        label: 'baton',
        review: { ...defaultConfig().review, maxFixRounds: 0 },
        budget: { maxUsd: 25, dailyUsd: null, continuePartial: false },
      },
    });
    expect(Config.parse({ approval: 'none' }).approval).toBe('none');
  });

  it.each([
    [
      'a misspelt key',
      { labl: 'x' },
      [{ field: 'labl', message: 'is not a Baton setting; did you mean `label`?' }],
    ],
    [
      'a key in the wrong case, and one near no setting',
      { budget: { maxUSD: 5 }, colour: 'blue' },
      [
        { field: 'budget.maxUSD', message: 'is not a Baton setting; did you mean `maxUsd`?' },
        { field: 'colour', message: 'is not a Baton setting (check the spelling)' },
      ],
    ],
    [
      'misspelt nested keys',
      { review: { maxFixRound: 1, enable: true } },
      [
        {
          field: 'review.maxFixRound',
          message: 'is not a Baton setting; did you mean `maxFixRounds`?',
        },
        { field: 'review.enable', message: 'is not a Baton setting; did you mean `enabled`?' },
      ],
    ],
    [
      'a value out of range',
      { maxParallel: 50 },
      [{ field: 'maxParallel', message: 'must be at most 20', value: '50' }],
    ],
    [
      'a list too long, counted',
      { notify: Array.from({ length: 11 }, (_, i) => `user${i}`) },
      [{ field: 'notify', message: 'lists 11 items; at most 10 may be listed' }],
    ],
    [
      'text where a list belongs, quoted',
      { changeSets: { repositories: 'acme/lib' } },
      [{ field: 'changeSets.repositories', message: 'must be a list, not "acme/lib"' }],
    ],
    [
      'a bad item, counted from 1 and quoted',
      { notify: ['alice', 'bob', 'not a login'] },
      [{ field: 'notify, item 3', message: 'is not a GitHub login', value: '"not a login"' }],
    ],
    [
      'a value that is neither a literal nor the type beside it',
      { research: { web: 'maybe' } },
      [{ field: 'research.web', message: 'must be "auto", or true or false', value: '"maybe"' }],
    ],
    [
      'a wrong type',
      { merge: { method: 'fast-forward' } },
      [
        {
          field: 'merge.method',
          message: 'must be one of: squash, merge, rebase',
          value: '"fast-forward"',
        },
      ],
    ],
    [
      'a setting not supported yet',
      { final: { keepRecord: false } },
      [
        {
          field: 'final.keepRecord',
          message: expect.stringContaining('not supported yet'),
          value: 'false',
        },
      ],
    ],
    [
      'a file that is not a mapping',
      'label: x',
      [{ field: '(file)', message: 'must be a table of settings, not "label: x"' }],
    ],
  ])('names the field of %s', (_name, raw, problems) => {
    const parsed = parseConfig(raw);
    expect(parsed.ok).toBe(false);
    // The path that finds the line is beside each; what a person reads is the field, the value and the message.
    const read = parsed.ok
      ? []
      : parsed.problems.map(({ field, message, value }) => ({
          field,
          message,
          ...(value === undefined ? {} : { value }),
        }));
    expect(read).toEqual(problems);
    for (const problem of read)
      expect(problem.message).not.toMatch(/Invalid input|Too big|Too small|expected \w+ to/);
  });

  it.each([
    {
      models: { normal: 'gpt-7' },
      problems: [
        {
          field: 'models.normal',
          message: expect.stringMatching(/^gpt-7 has no price.*models\.prices/),
        },
      ],
    },
    {
      models: { plan: 'x', review: 'y' },
      problems: [
        { field: 'models.plan', message: expect.stringContaining('x has no price') },
        { field: 'models.review', message: expect.stringContaining('y has no price') },
      ],
    },
    { models: { normal: 'gpt-7', prices: { 'gpt-7': { input: 2, output: 8 } } }, problems: null },
    { models: { normal: 'my-sonnet-proxy' }, problems: null },
    {
      models: { normal: 'gpt-7', prices: { 'gpt-7': { input: -1, output: 8 } } },
      problems: [{ field: 'models.prices.gpt-7.input', message: expect.any(String) }],
    },
  ])('refuses a model it cannot price: $models', ({ models, problems }) => {
    const parsed = parseConfig({ models });
    if (problems === null) expect(parsed.ok).toBe(true);
    else expect(parsed).toMatchObject({ ok: false, problems });
  });
});

describe('config: schedules', () => {
  const one = { name: 'upkeep', cron: '0 6 * * 1-5', brief: 'docs/upkeep.md' };
  const problems = (schedule: Record<string, unknown>) => {
    const parsed = parseConfig({ schedules: [schedule] });
    return parsed.ok ? [] : parsed.problems.map((problem) => problem.message);
  };

  it('takes a five-field cron in a time zone, building an issue again or a brief file', () => {
    expect(problems(one)).toEqual([]);
    expect(problems({ ...one, brief: undefined, issue: 4, timeZone: 'Europe/Berlin' })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a cron oftener than hourly',
      { ...one, cron: '*/30 * * * *' },
      /more often than once an hour/,
    ],
    ['a six-field cron', { ...one, cron: '0 0 6 * * *' }, /five-field/],
    ['an unknown time zone', { ...one, timeZone: 'Mars/Olympus' }, /time zone/],
    ['both an issue and a brief', { ...one, issue: 4 }, /one of issue or brief/],
    ['neither', { ...one, brief: undefined }, /one of issue or brief/],
    [
      'a brief outside the repository',
      { ...one, brief: '../etc/passwd' },
      /a file of the repository/,
    ],
  ])('refuses %s', (_, schedule, problem) => {
    expect(problems(schedule).join('\n')).toMatch(problem);
  });

  it('finds the firing due: the newest run of the cron, two hours late at most', () => {
    const schedule = Schedule.parse({ ...one, cron: '0 6 * * *', timeZone: 'Europe/Berlin' });
    expect(dueFiring(schedule, '2026-11-28T04:59:00.000Z')).toBeNull();
    expect(dueFiring(schedule, '2026-11-28T05:00:00.000Z')).toBe('2026-11-28T05:00:00.000Z');
    expect(dueFiring(schedule, '2026-11-28T06:59:00.000Z')).toBe('2026-11-28T05:00:00.000Z');
    expect(dueFiring(schedule, '2026-11-28T07:01:00.000Z')).toBeNull();
    // Summer time: 06:00 in Berlin is 04:00 UTC.
    expect(dueFiring(schedule, '2026-07-01T04:30:00.000Z')).toBe('2026-07-01T04:00:00.000Z');
    expect(firingSlot('2026-11-28T05:00:00.000Z')).toBe('20261128T0500Z');
  });
});

describe('a usage record’s reason', () => {
  it('is kept whole when it fits', () => {
    const reason = `publish refused: ${'x'.repeat(REASON_MAX_CHARS - 17)}`;
    expect(oneLineReason(reason)).toBe(reason);
  });

  it('is cut only when long, at a word, and says how long it was', () => {
    const refusal = `publish refused: .github/workflows/ci.yml weakens the build's contract: a step gains "continue-on-error: true", so a failing test passes. ${'Workers may not weaken the contract. '.repeat(6)}`;
    const reason = oneLineReason(refusal) ?? '';
    expect(reason.length).toBeLessThanOrEqual(REASON_MAX_CHARS);
    expect(reason).toMatch(/ contract\.… \(cut from \d+ characters\)$/);
    expect(reason).toContain(`(cut from ${refusal.trim().length} characters)`);
    expect(UsageRecord.shape.reason.safeParse(reason).success).toBe(true);
  });
});
