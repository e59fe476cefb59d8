/**
 * What the first bytes of a TLS tunnel say about where it goes: the server
 * name (SNI) of the ClientHello (RFC 8446 §4.1.2, RFC 6066 §3), read without a
 * TLS library. The egress proxy compares it with the name the tunnel was
 * opened for: an edge that serves many names (a CDN in front of a registry)
 * routes by it. A hello that carries Encrypted Client Hello (or its
 * predecessor, encrypted SNI) names the server it really wants only inside
 * the encryption, and an ECH-capable edge routes by that inner name: the
 * proxy cannot read it, so `encrypted` says the hello carries one, and the
 * tunnel is refused. A client that gets no ECH configuration back from the
 * server (its retry configs) connects again with a plain hello, and none
 * comes back: no refused hello reaches a server.
 */
export type ClientHello =
  /** More bytes are needed. */
  | { kind: 'incomplete' }
  /** Not a TLS ClientHello, or one no server would take; `why` is ours, never the client's text. */
  | { kind: 'invalid'; why: string }
  /**
   * A whole ClientHello; `serverName` null when it names no server;
   * `encrypted` the first extension that hides the real one (ECH, ESNI), else null.
   */
  | { kind: 'hello'; serverName: string | null; encrypted: EncryptedName | null };

/** An extension that carries the server name encrypted, by the name its specification gives it. */
export type EncryptedName = 'encrypted_client_hello' | 'encrypted_server_name';

const RECORD_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXTENSION_SERVER_NAME = 0;
const NAME_TYPE_HOST_NAME = 0;
/**
 * Whether an extension of `type` hides the server name: `encrypted_client_hello`
 * (0xfe0d; the drafts before it used the code points just below, 0xfe0a to
 * 0xfe0c in drafts 10 to 12, which early Chrome and Firefox builds sent, and
 * TLS assigns nothing else from 0xfe00), `ech_outer_extensions` (0xfd00, which
 * only an encrypted inner hello carries), and `encrypted_server_name` (0xffce,
 * draft-ietf-tls-esni 1 to 5, ECH's predecessor).
 */
function encryptedName(type: number): EncryptedName | null {
  if ((type >= 0xfe00 && type <= 0xfe0d) || type === 0xfd00) return 'encrypted_client_hello';
  return type === 0xffce ? 'encrypted_server_name' : null;
}

/** A ClientHello larger than this is refused (real ones are a few KB, with post-quantum key shares). */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Reads the ClientHello at the start of `data`, which may span several TLS records. */
export function parseClientHello(data: Uint8Array): ClientHello {
  const message = handshakeMessage(data);
  if (message.kind !== 'whole') return message;
  return readHello(message.bytes);
}

type Message = { kind: 'whole'; bytes: Uint8Array } | Exclude<ClientHello, { kind: 'hello' }>;

/** The first handshake message, put together from the records' fragments. */
function handshakeMessage(data: Uint8Array): Message {
  const fragments: Uint8Array[] = [];
  let held = 0;
  let offset = 0;
  for (;;) {
    if (held >= 4) {
      const head = concat(fragments, held);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO)
        return { kind: 'invalid', why: 'the first handshake message is not a ClientHello' };
      const length = 4 + readUint(head, 1, 3);
      if (length > MAX_CLIENT_HELLO_BYTES)
        return { kind: 'invalid', why: 'the ClientHello is too large' };
      if (held >= length) return { kind: 'whole', bytes: head.subarray(0, length) };
    }
    if (data.length < offset + 5) return { kind: 'incomplete' };
    if (data[offset] !== RECORD_HANDSHAKE)
      return { kind: 'invalid', why: 'not a TLS handshake record' };
    if (data[offset + 1] !== 3) return { kind: 'invalid', why: 'not a TLS record version' };
    const length = readUint(data, offset + 3, 2);
    if (length === 0 || length > 16_384)
      return { kind: 'invalid', why: 'a TLS record of no or too many bytes' };
    if (data.length < offset + 5 + length) return { kind: 'incomplete' };
    fragments.push(data.subarray(offset + 5, offset + 5 + length));
    held += length;
    offset += 5 + length;
  }
}

