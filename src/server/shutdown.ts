/** What a graceful stop needs from the running app. */
export interface ShutdownDeps {
  /** Stops taking connections; resolves once the open ones have finished. */
  stopServer: () => Promise<void>;
  /** Resolves once no reconcile runs or waits. */
  idle: () => Promise<void>;
  /** How long to wait for both before giving up. */
  graceMs: number;
  log: { info: (message: string) => void; warn: (message: string) => void };
}

/** `drained`: everything in flight finished; `abandoned`: the grace ran out first. */
export type ShutdownOutcome = 'drained' | 'abandoned';

/**
 * Stops taking webhooks, then waits a bounded time for the reconciles in
 * flight. Abandoning one is safe: GitHub is the state, and the next event or
 * resync reconciles the build again (docs/design-notes.md, "State without a store").
 */
export async function shutDown(deps: ShutdownDeps): Promise<ShutdownOutcome> {
  deps.log.info('baton: stopping: no more webhooks; finishing the reconciles in flight');
  const stopped = deps
    .stopServer()
    .catch((err: unknown) => deps.log.warn(`baton: stopping the server failed: ${String(err)}`));
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<ShutdownOutcome>((resolve) => {
    timer = setTimeout(() => resolve('abandoned'), deps.graceMs);
  });
  const drained = Promise.all([stopped, deps.idle()]).then((): ShutdownOutcome => 'drained');
  const outcome = await Promise.race([drained, grace]);
  clearTimeout(timer);
  if (outcome === 'abandoned')
    deps.log.warn(
      `baton: stopped after ${deps.graceMs} ms with reconciles in flight; the next event or resync redoes them`,
    );
  else deps.log.info('baton: stopped; nothing in flight');
  return outcome;
}

/** BATON_SHUTDOWN_SECONDS (default 20, under Kubernetes' 30 s grace period), in ms. */
export function shutdownGraceMs(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.BATON_SHUTDOWN_SECONDS ?? 20);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 20_000;
}
