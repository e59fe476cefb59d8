import { Redis } from 'ioredis';

/** The value a stolen lease holds: no replica's. */
const THIEF = 'chaos-thief';
const LEASE_KEYS = 'baton:lease:*';

/** A Redis client that takes builds' leases from the replicas holding them. */
export interface LeaseThief {
  /** How many leases it took. */
  stolen(): number;
  stop(): Promise<void>;
}

/**
 * Takes a build's lease from the replica that holds it, mid-reconcile, as a
 * replica does that takes over a lease its holder let lapse (a process starved
 * of time) and then dies before reconciling: the key is rewritten to a holder
 * that never renews it, for one lease. The holder's next renewal finds it gone
 * and the build must still be reconciled once the stolen lease lapses, by the
 * look the holder or a refused replica left.
 *
 * It hears each lease taken or renewed through Redis's keyspace
 * notifications, so it acts on the replicas' own steps, never on a timer; it
 * steals one in `1 / every` of them (drawn from `random`), at most `most` in all.
 */
export async function startLeaseThief({
  url,
  leaseMs,
  random,
  every = 6,
  most = 3,
}: {
  url: string;
  leaseMs: number;
  random: () => number;
  every?: number;
  most?: number;
}): Promise<LeaseThief> {
  const client = new Redis(url);
  const listener = new Redis(url);
  client.on('error', () => undefined);
  listener.on('error', () => undefined);
  // K: keyspace events; $: string commands (a SET that takes a lease); g: generic (a renewal's PEXPIRE).
  await client.config('SET', 'notify-keyspace-events', 'K$g');
  let stolen = 0;
  let stopped = false;
  listener.on('pmessage', (_pattern: string, channel: string, event: string) => {
    if (stopped || stolen >= most || (event !== 'set' && event !== 'expire')) return;
    if (random() * every >= 1) return;
    const key = channel.slice(channel.indexOf(':') + 1);
    stolen += 1;
    // Taken only from a replica that holds it: not a lease this thief already holds.
    client
      .eval(
        `local holder = redis.call('GET', KEYS[1])
         if holder and holder ~= ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
         return 0`,
        1,
        key,
        THIEF,
        String(leaseMs),
      )
      .then(
        (took) => {
          if (took !== 1) stolen -= 1;
        },
        () => {
          stolen -= 1;
        },
      );
  });
  await listener.psubscribe(`__keyspace@*__:${LEASE_KEYS}`);
  return {
    stolen: () => stolen,
    async stop() {
      stopped = true;
      await Promise.all([listener.quit(), client.quit()]).catch(() => undefined);
    },
  };
}
