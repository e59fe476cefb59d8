/**
 * `BATON_AUDIT_STREAM_HEADERS`: the headers every POST to the audit stream's
 * collector carries (its auth, most often), written as OpenTelemetry writes
 * `OTEL_EXPORTER_OTLP_HEADERS`: `key=value` pairs separated by commas, with
 * optional spaces around each, each value percent-encoded (the W3C Baggage
 * format without its `;` properties, as the OTLP exporter specification says:
 * https://opentelemetry.io/docs/specs/otel/protocol/exporter/#specifying-headers-via-environment-variables).
 * A value is a secret: no message names one, only the pair's place in the list.
 */

type Env = Record<string, string | undefined>;

/** A header's name: an HTTP token (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A value, once decoded: visible ASCII, spaces and tabs; nothing that ends a header line. */
const VALUE = /^[\t\x20-\x7e]*$/;

/**
 * The headers `BATON_AUDIT_STREAM_HEADERS` names, by lower-case name (none where
 * it is unset), or the problem (naming the pair, never its value) where it is malformed.
 */
export function auditHeadersOf(
  env: Env,
): { ok: true; headers: Record<string, string> } | { ok: false; problem: string } {
  const text = env.BATON_AUDIT_STREAM_HEADERS?.trim();
  const headers: Record<string, string> = {};
  if (!text) return { ok: true, headers };
  for (const [index, member] of text.split(',').entries()) {
    const refused = (why: string) => ({
      ok: false as const,
      problem: `BATON_AUDIT_STREAM_HEADERS takes key=value pairs separated by commas, each value percent-encoded (as OTEL_EXPORTER_OTLP_HEADERS); its pair ${index + 1} ${why}; the audit trail is not streamed`,
    });
    const at = member.indexOf('=');
    if (at < 0) return refused('has no "="');
    const name = member.slice(0, at).trim();
    const encoded = member.slice(at + 1).trim();
    if (!TOKEN.test(name)) return refused('has no header name before its "="');
    if (encoded.includes(';')) return refused('has a ";" (percent-encode it as %3B)');
    let value: string;
    try {
      value = decodeURIComponent(encoded);
    } catch {
      return refused('has a "%" that starts no percent-encoded character');
    }
    if (!VALUE.test(value)) return refused('holds a character no header value may carry');
    headers[name.toLowerCase()] = value;
  }
  return { ok: true, headers };
}
