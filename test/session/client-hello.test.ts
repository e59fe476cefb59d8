import { describe, expect, it } from 'vitest';
import { parseClientHello } from '../../src/session/agent/sandbox/client-hello.js';

/** A TLS record of `type` carrying `body`. */
function record(body: number[], type = 22): number[] {
  return [type, 3, 1, body.length >> 8, body.length & 0xff, ...body];
}

/** A ClientHello handshake message with `extensions` (each [type, data]), or none at all. */
function hello(extensions: [number, number[]][] | null): number[] {
  const ext = (extensions ?? []).flatMap(([type, data]) => [
    type >> 8,
    type & 0xff,
    data.length >> 8,
    data.length & 0xff,
    ...data,
  ]);
  const body = [
    3,
    3,
    ...Array<number>(32).fill(7), // random
    0, // no session id
    0,
    2,
    0x13,
    0x01, // one cipher suite
    1,
    0, // null compression
    ...(extensions === null ? [] : [ext.length >> 8, ext.length & 0xff, ...ext]),
  ];
  return [1, 0, body.length >> 8, body.length & 0xff, ...body];
}

/** The server_name extension's data for `names` (type 0 each, unless given). */
function serverNames(...names: (string | [number, string])[]): number[] {
  const entries = names.flatMap((entry) => {
    const [type, name] = typeof entry === 'string' ? [0, entry] : entry;
    const bytes = [...Buffer.from(name, 'latin1')];
    return [type, bytes.length >> 8, bytes.length & 0xff, ...bytes];
  });
  return [entries.length >> 8, entries.length & 0xff, ...entries];
}

/** The hello with its last extension's length one more than its data. */
function longer(message: number[]): number[] {
  const copy = [...message];
  copy[copy.length - 4] = (copy[copy.length - 4] ?? 0) + 1;
  return copy;
}

/** Where a hello of `hello()` holds its extensions block's length. */
const EXTENSIONS_AT = 4 + 2 + 32 + 1 + 2 + 2 + 1 + 1;

/** The hello with `tail` after its last extension, counted in the block's length and the message's. */
function withTail(message: number[], tail: number[]): number[] {
  const whole = [...message, ...tail];
  const block = whole.length - EXTENSIONS_AT - 2;
  whole[EXTENSIONS_AT] = block >> 8;
  whole[EXTENSIONS_AT + 1] = block & 0xff;
  return withLength(whole);
}

/** `message` with its handshake length set to what it holds. */
function withLength(message: number[]): number[] {
  const length = message.length - 4;
  return [1, length >> 16, (length >> 8) & 0xff, length & 0xff, ...message.slice(4)];
}

const parse = (bytes: number[]) => parseClientHello(Uint8Array.from(bytes));

describe('parseClientHello', () => {
  it('reads the one host name, lower case', () => {
    expect(parse(record(hello([[0, serverNames('Registry.NPMjs.org')]])))).toEqual({
      kind: 'hello',
      serverName: 'registry.npmjs.org',
      encrypted: null,
    });
  });

  it('reads a hello split over records and over reads, and waits for the rest', () => {
    const message = hello([
      [10, [0, 2, 0, 29]],
      [0, serverNames('pypi.org')],
    ]);
    const split = [...record(message.slice(0, 20)), ...record(message.slice(20))];
    for (const cut of [0, 3, 5, 24, split.length - 1])
      expect(parse(split.slice(0, cut))).toEqual({ kind: 'incomplete' });
    expect(parse(split)).toEqual({ kind: 'hello', serverName: 'pypi.org', encrypted: null });
  });

  it.each([
    ['without extensions', hello(null)],
    ['without a server_name extension', hello([[10, [0, 2, 0, 29]]])],
  ])('answers no name for a hello %s', (_, message) => {
    expect(parse(record(message))).toEqual({ kind: 'hello', serverName: null, encrypted: null });
  });

  it.each([
    ['plain HTTP', [...Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n')]],
    ['an alert record', record([2, 40], 21)],
    ['a ServerHello', record([2, 0, 0, 0])],
    [
      'two server_name extensions',
      record(
        hello([
          [0, serverNames('a.test')],
          [0, serverNames('b.test')],
        ]),
      ),
    ],
    ['two names in one extension', record(hello([[0, serverNames('a.test', 'b.test')]]))],
    ['a name of another type', record(hello([[0, serverNames([1, 'a.test'])]]))],
    ['a name that is not a host name', record(hello([[0, serverNames('a.test\0.evil')]]))],
    ['an extension longer than the hello', record(longer(hello([[0x1234, [1, 2, 3]]])))],
    ['a server_name list of the wrong length', record(hello([[0, [0, 50, 0, 0, 1, 97]]]))],
    ['a hello larger than 64 KB', record([1, 1, 0, 0])],
    [
      'two extensions of one type',
      record(
        hello([
          [0x2b, [2, 3, 4]],
          [0x2b, [2, 3, 3]],
        ]),
      ),
    ],
    [
      'an extension block that ends inside a type',
      record(withTail(hello([[0x2b, [2, 3, 4]]]), [0xfe])),
    ],
    [
      'an extension block that ends inside a length',
      record(withTail(hello([[0x2b, [2, 3, 4]]]), [0xfe, 0x0d, 0])),
    ],
    ['an extensions length past the hello', record(withLength([...hello(null), 0, 9, 0, 0]))],
    [
      'an extension whose length runs past the block',
      record(withTail(hello([[0x2b, [2, 3, 4]]]), [0xfe, 0x0d, 0, 40, 1, 2])),
    ],
    ['an extensions length of one byte', record(withLength([...hello(null), 0]))],
  ])('refuses %s', (_, bytes) => {
    expect(parse(bytes)).toMatchObject({ kind: 'invalid' });
  });

  it.each([
    ['encrypted_client_hello', 0xfe0d],
    ['encrypted_client_hello of draft 10', 0xfe0a],
    ['encrypted_client_hello of draft 11', 0xfe0b],
    ['encrypted_client_hello of draft 12', 0xfe0c],
    ['ech_outer_extensions', 0xfd00],
  ])('reads an %s extension beside the visible name', (_, type) => {
    const message = hello([
      [0, serverNames('registry.npmjs.org')],
      [type, [0, 0, 1, 0, 1, 9, 0, 32, ...Array<number>(32).fill(3), 0, 4, 1, 2, 3, 4]],
    ]);
    expect(parse(record(message))).toEqual({
      kind: 'hello',
      serverName: 'registry.npmjs.org',
      encrypted: 'encrypted_client_hello',
    });
  });

  it('reads an encrypted_server_name (ESNI) extension, with no visible name', () => {
    expect(parse(record(hello([[0xffce, [0x13, 0x01, 0, 29]]])))).toEqual({
      kind: 'hello',
      serverName: null,
      encrypted: 'encrypted_server_name',
    });
  });

  it.each([0xfe0e, 0xfdff, 0xffcd, 0x0a0a])(
    'reads an extension of type %i as hiding nothing',
    (type) => {
      expect(parse(record(hello([[type, []]])))).toMatchObject({ encrypted: null });
    },
  );
});
