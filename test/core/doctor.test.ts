import { describe, expect, it } from 'vitest';
import {
  doctorExitCode,
  findMissingEvents,
  findMissingPermissions,
  installationSettingsUrl,
  renderDoctor,
} from '../../src/core/doctor/doctor.js';
import {
  type DoctorReport,
  parseDoctorReport,
  parseDoctorRunName,
  renderDoctorReport,
  renderDoctorRunName,
} from '../../src/core/doctor/doctor-session.js';
import { parseRunName } from '../../src/core/sessions/session.js';

describe('findMissingPermissions', () => {
  it.each<[string, Record<string, string>, Record<string, string>, string[]]>([
    ['none missing when equal', { contents: 'write' }, { contents: 'write' }, []],
    ['write covers read', { statuses: 'read' }, { statuses: 'write' }, []],
    ['read does not cover write', { checks: 'write' }, { checks: 'read' }, ['checks: write']],
    ['an absent one is named', { workflows: 'write' }, {}, ['workflows: write']],
    ['admin covers write', { contents: 'write' }, { contents: 'admin' }, []],
  ])('%s', (_, wanted, granted, expected) => {
    expect(findMissingPermissions({ wanted, granted })).toEqual(expected);
  });
});

describe('findMissingEvents', () => {
  it('names the events the installation does not deliver, in app.yml order', () => {
    expect(
      findMissingEvents({ wanted: ['issues', 'push', 'status'], granted: ['status', 'issues'] }),
    ).toEqual(['push']);
  });
});

describe('installationSettingsUrl', () => {
  it.each<['User' | 'Organization', string]>([
    ['Organization', 'https://github.com/organizations/acme/settings/installations/7'],
    ['User', 'https://github.com/settings/installations/7'],
  ])('points a %s at its installation settings', (accountType, expected) => {
    expect(
      installationSettingsUrl({
        serverUrl: 'https://github.com/',
        account: 'acme',
        accountType,
        installationId: 7,
      }),
    ).toBe(expected);
  });
});

describe('the doctor run name', () => {
  it('round-trips and is no build run', () => {
    const name = renderDoctorRunName('doctor-abc123def4');
    expect(parseDoctorRunName(name)).toBe('doctor-abc123def4');
    expect(parseRunName(name)).toBeNull();
  });

  it.each([
    'baton doctor 12-add-login - -',
    'baton doctor doctor-abc123def4 W1.1 -',
    'baton plan doctor-abc123def4 - -',
    'baton doctor doctor-ABC - -',
  ])('is not read from %s', (name) => {
    expect(parseDoctorRunName(name)).toBeNull();
  });
});

const PROBE = { answer: 'yes' as const, detail: 'asked' };
const REPORT: DoctorReport = {
  version: 1,
  agent: {
    version: 1,
    key: 'present',
    models: [{ model: 'claude-opus-5-5', ok: true, detail: 'answered' }],
    collaboratorPermission: PROBE,
    sandbox: PROBE,
  },
  appUrl: 'https://baton.example.com',
  probes: {
    'graphql-hidden-refs': { answer: 'no', detail: 'listed nothing' },
    'push-starts-workflows': { answer: 'no', detail: 'no run' },
    'hidden-ref-without-workflows': PROBE,
    'viewer-has-reacted': { answer: 'unknown', detail: 'GraphQL answered 502' },
    'edit-tag-answers-read': { answer: 'no', detail: 'answered 200' },
  },
};

