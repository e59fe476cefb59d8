import type { ChildProcess } from 'node:child_process';

/**
 * Waits until `child` has made its first request (`seen()`), then kills it;
 * or kills it after 30 s. Resolves once it has closed.
 */
export function stopAtFirstRequest(child: ChildProcess, seen: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const poll = setInterval(() => {
      if (seen()) child.kill('SIGKILL');
    }, 5);
    child.on('close', () => {
      clearTimeout(stop);
      clearInterval(poll);
      resolve();
    });
  });
}
