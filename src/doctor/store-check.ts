import { Redis } from 'ioredis';
import type { DoctorCheck } from '../core/doctor/doctor.js';

/**
 * The `store` line, where `REDIS_URL` is set: whether the Redis the app's
 * replicas share answers from here. Without it they make no write (they will
 * not pace GitHub's limits alone), and `/readyz` answers 503.
 */
export async function checkStore(url: string, password?: string): Promise<DoctorCheck> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...(password ? { password } : {}),
  });
  redis.on('error', () => undefined);
  const where = redactedUrl(url);
  try {
    await redis.connect();
    await redis.ping();
    return { id: 'store', ok: true, message: `the replicas' Redis at ${where} answers` };
  } catch (error) {
    return {
      id: 'store',
      ok: false,
      message: `the Redis at ${where} (REDIS_URL) does not answer: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'start it, or correct REDIS_URL (redis://host:port, rediss:// with TLS) and REDIS_PASSWORD; the app makes no write until it answers',
    };
  } finally {
    redis.disconnect();
  }
}

/** The URL without its password. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'REDIS_URL';
  }
}