describe('the doctor report', () => {
  it('reads back what publish wrote, and nothing else', () => {
    expect(parseDoctorReport(JSON.stringify(REPORT))).toEqual(REPORT);
    expect(parseDoctorReport('baton usage {}')).toBeNull();
    expect(parseDoctorReport(JSON.stringify({ ...REPORT, version: 2 }))).toBeNull();
  });

  it('passes a "no" that has a fallback, fails an unknown answer, and exits 1', () => {
    const checks = renderDoctorReport(REPORT);
    const text = renderDoctor(checks);
    expect(text).toMatch(
      /^ok {3}probe graphql-hidden-refs: .*: no: Baton reads usage and adaptation records over REST/m,
    );
    expect(text).toMatch(
      /^FAIL probe viewer-has-reacted: .*: unknown \(GraphQL answered 502\) → run the doctor again/m,
    );
    expect(doctorExitCode(checks)).toBe(1);
  });

  it('passes a "no" from viewer-has-reacted, naming the REST fallback', () => {
    const text = renderDoctor(
      renderDoctorReport({
        ...REPORT,
        probes: { ...REPORT.probes, 'viewer-has-reacted': { answer: 'no', detail: 'false' } },
      }),
    );
    expect(text).toMatch(
      /^ok {3}probe viewer-has-reacted: .*: no: Baton reads its 👀 on commands over REST/m,
    );
  });

  it('fails the sandbox probe on a runner where it does not open, saying what to do', () => {
    const text = renderDoctor(
      renderDoctorReport({
        ...REPORT,
        agent: {
          ...REPORT.agent!,
          sandbox: { answer: 'no', detail: 'bwrap: setting up uid map: Permission denied' },
        },
      }),
    );
    expect(text).toMatch(
      /^FAIL probe sandbox: .*: no: work and fix sessions fail before the model's first turn: install bubblewrap .* → bwrap: setting up uid map: Permission denied$/m,
    );
  });

  it('fails the model key when the agent job left no report', () => {
    const text = renderDoctor(renderDoctorReport({ ...REPORT, agent: null }));
    expect(text).toContain(
      "FAIL model-key: the agent job left no report → read the run's agent job log",
    );
  });
});

describe('the doctor checks the key of every engine the configuration allows', () => {
  const agent = REPORT.agent!;
  const openai = (key: 'present' | 'missing', ok = true) => ({
    key,
    models:
      key === 'present'
        ? [{ model: 'gpt-5.5', ok, detail: ok ? 'answered' : 'HTTP 404: The model does not exist' }]
        : [],
  });
  it.each([
    {
      name: 'an agent before 0.2.0 (no engines named): Anthropic’s key is needed',
      agent: { ...agent, key: 'missing' as const, models: [] },
      lines: [
        /^FAIL model-key: the secret ANTHROPIC_API_KEY is not set: every session on Baton’s loop, Claude Code and GitHub Copilot CLI would fail/m,
      ],
    },
    {
      name: 'codex alone: Anthropic’s key is not needed, OpenAI’s is',
      agent: {
        ...agent,
        key: 'missing' as const,
        models: [],
        engines: ['codex'],
        openai: openai('missing'),
      },
      lines: [
        /^ok {3}model-key: the secret ANTHROPIC_API_KEY is not set, and no engine the configuration allows needs it$/m,
        /^FAIL openai-key: the secret OPENAI_API_KEY is not set: every session on Codex would fail → add it in Settings/m,
      ],
    },
    {
      name: 'Baton’s loop and codex allowed, both keys set, a Codex model refused',
      agent: { ...agent, engines: ['baton', 'codex'], openai: openai('present', false) },
      lines: [
        /^ok {3}model-key: the secret ANTHROPIC_API_KEY is set$/m,
        /^ok {3}openai-key: the secret OPENAI_API_KEY is set$/m,
        /^FAIL model: gpt-5.5 does not answer: HTTP 404: The model does not exist → set models\.openai\.\* in \.github\/baton\.yml/m,
      ],
    },
    {
      name: 'claude-code allowed: Anthropic’s key is needed, OpenAI’s not asked',
      agent: { ...agent, key: 'missing' as const, models: [], engines: ['baton', 'claude-code'] },
      lines: [
        /^FAIL model-key: the secret ANTHROPIC_API_KEY is not set/m,
        /^(?![\s\S]*openai-key)/,
      ],
    },
    {
      // Before the registry, any engine but Codex was taken to call Anthropic; now its provider says.
      name: 'copilot alone: Anthropic’s key is needed (its provider), OpenAI’s not asked',
      agent: { ...agent, key: 'missing' as const, models: [], engines: ['copilot'] },
      lines: [
        /^FAIL model-key: the secret ANTHROPIC_API_KEY is not set: every session on Baton’s loop, Claude Code and GitHub Copilot CLI would fail/m,
        /^(?![\s\S]*openai-key)/,
      ],
    },
  ])('$name', ({ agent: given, lines }) => {
    const report = { ...REPORT, agent: given };
    expect(parseDoctorReport(JSON.stringify(report))).toEqual(report);
    const text = renderDoctor(renderDoctorReport(report));
    for (const line of lines) expect(text).toMatch(line);
  });
});
