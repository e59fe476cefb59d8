// The deployment files parse, and every variable they set is one the app
// documents in .env.example; every variable the app reads is documented there
// too. Nothing here starts a container (no image registry is reachable).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML walked by known paths; a wrong path fails the test
type Doc = Record<string, any>;

function yamlDocs(path: string): Doc[] {
  return loadAll(read(path)).filter((doc): doc is Doc => typeof doc === 'object' && doc !== null);
}

const K8S = readdirSync(join(ROOT, 'deploy/k8s'))
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => `deploy/k8s/${name}`);
const k8sDocs = K8S.flatMap(yamlDocs);
const named = (kind: string, name: string) =>
  k8sDocs.find((doc) => doc.kind === kind && doc.metadata.name === name) as Doc;
const deployment = named('Deployment', 'baton');
const service = named('Service', 'baton');
const container = deployment?.spec.template.spec.containers[0] as Doc;
const compose = yamlDocs('compose.yaml')[0] as Doc;

/** The names .env.example documents, set (`NAME=`) or commented out (`# NAME=`). */
const documented = new Set(
  [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]),
);

describe('the deployment files', () => {
  it('parse, and name the Kubernetes objects they are for', () => {
    expect(K8S.length).toBeGreaterThan(0);
    expect(
      k8sDocs.map((doc) => `${doc.apiVersion} ${doc.kind} ${doc.metadata.name}`).sort(),
    ).toEqual([
      'apps/v1 Deployment baton',
      'apps/v1 Deployment baton-redis',
      'networking.k8s.io/v1 NetworkPolicy baton-redis',
      'v1 Service baton',
      'v1 Service baton-redis',
    ]);
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'smee']);
  });

  it('run two replicas with liveness on /healthz and readiness on /readyz', () => {
    expect(deployment.spec.replicas).toBe(2);
    const port = container.ports.find((p: Doc) => p.name === 'http').containerPort;
    const env = Object.fromEntries(container.env.map((e: Doc) => [e.name, e.value]));
    expect(String(port)).toBe(env.PORT);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    // The pre-stop pause and the app's own shutdown wait fit in the grace period.
    const pause = Number(container.lifecycle.preStop.exec.command[1]);
    expect(pause + Number(env.BATON_SHUTDOWN_SECONDS)).toBeLessThan(
      deployment.spec.template.spec.terminationGracePeriodSeconds,
    );
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it('give the replicas one Redis to share, at the address REDIS_URL names', () => {
    const env = Object.fromEntries(container.env.map((e: Doc) => [e.name, e.value]));
    const redis = named('Service', 'baton-redis');
    const redisPods = named('Deployment', 'baton-redis');
    const url = new URL(env.REDIS_URL);
    expect(url.protocol).toBe('redis:');
    expect(url.hostname).toBe(redis.metadata.name);
    expect(String(redis.spec.ports[0].port)).toBe(url.port);
    expect(redisPods.spec.template.metadata.labels).toMatchObject(redis.spec.selector);
    const server = redisPods.spec.template.spec.containers[0];
    expect(server.image).toMatch(/^redis:\d+\.\d+[\w.-]*$/);
    expect(server.securityContext.allowPrivilegeEscalation).toBe(false);
  });

  it('keep the Redis to the app: its password, the one the app is given, and only the app’s pods let in', () => {
    const secretOf = (env: Doc[], name: string) =>
      env.find((e) => e.name === name)?.valueFrom?.secretKeyRef as Doc | undefined;
    const redisPods = named('Deployment', 'baton-redis');
    const server = redisPods.spec.template.spec.containers[0];
    // The server requires the password it is given from the Secret, and never holds it in the manifest.
    const serverSecret = secretOf(server.env, 'REDIS_PASSWORD');
    expect(serverSecret).toEqual({ name: 'baton', key: 'REDIS_PASSWORD' });
    const args: string[] = server.args;
    expect(args[args.indexOf('--requirepass') + 1]).toBe('$(REDIS_PASSWORD)');
    expect(server.readinessProbe.exec.command.join(' ')).toContain('REDISCLI_AUTH');
    // The app reads the same Secret key (REDIS_PASSWORD beside REDIS_URL), and its URL holds none.
    expect(secretOf(container.env, 'REDIS_PASSWORD')).toEqual(serverSecret);
    const env = Object.fromEntries(container.env.map((e: Doc) => [e.name, e.value]));
    expect(new URL(env.REDIS_URL).password).toBe('');
    // Only the app's pods reach the Redis's port.
    const policy = named('NetworkPolicy', 'baton-redis');
    expect(policy.spec.podSelector.matchLabels).toEqual(redisPods.spec.template.metadata.labels);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toHaveLength(1);
    const [rule] = policy.spec.ingress;
    expect(rule.from).toEqual([
      { podSelector: { matchLabels: deployment.spec.template.metadata.labels } },
    ]);
    const port = redisPods.spec.template.spec.containers[0].ports[0].containerPort;
    expect(rule.ports).toEqual([{ protocol: 'TCP', port }]);
  });

  it('put the Service in front of the Deployment’s pods and port', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(labels).toMatchObject(service.spec.selector);
    const names = container.ports.map((p: Doc) => p.name);
    for (const port of service.spec.ports) expect(names).toContain(port.targetPort);
  });

  it('compose forwards the webhook proxy to the app, with images pinned', () => {
    const { app, smee } = compose.services;
    expect(app.build).toBe('.');
    expect(smee.image).toMatch(/^[\w./-]+:[\w.-]+$/);
    expect(smee.image).not.toMatch(/:latest$/);
    const command = smee.command.join(' ');
    expect(command).toMatch(/smee-client@\d+\.\d+\.\d+ /);
    expect(command).toContain(`http://app:${app.environment.PORT}/api/github/webhooks`);
    expect(app.ports).toContain(`${app.environment.PORT}:${app.environment.PORT}`);
  });

  it('set only variables that .env.example documents', () => {
    const used = new Set<string>([
      ...container.env.map((e: Doc) => e.name as string),
      ...k8sDocs.flatMap((doc) =>
        doc.kind === 'Deployment'
          ? doc.spec.template.spec.containers.flatMap((c: Doc) =>
              (c.env ?? []).map((e: Doc) => e.name as string),
            )
          : [],
      ),
      ...Object.keys(compose.services.app.environment),
      ...[...read('compose.yaml').matchAll(/\$\$([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] as string),
      ...[...read('Dockerfile').matchAll(/^\s*(?:ENV\s+)?([A-Z][A-Z0-9_]+)=/gm)].map(
        (m) => m[1] as string,
      ),
      ...[...read('deploy/baton.service').matchAll(/\b([A-Z][A-Z0-9_]+)=/g)].map(
        (m) => m[1] as string,
      ),
    ]);
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
  });

  it('document every variable the app reads in .env.example', () => {
    const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      // Sessions and the conductor run in Actions: their variables are the workflow's, not .env's.
      .filter(
        (path) =>
          path.endsWith('.ts') && !path.startsWith('session') && !path.startsWith('conductor'),
      )
      .map((path) => read(join('src', path)))
      .join('\n');
    const read_ = new Set([...sources.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
    expect(read_.size).toBeGreaterThan(10);
    expect([...read_].filter((name) => !documented.has(name))).toEqual([]);
  });
});