function readHello(hello: Uint8Array): ClientHello {
  const reader = new Reader(hello, 4);
  reader.skip(2 + 32); // legacy_version, random
  reader.skip(reader.uint(1)); // legacy_session_id
  reader.skip(reader.uint(2)); // cipher_suites
  reader.skip(reader.uint(1)); // legacy_compression_methods
  if (reader.failed) return { kind: 'invalid', why: 'a truncated ClientHello' };
  if (reader.atEnd()) return { kind: 'hello', serverName: null, encrypted: null };
  const end = reader.offset + 2 + reader.uint(2);
  if (end !== hello.length) return { kind: 'invalid', why: 'extensions of the wrong length' };
  let serverName: string | null = null;
  let encrypted: EncryptedName | null = null;
  const seen = new Set<number>();
  while (reader.offset < end) {
    const type = reader.uint(2);
    const body = reader.bytes(reader.uint(2));
    if (reader.failed) return { kind: 'invalid', why: 'a truncated extension' };
    // TLS refuses a repeated extension (RFC 8446 §4.2); so does the proxy, whichever copy a server would read.
    if (seen.has(type)) return { kind: 'invalid', why: `two extensions of type ${hex(type)}` };
    seen.add(type);
    encrypted ??= encryptedName(type);
    if (type !== EXTENSION_SERVER_NAME) continue;
    const name = readServerName(body);
    if (typeof name !== 'string') return name;
    serverName = name;
  }
  return { kind: 'hello', serverName, encrypted };
}

/** The one host name of a server_name extension. */
function readServerName(body: Uint8Array): string | Extract<ClientHello, { kind: 'invalid' }> {
  const reader = new Reader(body, 0);
  const listEnd = 2 + reader.uint(2);
  if (listEnd !== body.length)
    return { kind: 'invalid', why: 'a server_name list of the wrong length' };
  const names: string[] = [];
  while (!reader.failed && reader.offset < listEnd) {
    const type = reader.uint(1);
    const name = reader.bytes(reader.uint(2));
    if (type !== NAME_TYPE_HOST_NAME)
      return { kind: 'invalid', why: 'a server name of another type' };
    names.push(String.fromCharCode(...name).toLowerCase());
  }
  if (reader.failed) return { kind: 'invalid', why: 'a truncated server_name' };
  const [name] = names;
  if (names.length !== 1 || name === undefined)
    return { kind: 'invalid', why: 'a server_name that names no or several hosts' };
  if (!HOST_NAME.test(name) || name.length > 253)
    return { kind: 'invalid', why: 'a server name that is not a host name' };
  return name;
}

/** `0xfe0d` for 65037. */
export function hex(type: number): string {
  return `0x${type.toString(16).padStart(4, '0')}`;
}

function readUint(data: Uint8Array, offset: number, bytes: number): number {
  let value = 0;
  for (let i = 0; i < bytes; i++) value = value * 256 + (data[offset + i] ?? 0);
  return value;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const whole = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}

/** Reads big-endian fields; past the end it sets `failed` instead of throwing. */
class Reader {
  failed = false;
  offset: number;
  readonly data: Uint8Array;
  constructor(data: Uint8Array, offset: number) {
    this.data = data;
    this.offset = offset;
  }
  atEnd(): boolean {
    return this.offset === this.data.length;
  }
  uint(bytes: number): number {
    if (this.offset + bytes > this.data.length) return this.fail(0);
    const value = readUint(this.data, this.offset, bytes);
    this.offset += bytes;
    return value;
  }
  bytes(length: number): Uint8Array {
    if (this.offset + length > this.data.length) return this.fail(new Uint8Array(0));
    const value = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  skip(length: number): void {
    this.bytes(length);
  }
  private fail<T>(value: T): T {
    this.failed = true;
    this.offset = this.data.length;
    return value;
  }
}
