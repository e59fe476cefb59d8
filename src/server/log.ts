import { getTransformStream } from '@probot/pino';
import { type Logger, pino } from 'pino';

/**
 * Where a secret can sit in a log record: a request's headers as pino-http
 * logs every request (the session token exchange's OIDC token, the resync
 * endpoint's bearer secret), and an Octokit error's request.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  // The page's sealed session cookie (src/page/), as its answers set it.
  'res.headers["set-cookie"]',
  'err.request.headers.authorization',
  'err.response.headers.authorization',
  'headers.authorization',
];

const SIGNATURE_MISMATCH = 'signature does not match event payload and secret';

export interface LogSettings {
  level?: string;
  format: 'json' | 'pretty';
  levelInString: boolean;
  messageKey?: string;
  sentryDsn?: string;
}

/** Probot's reading of its log variables (`LOG_FORMAT` unset: json only when NODE_ENV=production). */
export function readLogSettings(env: Record<string, string | undefined>): LogSettings {
  const format = env.LOG_FORMAT
    ? env.LOG_FORMAT === 'pretty'
      ? 'pretty'
      : 'json'
    : env.NODE_ENV === 'production'
      ? 'json'
      : 'pretty';
  return {
    format,
    levelInString: env.LOG_LEVEL_IN_STRING === 'true',
    ...(env.LOG_LEVEL ? { level: env.LOG_LEVEL } : {}),
    ...(env.LOG_MESSAGE_KEY ? { messageKey: env.LOG_MESSAGE_KEY } : {}),
    ...(env.SENTRY_DSN ? { sentryDsn: env.SENTRY_DSN } : {}),
  };
}

/**
 * The app's logger: Probot's (pino through `@probot/pino`: `LOG_FORMAT`,
 * `LOG_LEVEL`, Sentry), with secrets in request headers redacted and a webhook
 * whose signature does not match told in one line.
 */
export async function createLog(
  env: Record<string, string | undefined>,
  destination?: NodeJS.WritableStream,
): Promise<Logger> {
  const settings = readLogSettings(env);
  const transform = await getTransformStream({
    logFormat: settings.format,
    logLevelInString: settings.levelInString,
    sentryDsn: settings.sentryDsn,
  });
  // SonicBoom writes like any writable stream; its type only lacks some of the fields.
  transform.pipe(destination ?? (pino.destination(1) as unknown as NodeJS.WritableStream));
  return createLogOn(settings, transform);
}

/** The logger on a stream that takes pino's JSON lines. */
export function createLogOn(
  settings: Pick<LogSettings, 'level' | 'messageKey'>,
  stream: NodeJS.WritableStream,
): Logger {
  const refused = new Set<string>();
  return pino(
    {
      level: settings.level ?? 'info',
      messageKey: settings.messageKey ?? 'msg',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const verdict = signatureVerdict(args[0], refused);
          if (verdict === 'drop') return;
          if (verdict) return this.warn(verdict.details, verdict.message);
          const line = withoutStatusError(args[0]);
          const rest = args.slice(1);
          return method.apply(this, [line, ...rest] as Parameters<typeof method>);
        },
      },
    },
    stream,
  );
}

/**
 * pino-http gives every 5xx access line an error of its own making, "failed
 * with status code 503", stack and all: a readiness probe answered 503 every
 * few seconds would log thirteen lines each time. The handler that answered
 * has logged why in one line; the access line keeps its status without the stack.
 */
function withoutStatusError(first: unknown): unknown {
  if (typeof first !== 'object' || first === null || !('res' in first) || !('err' in first))
    return first;
  const { err, ...line } = first as { err?: { message?: unknown } };
  return typeof err?.message === 'string' && /^failed with status code \d+$/.test(err.message)
    ? line
    : first;
}

/**
 * A webhook with a bad signature makes Probot log two error records with
 * stack traces (the webhooks error handler's and the middleware's) and an
 * access line. It is someone's misconfiguration or a stranger's request, not
 * a bug: the middleware's record becomes one line that says what to check,
 * and the other two are dropped.
 */
function signatureVerdict(
  first: unknown,
  refused: Set<string>,
): 'drop' | { details: object; message: string } | null {
  if (typeof first !== 'object' || first === null) return null;
  const accessed = (first as { res?: { statusCode?: number; req?: { id?: unknown } } }).res;
  if (accessed) {
    const id = String(accessed.req?.id ?? '');
    return accessed.statusCode === 400 && refused.delete(id) ? 'drop' : null;
  }
  const error = first as { message?: unknown; errors?: unknown };
  if (typeof error.message !== 'string' || !error.message.includes(SIGNATURE_MISMATCH)) return null;
  if (!Array.isArray(error.errors)) return 'drop';
  // The middleware's AggregateError wraps the error that carries the delivery.
  const event = (error.errors[0] as { event?: { id?: unknown; name?: unknown } } | undefined)
    ?.event;
  const deliveryId = String(event?.id ?? '');
  refused.add(deliveryId);
  if (refused.size > 100) refused.delete(refused.values().next().value ?? '');
  return {
    details: { deliveryId, event: String(event?.name ?? ''), status: 400 },
    message:
      'baton: refused a webhook whose signature does not match WEBHOOK_SECRET; if every delivery fails, set WEBHOOK_SECRET to the webhook secret in the GitHub App settings',
  };
}
