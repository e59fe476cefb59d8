import { describe, expect, it } from 'vitest';
import {
  applyPolicy,
  checkPolicy,
  effectiveSettings,
  type ReadPolicy,
} from '../../src/core/config/org-policy.js';
import { type AskRecord, configForAsk } from '../../src/core/snapshot/ask-record.js';

const SOURCE = { source: 'acme/.github', commit: 'a'.repeat(40) };

function policyOf(raw: unknown): ReadPolicy {
  const { policy, problems } = checkPolicy(raw);
  expect(problems).toEqual([]);
  if (!policy) throw new Error('no policy');
  return { source: SOURCE, policy };
}

const STRICT = policyOf({
  defaults: { budget: { maxUsd: 20 }, session: { engine: 'claude-code' } },
  limits: {
    engines: ['claude-code'],
    waitFor: ['workflow', 'security'],
    maxUsd: 30,
    perAskerDailyUsd: 50,
    memory: false,
  },
});

describe('an organisation policy over a repository’s config', () => {
  it('gives its defaults to a repository that sets nothing, within its limits', () => {
    const { config, applied } = applyPolicy({}, STRICT);
    expect(config.ok && config.config.budget.maxUsd).toBe(20);
    expect(config.ok && config.config.session.engine).toBe('claude-code');
    expect(config.ok && config.config.memory.enabled).toBe(false);
    expect(applied).toEqual({
      source: SOURCE,
      ignored: [],
      perAskerDailyUsd: 50,
      otherDoorsWait: false,
    });
  });

  it('lets a repository tighten what the policy limits', () => {
    const { config, applied } = applyPolicy({ budget: { maxUsd: 5 } }, STRICT);
    expect(config.ok && config.config.budget.maxUsd).toBe(5);
    expect(applied?.ignored).toEqual([]);
  });

  it('ignores and names every setting that loosens a limit', () => {
    const { config, applied } = applyPolicy(
      {
        budget: { maxUsd: 500 },
        session: { engine: 'codex' },
        verification: { autonomy: { waitFor: ['dependency'] } },
        memory: { enabled: true },
      },
      STRICT,
    );
    if (!config.ok) throw new Error('not ok');
    expect(config.config.budget.maxUsd).toBe(20);
    expect(config.config.session.engine).toBe('claude-code');
    expect(config.config.verification.autonomy.waitFor).toEqual([
      'dependency',
      'workflow',
      'security',
    ]);
    expect(config.config.memory.enabled).toBe(false);
    expect(applied?.ignored.map((one) => one.field)).toEqual([
      'session.engine',
      'verification.autonomy.waitFor',
      'budget.maxUsd',
      'memory.enabled',
    ]);
    expect(applied?.ignored[2]).toEqual({
      field: 'budget.maxUsd',
      value: '500',
      limit: 'at most 30 US dollars a build',
    });
  });

  it('takes a budget turned off for a loosening, and gives the limit where the defaults set none', () => {
    const bare = policyOf({ limits: { maxUsd: 30 } });
    const { config, applied } = applyPolicy({ budget: { maxUsd: 0 } }, bare);
    expect(config.ok && config.config.budget.maxUsd).toBe(30);
    expect(applied?.ignored.map((one) => one.field)).toEqual(['budget.maxUsd']);
    // Baton's default (50) is above the limit too: the limit stands for it.
    expect(applyPolicy({}, bare).config).toMatchObject({
      ok: true,
      config: { budget: { maxUsd: 30 } },
    });
  });

  it('refuses a model outside the list, the defaults’ standing in', () => {
    const models = policyOf({
      defaults: {
        models: {
          plan: 'claude-sonnet-4-6',
          easy: 'claude-sonnet-4-6',
          normal: 'claude-sonnet-4-6',
          complex: 'claude-sonnet-4-6',
          review: 'claude-sonnet-4-6',
        },
      },
      limits: { models: ['claude-sonnet-4-6'] },
    });
    const { config, applied } = applyPolicy({ models: { complex: 'claude-opus-4-6' } }, models);
    expect(config.ok && config.config.models.complex).toBe('claude-sonnet-4-6');
    expect(applied?.ignored).toEqual([
      {
        field: 'models.complex',
        value: 'claude-opus-4-6',
        limit: 'models allowed: claude-sonnet-4-6',
      },
    ]);
  });

  it('leaves a repository with no policy as its file says', () => {
    const { config, applied } = applyPolicy({ budget: { maxUsd: 500 } }, null);
    expect(config.ok && config.config.budget.maxUsd).toBe(500);
    expect(applied).toBeNull();
  });

  it('finds a policy whose defaults break its own limits, or that is no policy', () => {
    expect(
      checkPolicy({ defaults: { session: { engine: 'codex' } }, limits: { engines: ['baton'] } })
        .problems,
    ).toEqual([
      'defaults.session.engine (codex) breaks the policy\u2019s own limit: engines allowed: baton'.replace(
        '\u2019',
        "'",
      ),
    ]);
    expect(checkPolicy({ limits: { maxUsd: -1 } }).problems).toEqual([
      'limits.maxUsd Too small: expected number to be >0',
    ]);
    expect(checkPolicy({ limits: { models: ['gpt-5.5'] } }).policy).toBeNull();
    expect(checkPolicy({ limitz: {} }).policy).toBeNull();
  });

  it('says where each setting in effect came from', () => {
    const repoRaw = { budget: { maxUsd: 500, dailyUsd: 10 } };
    const { config, applied } = applyPolicy(repoRaw, STRICT);
    if (!config.ok || !applied) throw new Error('not ok');
    const settings = effectiveSettings({
      config: config.config,
      repoRaw,
      policy: STRICT.policy,
      ignored: applied.ignored,
    });
    const origin = (field: string) => settings.find((one) => one.field === field);
    expect(origin('budget.maxUsd')).toEqual({
      field: 'budget.maxUsd',
      value: '20',
      origin: 'policy limit',
    });
    expect(origin('budget.dailyUsd')).toEqual({
      field: 'budget.dailyUsd',
      value: '10',
      origin: 'repository',
    });
    expect(origin('session.engine')).toEqual({
      field: 'session.engine',
      value: 'claude-code',
      origin: 'policy',
    });
    expect(origin('label')).toEqual({ field: 'label', value: 'orchestrate', origin: 'default' });
  });
});

describe('a build another door than the label asked for, under limits.otherDoorsApprove: false', () => {
  const policy = policyOf({ limits: { otherDoorsApprove: false } });
  const ask = (how: AskRecord['how']): AskRecord => ({
    by: 'alice',
    how,
    at: '2026-03-01T10:00:00Z',
    what: { kind: 'build', type: 'code' },
  });

  it('waits for /approve where the repository says approval: none, and the status names it', () => {
    const { config } = applyPolicy({ approval: 'none' }, policy);
    const held = configForAsk(config, ask({ way: 'schedule', schedule: 'nightly' }));
    expect(held.ok && held.config.approval).toBe('plan');
    expect(held.ok && held.policy?.ignored).toEqual([
      {
        field: 'approval',
        value: 'none',
        limit: 'a build asked through the schedule door waits for /approve',
      },
    ]);
  });

  it('lets the label start one without it', () => {
    const { config } = applyPolicy({ approval: 'none' }, policy);
    const labelled = configForAsk(config, ask({ way: 'label', label: 'orchestrate' }));
    expect(labelled.ok && labelled.config.approval).toBe('none');
  });
});
