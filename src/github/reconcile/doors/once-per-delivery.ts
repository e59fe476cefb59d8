import type { Probot } from 'probot';

/** How many deliveries' answers a process remembers (every handler of one asks the same). */
const REMEMBERED = 5_000;

/**
 * `app` whose handlers run only on the replica that claims each webhook
 * delivery (`X-GitHub-Delivery`, Probot's `context.id`) first: GitHub's
 * duplicates, and a delivery a proxy sends to several replicas, are handled
 * once. Every handler of one delivery on this replica shares its claim.
 */
export function oncePerDelivery(
  app: Pick<Probot, 'on'>,
  claim: (id: string) => Promise<boolean>,
): Pick<Probot, 'on'> {
  const claims = new Map<string, Promise<boolean>>();
  const claimed = (id: string) => {
    let answer = claims.get(id);
    if (!answer) {
      answer = claim(id);
      claims.set(id, answer);
      if (claims.size > REMEMBERED) claims.delete(claims.keys().next().value ?? '');
    }
    return answer;
  };
  const on = (events: unknown, handler: (context: { id: string }) => unknown) =>
    app.on(events as never, async (context: { id: string }) => {
      return (await claimed(context.id)) ? handler(context) : undefined;
    });
  return { on: on as Probot['on'] };
}
