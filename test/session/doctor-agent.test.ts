import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DoctorAgentReport } from '../../src/core/doctor/doctor-session.js';
import { runDoctorAgent } from '../../src/session/doctor/doctor-agent.js';
import { DOCTOR_REPORT_FILE, parseDoctorEnv } from '../../src/session/doctor/doctor-env.js';

/**
 * The doctor session's agent job asks each allowed engine's provider about
 * the models the configuration names, with that engine's key, and reports
 * whether each key is set (never its value). The providers here are a stub
 * `fetch` that records what it was asked.
 */

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(
    folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  );
});

async function runAgent({ config, keys }: { config: string; keys: Record<string, string> }) {
  const workspace = await mkdtemp(path.join(tmpdir(), 'baton-doctor-agent-'));
  folders.push(workspace);
  await mkdir(path.join(workspace, '.github'));
  await writeFile(path.join(workspace, '.github', 'baton.yml'), config);
  const parsed = parseDoctorEnv({
    BATON_OUT: path.join(workspace, 'out'),
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_REPOSITORY: 'acme/widgets',
    GITHUB_WORKSPACE: workspace,
    BATON_BUILD: 'doctor-abc123def4',
    ...keys,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const asked: { url: string; headers: Record<string, string> }[] = [];
  const fetch = (async (url: string, init?: RequestInit) => {
    asked.push({ url, headers: (init?.headers ?? {}) as Record<string, string> });
    if (url.includes('/models/gpt-5.5-2026-04-23'))
      return Response.json({ error: { message: 'The model does not exist' } }, { status: 404 });
    return Response.json({});
  }) as typeof globalThis.fetch;
  expect(await runDoctorAgent(parsed.env, { fetch, log: () => true })).toBe(0);
  const report = DoctorAgentReport.parse(
    JSON.parse(await readFile(path.join(workspace, 'out', DOCTOR_REPORT_FILE), 'utf8')),
  );
  return { report, asked };
}

describe('the doctor’s agent job checks every allowed engine’s key', () => {
  it('asks OpenAI about each Codex model with OPENAI_API_KEY where codex is allowed', async () => {
    const { report, asked } = await runAgent({
      config:
        'session:\n  engine:\n    default: baton\n    allow: [codex]\nmodels:\n  openai:\n    review: gpt-5.5-2026-04-23\n',
      keys: { ANTHROPIC_API_KEY: 'sk-ant-doctor', OPENAI_API_KEY: 'sk-openai-doctor' },
    });
    expect(report.engines).toEqual(['baton', 'codex']);
    expect(report.openai?.key).toBe('present');
    expect(report.openai?.models).toEqual([
      { model: 'gpt-5.5', ok: true, detail: 'answered' },
      { model: 'gpt-5.5-2026-04-23', ok: false, detail: 'HTTP 404: The model does not exist' },
    ]);
    const openai = asked.filter((one) => one.url.startsWith('https://api.openai.com/v1/models/'));
    expect(openai).toHaveLength(2);
    for (const one of openai) expect(one.headers.authorization).toBe('Bearer sk-openai-doctor');
    // The Anthropic models are asked with Anthropic's key only.
    for (const one of asked.filter((a) => a.url.includes('anthropic')))
      expect(one.headers['x-api-key']).toBe('sk-ant-doctor');
    // No value of a key is written to the report.
    expect(JSON.stringify(report)).not.toMatch(/sk-(ant|openai)-doctor/);
  });

  it('reports OpenAI’s key missing without asking, and asks nothing of Anthropic for codex alone', async () => {
    const { report, asked } = await runAgent({
      config: 'session:\n  engine: codex\n',
      keys: { ANTHROPIC_API_KEY: 'sk-ant-doctor' },
    });
    expect(report.openai).toEqual({ key: 'missing', models: [] });
    expect(report.models).toEqual([]);
    expect(asked.filter((one) => !one.url.startsWith('https://api.github.com'))).toEqual([]);
  });

  it('leaves OpenAI out where the configuration allows no codex', async () => {
    const { report, asked } = await runAgent({
      config: 'session:\n  engine: claude-code\n',
      keys: { ANTHROPIC_API_KEY: 'sk-ant-doctor', OPENAI_API_KEY: 'sk-openai-doctor' },
    });
    expect(report.openai).toBeUndefined();
    expect(asked.some((one) => one.url.includes('openai'))).toBe(false);
    expect(report.models.length).toBeGreaterThan(0);
  });

  it('asks Anthropic about the models of copilot, whose provider it is, and leaves OpenAI out', async () => {
    const { report, asked } = await runAgent({
      config: 'session:\n  engine: copilot\n',
      keys: { ANTHROPIC_API_KEY: 'sk-ant-doctor', OPENAI_API_KEY: 'sk-openai-doctor' },
    });
    expect(report.engines).toEqual(['copilot']);
    expect(report.openai).toBeUndefined();
    expect(report.models.length).toBeGreaterThan(0);
    const anthropic = asked.filter((one) => one.url.includes('/v1/messages/count_tokens'));
    expect(anthropic).toHaveLength(report.models.length);
    for (const one of anthropic) expect(one.headers['x-api-key']).toBe('sk-ant-doctor');
  });
});
