import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogOn } from '../../src/server/log.js';

export interface CapturedLog {
  /** The app's logger (src/server/log.ts), writing JSON lines here instead of to stdout. */
  log: Logger;
  /** Every line written so far, parsed. */
  records(): Record<string, unknown>[];
  /** Every line written so far, as written. */
  text(): string;
}

/** The app's own logger at `level`, its output kept for the test to read. */
export function captureLog(level = 'info'): CapturedLog {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = createLogOn({ level }, stream);
  const text = () => chunks.join('');
  return {
    log,
    text,
    records: () =>
      text()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
