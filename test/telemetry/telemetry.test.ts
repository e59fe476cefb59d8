/**
 * The app's telemetry with no OTLP endpoint (docs/governance.md, "Traces"): the
 * no-op, with the SDK never loaded; the exporter's module is reached only by
 * `createTelemetry`'s dynamic import, and the action's bundles reach none of it.
 */
import { posix } from 'node:path';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import { sourceFiles } from '../../scripts/source-files.js';
import {
  createTelemetry,
  findTracesEndpoint,
  type LoadOtlp,
  NO_TELEMETRY,
  type Telemetry,
} from '../../src/telemetry/telemetry.js';

const FILES = new Map(sourceFiles().map((file) => [file.path, file.text]));
for (const path of ['action/entry.ts', 'action/conductor-entry.ts'])
  FILES.set(path, sourceFiles('action').find((file) => file.path === path)?.text ?? '');

/**
 * What `path` imports, files of the repository by path and packages by name: by
 * `import()`, and every other way (type-only imports too, so more than loads).
 */
function importsOf(path: string): { statics: string[]; dynamics: string[] } {
  const text = FILES.get(path) ?? '';
  const statics = ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
  // Each `import()` is one of those: taken out once, so a static import of the same file stays.
  const dynamics = [...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map(
    (match) => match[1] ?? '',
  );
  for (const specifier of dynamics) statics.splice(statics.indexOf(specifier), 1);
  const resolve = (specifier: string) =>
    specifier.startsWith('.')
      ? posix.join(posix.dirname(path), specifier).replace(/\.js$/, '.ts')
      : specifier;
  return { statics: statics.map(resolve), dynamics: dynamics.map(resolve) };
}

const IMPORTS = new Map<string, ReturnType<typeof importsOf>>();

/** Every file and package `entry` loads, following what it imports. */
function reachedFrom(entry: string, { dynamic }: { dynamic: boolean }): Set<string> {
  const reached = new Set<string>();
  const waiting = [entry];
  for (let next = waiting.pop(); next !== undefined; next = waiting.pop()) {
    if (reached.has(next)) continue;
    reached.add(next);
    if (!FILES.has(next)) continue;
    const imports = IMPORTS.get(next) ?? importsOf(next);
    IMPORTS.set(next, imports);
    waiting.push(...imports.statics, ...(dynamic ? imports.dynamics : []));
  }
  return reached;
}

const log = { warn: vi.fn() };
const exported: Telemetry = { acted: vi.fn(), shutdown: vi.fn(async () => {}) };

function loader() {
  return vi.fn<LoadOtlp>(async () => ({ createOtlpTelemetry: () => exported }));
}

describe('telemetry', () => {
  it('is the no-op, with nothing loaded, when no endpoint is set or the SDK is disabled', async () => {
    const load = loader();
    const disabled = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_SDK_DISABLED: 'TRUE',
    };
    for (const env of [
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' },
      { OTEL_SERVICE_NAME: 'baton' },
      disabled,
    ]) {
      expect(await createTelemetry(env, { log, load })).toBe(NO_TELEMETRY);
    }
    expect(load).not.toHaveBeenCalled();
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'http://collector:4318'],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' },
      'http://collector:4318/v1/traces',
    ],
  ])('loads the exporter where an endpoint is set (%o)', async (env, endpoint) => {
    const load = loader();
    expect(findTracesEndpoint(env)).toBe(endpoint);
    expect(await createTelemetry(env, { log, load })).toBe(exported);
    expect(load).toHaveBeenCalledOnce();
  });

  it('says a protocol it does not export with, and exports nothing', async () => {
    const load = loader();
    const warn = vi.fn();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    };
    expect(await createTelemetry(env, { log: { warn }, load })).toBe(NO_TELEMETRY);
    expect(load).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('"grpc" is not one Baton exports with'),
    );
  });

  it("leaves the SDK out of what the app loads at start, and out of the action's start: the session's publish loads it only to send its tool calls", () => {
    const atStart = [...reachedFrom('src/main.ts', { dynamic: false })];
    expect(atStart).toContain('src/telemetry/telemetry.ts');
    expect(atStart.filter((one) => one.startsWith('@opentelemetry/'))).toEqual([]);
    expect(atStart).not.toContain('src/telemetry/otlp-telemetry.ts');
    expect([...reachedFrom('src/main.ts', { dynamic: true })]).toContain(
      'src/telemetry/otlp-telemetry.ts',
    );
    const conductor = [...reachedFrom('action/conductor-entry.ts', { dynamic: true })];
    expect(conductor.length).toBeGreaterThan(20);
    expect(
      conductor.filter(
        (one) => one.startsWith('src/telemetry/') || one.startsWith('@opentelemetry/'),
      ),
    ).toEqual([]);
    const session = [...reachedFrom('action/entry.ts', { dynamic: false })];
    expect(session.filter((one) => one.startsWith('@opentelemetry/'))).toEqual([]);
    expect(session).not.toContain('src/telemetry/otlp-telemetry.ts');
    const loaded = [...reachedFrom('action/entry.ts', { dynamic: true })];
    expect(loaded).toContain('src/session/publish/tool-spans-sdk.ts');
    // Nothing of the app's telemetry, nor its metrics: a session sends its tool calls alone.
    expect(loaded.filter((one) => one.startsWith('src/telemetry/'))).toEqual([]);
    expect(loaded.filter((one) => one.includes('metrics'))).toEqual([]);
  });
});
