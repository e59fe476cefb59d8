import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_KINDS } from '../../core/config/model-settings.js';
import type { DoctorAgentReport } from '../../core/doctor/doctor-session.js';
import { callsProvider, readEngineSettings } from '../../core/sessions/engines.js';
import { CONFIG_FILE } from '../../core/vocabulary/ids.js';
import { loadConfig } from '../reads/load-config.js';
import { DOCTOR_REPORT_FILE, type DoctorEnv } from './doctor-env.js';
import { probeSandbox } from './sandbox-probe.js';

/** Anthropic's API version header, as the SDK sends it. */
const ANTHROPIC_VERSION = '2023-06-01';

/**
 * The doctor session's agent job (docs/doctor.md): whether the key of each
 * engine `.github/baton.yml` allows is set (by whose models each calls,
 * ENGINE_TRAITS), whether each model it names answers (Anthropic's
 * token-count endpoint, OpenAI's model retrieval for the engines on OpenAI:
 * one small request each, no tokens generated), and
 * whether this job's read-only GITHUB_TOKEN may read a collaborator's
 * permission, and whether the sandbox opens here (sandbox-probe.ts). The key is sent only to the model's API and never printed.
 * Leaves `doctor.json` in BATON_OUT for the publish job; answers 0 once written.
 */
export async function runDoctorAgent(
  env: DoctorEnv,
  {
    fetch = globalThis.fetch,
    log = (line: string) => process.stderr.write(`baton: ${line}\n`),
  } = {},
): Promise<number> {
  const config = await configOf(env);
  const engines = readEngineSettings(
    config.session.engine,
    config.verification.validation.engine,
  ).allow;
  const anthropic = callsProvider(engines, 'anthropic');
  const report: DoctorAgentReport = {
    version: 1,
    key: env.ANTHROPIC_API_KEY ? 'present' : 'missing',
    models:
      env.ANTHROPIC_API_KEY && anthropic ? await askEach(anthropicAsk(env, fetch, config)) : [],
    engines: [...engines],
    ...(callsProvider(engines, 'openai')
      ? {
          openai: {
            key: env.OPENAI_API_KEY ? 'present' : 'missing',
            models: env.OPENAI_API_KEY ? await askEach(openAiAsk(env, fetch, config)) : [],
          },
        }
      : {}),
    collaboratorPermission: await askPermission(env, fetch),
    sandbox: await probeSandbox({
      user: env.BATON_TOOL_USER,
      networkOpen: config.session.network === 'open',
    }),
  };
  await mkdir(env.BATON_OUT, { recursive: true });
  await writeFile(join(env.BATON_OUT, DOCTOR_REPORT_FILE), JSON.stringify(report));
  const asked = [...report.models, ...(report.openai?.models ?? [])];
  log(
    `doctor: key ${report.key}${report.openai ? `, OpenAI key ${report.openai.key}` : ''}; ${asked.map((m) => `${m.model} ${m.ok ? 'answers' : 'does not answer'}`).join(', ') || 'no model asked'}; collaborator permission ${report.collaboratorPermission.answer}; sandbox ${report.sandbox.answer}: ${report.sandbox.detail}`,
  );
  return 0;
}

async function configOf(env: DoctorEnv) {
  const path = join(env.GITHUB_WORKSPACE, '.github', CONFIG_FILE);
  const text = existsSync(path) ? await readFile(path, 'utf8') : null;
  return loadConfig(text).config;
}

type Config = Awaited<ReturnType<typeof configOf>>;

/**
 * The models of engines on Anthropic (`models.*`), each asked with count_tokens
 * and the key: free, and refused for a key that may not use the model.
 */
function anthropicAsk(env: DoctorEnv, fetch: typeof globalThis.fetch, config: Config): ModelAsk {
  const base = (env.ANTHROPIC_BASE_URL || 'https://api.anthropic.com').replace(/\/+$/, '');
  const headers = {
    'content-type': 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
    'x-api-key': env.ANTHROPIC_API_KEY ?? '',
  };
  return {
    named: MODEL_KINDS.map((kind) => config.models[kind]),
    base,
    ask: (model) =>
      fetch(`${base}/v1/messages/count_tokens`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }] }),
      }),
  };
}

/**
 * The models of engines on OpenAI (`models.openai.*`), each retrieved from OpenAI's models
 * API with the key: free, and refused for a key that may not use the model.
 */
function openAiAsk(env: DoctorEnv, fetch: typeof globalThis.fetch, config: Config): ModelAsk {
  const base = (env.OPENAI_BASE_URL || 'https://api.openai.com/v1').replace(/\/+$/, '');
  const authorization = `Bearer ${env.OPENAI_API_KEY ?? ''}`;
  return {
    named: MODEL_KINDS.map((kind) => config.models.openai[kind]),
    base,
    ask: (model) =>
      fetch(`${base}/models/${encodeURIComponent(model)}`, { headers: { authorization } }),
  };
}

/** The models to ask a provider about, where it is, and how to ask whether the key may use one. */
interface ModelAsk {
  named: string[];
  base: string;
  ask: (model: string) => Promise<Response>;
}

/** Each model named, asked once: it answered, the API refused it, or the provider did not answer. */
function askEach({ named, base, ask }: ModelAsk): Promise<DoctorAgentReport['models']> {
  return Promise.all(
    [...new Set(named)].map(async (model) => {
      try {
        const response = await ask(model);
        if (response.ok) return { model, ok: true, detail: 'answered' };
        return { model, ok: false, detail: `HTTP ${response.status}: ${await errorOf(response)}` };
      } catch (error) {
        return { model, ok: false, detail: `no answer from ${base}: ${messageOf(error)}` };
      }
    }),
  );
}

/** The API's own error message (it never holds the key). */
async function errorOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    return (body.error?.message ?? 'no message').slice(0, 500);
  } catch {
    return 'no message';
  }
}

async function askPermission(
  env: DoctorEnv,
  fetch: typeof globalThis.fetch,
): Promise<DoctorAgentReport['collaboratorPermission']> {
  const login = env.GITHUB_ACTOR;
  if (!env.GITHUB_TOKEN || !login) {
    return { answer: 'unknown', detail: 'the job has no GITHUB_TOKEN or GITHUB_ACTOR' };
  }
  const url = `${env.GITHUB_API_URL.replace(/\/+$/, '')}/repos/${env.GITHUB_REPOSITORY}/collaborators/${encodeURIComponent(login)}/permission`;
  try {
    const response = await fetch(url, {
      headers: {
        authorization: `Bearer ${env.GITHUB_TOKEN}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
    });
    // 404: the token may ask, and the login is no collaborator; 403 is the refusal.
    if (response.ok || response.status === 404) {
      return { answer: 'yes', detail: `GitHub answered for ${login} (${response.status})` };
    }
    if (response.status === 403) {
      return {
        answer: 'no',
        detail: `GitHub refused the read (403): ${await githubError(response)}`,
      };
    }
    return {
      answer: 'unknown',
      detail: `GitHub answered ${response.status}: ${await githubError(response)}`,
    };
  } catch (error) {
    return { answer: 'unknown', detail: messageOf(error) };
  }
}

async function githubError(response: Response): Promise<string> {
  try {
    return String(((await response.json()) as { message?: string }).message ?? '').slice(0, 300);
  } catch {
    return '';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
