import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../src/core/commands/parse-commands.js';
import { parseConfig } from '../../src/core/config/config.js';
import type { Action } from '../../src/core/context/action.js';
import { checkCommands } from '../../src/core/decide/check-commands.js';
import { decide } from '../../src/core/decide/decide.js';
import { validatePlan } from '../../src/core/plan/validate-plan.js';
import {
  callsProvider,
  EngineSetting,
  engineFor,
  enginesCalling,
  providerOf,
  readEngineSettings,
} from '../../src/core/sessions/engines.js';
import { renderDispatchInputs } from '../../src/core/sessions/session.js';
import type { CommandInfo, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { ENGINES, type Engine, listEngines } from '../../src/core/vocabulary/engine-names.js';
import { viewOf } from './decide-helpers.js';
import {
  ago,
  BUILD,
  makeCommand,
  makeConfig,
  makePlan,
  makeRun,
  makeSnapshot,
  makeUsageRecord,
  makeWorker,
  NOW,
  planRun,
} from './factories.js';

const settings = (raw: unknown) => readEngineSettings(EngineSetting.parse(raw));

function configWith(engine: unknown) {
  const parsed = makeConfig({ session: { engine } as never });
  if (!parsed.ok) throw new Error('bad config');
  return parsed.config;
}

describe('session.engine', () => {
  it.each([
    ['absent', undefined, { default: 'baton', roles: {}, allow: ['baton'] }],
    ['one engine', 'codex', { default: 'codex', roles: {}, allow: ['codex'] }],
    [
      'a table of roles',
      { work: 'claude-code', review: 'codex' },
      {
        default: 'baton',
        // Validation sessions follow the reviews' engine unless verification.validation.engine names one;
        // learn sessions always do.
        roles: { work: 'claude-code', review: 'codex', validate: 'codex', learn: 'codex' },
        allow: ['baton', 'claude-code', 'codex'],
      },
    ],
    [
      'a table that allows more',
      { default: 'claude-code', allow: ['codex'] },
      { default: 'claude-code', roles: {}, allow: ['claude-code', 'codex'] },
    ],
  ])('reads %s', (_name, raw, expected) => {
    expect(settings(raw)).toEqual(expected);
  });

  it('runs validation sessions on verification.validation.engine, which it allows', () => {
    const config = makeConfig({
      session: { engine: { default: 'claude-code', work: 'claude-code' } },
      verification: { validation: { engine: 'codex' } },
    });
    if (!config.ok) throw new Error('bad config');
    const read = readEngineSettings(
      config.config.session.engine,
      config.config.verification.validation.engine,
    );
    expect(read.roles.validate).toBe('codex');
    expect(read.allow).toEqual(['claude-code', 'codex']);
    expect(engineFor({ settings: read, role: 'validate' })).toBe('codex');
    expect(engineFor({ settings: read, role: 'work' })).toBe('claude-code');
  });

  it('prices a validation model named in verification.validation.model', () => {
    expect(
      parseConfig({ verification: { validation: { model: 'claude-unpriced-1' } } }),
    ).toMatchObject({
      ok: false,
      problems: [
        {
          field: 'verification.validation.model',
          message: expect.stringContaining('has no price'),
        },
      ],
    });
  });

  it('refuses an engine it does not know, and a role that is not one', () => {
    expect(parseConfig({ session: { engine: 'gemini' } })).toMatchObject({ ok: false });
    expect(parseConfig({ session: { engine: { deploy: 'codex' } } })).toMatchObject({
      ok: false,
      problems: [
        { field: 'session.engine.deploy', message: expect.stringContaining('not a Baton setting') },
      ],
    });
  });

  it('prices the OpenAI models only where Codex may run', () => {
    const models = { openai: { review: 'gpt-7-unpriced' } };
    expect(parseConfig({ models })).toMatchObject({ ok: true });
    expect(parseConfig({ models, session: { engine: { review: 'codex' } } })).toMatchObject({
      ok: false,
      problems: [
        { field: 'models.openai.review', message: expect.stringContaining('has no price') },
      ],
    });
  });
});

describe('engineFor', () => {
  const table = settings({
    default: 'baton',
    work: 'claude-code',
    review: 'codex',
    allow: ['codex'],
  });
  it.each<
    [
      string,
      Parameters<typeof engineFor>[0]['role'],
      Engine | undefined,
      Engine | undefined,
      Engine,
    ]
  >([
    ['the role’s own', 'work', undefined, undefined, 'claude-code'],
    ['the default for a role the table leaves out', 'plan', undefined, undefined, 'baton'],
    ['the plan’s engine for the worker', 'work', 'codex', undefined, 'codex'],
    ['the plan’s engine for the worker’s fixes too', 'fix', 'codex', undefined, 'codex'],
    ['a /retry’s engine over the plan’s', 'work', 'baton', 'codex', 'codex'],
    [
      'the role’s own for a review, whatever the worker ran on',
      'review',
      'claude-code',
      'baton',
      'codex',
    ],
  ])('takes %s', (_name, role, planned, retried, expected) => {
    expect(engineFor({ settings: table, role, planned, retried })).toBe(expected);
  });
});

describe('/retry … engine=', () => {
  it('reads the engine from the first word after the worker, and the rest as instructions', () => {
    expect(parseCommands('/retry W2.1 engine=Codex use the new API').commands).toEqual([
      { name: 'retry', worker: 'W2.1', instructions: 'use the new API', engine: 'codex' },
    ]);
    expect(parseCommands('/retry W2.1 use engine=codex later').commands).toEqual([
      { name: 'retry', worker: 'W2.1', instructions: 'use engine=codex later' },
    ]);
  });

  it('explains a name that is no engine', () => {
    expect(parseCommands('/retry W2.1 engine=gemini').errors).toEqual([
      {
        line: '/retry W2.1 engine=gemini',
        message:
          '`engine=gemini` names no engine: the engines are `baton`, `claude-code`, `codex`, `copilot`, e.g. `/retry W2.1 engine=codex`.',
      },
    ]);
  });
});

describe('a plan’s engine per worker', () => {
  const raw = (engine: string) =>
    makePlan({ workers: [makeWorker({ id: 'W1.1', engine: engine as Engine })] });
  it('is checked against the engines the configuration allows', () => {
    const briefSizes = { 'workers/W1.1.md': 10 };
    expect(
      validatePlan({ raw: raw('codex'), build: BUILD, briefSizes, engines: ['baton', 'codex'] }),
    ).toMatchObject({ ok: true });
    expect(
      validatePlan({ raw: raw('codex'), build: BUILD, briefSizes, engines: ['baton'] }),
    ).toEqual({
      ok: false,
      problems: [
        'W1.1 asks for the engine codex, which session.engine in .github/baton.yml does not allow (allowed: baton); choose one of those or leave "engine" out.',
      ],
    });
  });
});

describe('dispatching on an engine', () => {
  const plan = makePlan({
    workers: [makeWorker({ id: 'W1.1', engine: 'codex' }), makeWorker({ id: 'W1.2' })],
  });
  const decideWith = ({
    runs = [],
    commands = [],
    engine,
  }: {
    runs?: RunInfo[];
    commands?: CommandInfo[];
    engine: unknown;
  }) =>
    decide({
      snapshot: makeSnapshot({
        plan: { kind: 'valid', plan, sha: 'p' },
        runs: [planRun(), ...runs],
        commands,
      }),
      config: makeConfig({ approval: 'none', session: { engine } as never }),
      now: NOW,
    });
  const engines = (actions: Action[]) =>
    Object.fromEntries(
      actions.flatMap((action) =>
        action.kind === 'dispatch'
          ? [[`${action.request.role} ${action.request.worker}`, action.request.engine ?? 'baton']]
          : [],
      ),
    );

  it('frames each dispatch with the worker’s engine, and names none for Baton’s own loop', () => {
    const actions = decideWith({
      engine: { default: 'baton', work: 'claude-code', allow: ['codex'] },
    });
    expect(engines(actions)).toEqual({ 'work W1.1': 'codex', 'work W1.2': 'claude-code' });
    const request = actions.find((a) => a.kind === 'dispatch' && a.request.worker === 'W1.2');
    expect(request?.kind === 'dispatch' && renderDispatchInputs(request.request).engine).toBe(
      'claude-code',
    );
    const baton = decideWith({ engine: { allow: ['codex'] } }).find(
      (a) => a.kind === 'dispatch' && a.request.worker === 'W1.2',
    );
    expect(baton?.kind === 'dispatch' && 'engine' in renderDispatchInputs(baton.request)).toBe(
      false,
    );
  });

  it('runs a /retry on the engine it names, and ignores one the configuration does not allow', () => {
    const failed = makeRun({
      id: 7012,
      worker: 'W1.2',
      conclusion: 'failure',
      createdAt: ago(30),
      updatedAt: ago(20),
    });
    const retry = (engine: Engine) =>
      makeCommand(
        { name: 'retry', worker: 'W1.2', instructions: '', engine },
        { createdAt: ago(5) },
      );
    const allowed = decideWith({
      runs: [failed],
      commands: [retry('codex')],
      engine: { allow: ['codex'] },
    });
    expect(engines(allowed)['work W1.2']).toBe('codex');
    const refused = decideWith({
      runs: [failed],
      commands: [retry('claude-code')],
      engine: { allow: ['codex'] },
    });
    expect(engines(refused)['work W1.2']).toBeUndefined();
    const snapshot = makeSnapshot({
      plan: { kind: 'valid', plan, sha: 'p' },
      runs: [planRun(), failed],
    });
    expect(
      checkCommands({
        commands: [retry('claude-code').command],
        snapshot,
        config: configWith({ allow: ['codex'] }),
        now: NOW,
      }),
    ).toEqual([
      {
        line: '/retry W1.2 engine=claude-code',
        message:
          'the engine claude-code is not allowed by session.engine in .github/baton.yml (allowed: baton, codex); add it to session.engine.allow, or choose one of those',
      },
    ]);
  });

  it('shows each worker’s engine: the one its latest session recorded, else the one it will run on', () => {
    const snapshot = makeSnapshot({
      plan: { kind: 'valid', plan, sha: 'p' },
      runs: [
        planRun(),
        makeRun({ id: 7011, worker: 'W1.1', status: 'in_progress', conclusion: null }),
      ],
      usage: [
        makeUsageRecord({ run_id: 7011, role: 'work', worker: 'W1.1', engine: 'claude-code' }),
      ],
    });
    const actions = decide({
      snapshot,
      config: makeConfig({
        approval: 'none',
        session: { engine: { allow: ['codex', 'claude-code'] } } as never,
      }),
      now: NOW,
    });
    const view = viewOf(actions);
    const rows = view.phase === 'running' ? view.progress.workers : [];
    expect(rows.map((row) => [row.id, row.engine])).toEqual([
      ['W1.1', 'claude-code'],
      ['W1.2', 'baton'],
    ]);
  });
});

describe('what the core knows of each engine', () => {
  it('names whose models each engine calls, and which engines need each key', () => {
    expect(ENGINES.map((engine) => [engine, providerOf(engine)])).toEqual([
      ['baton', 'anthropic'],
      ['claude-code', 'anthropic'],
      ['codex', 'openai'],
      ['copilot', 'anthropic'],
    ]);
    expect(enginesCalling('anthropic')).toBe('Baton’s loop, Claude Code and GitHub Copilot CLI');
    expect(enginesCalling('openai')).toBe('Codex');
    expect(callsProvider(['baton', 'codex'], 'openai')).toBe(true);
    expect(callsProvider(['claude-code'], 'openai')).toBe(false);
    // A report of a newer session may name an engine this version does not know: it calls no one here.
    expect(callsProvider(['someday'], 'anthropic')).toBe(false);
    expect(listEngines()).toBe('baton, claude-code, codex or copilot');
  });
});
