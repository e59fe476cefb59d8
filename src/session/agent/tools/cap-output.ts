/**
 * Keeps the head and the tail of a long output within `maxChars`: the start
 * says what ran, the end says how it ended; the middle is the least useful part.
 */
export function capOutput(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  return joinCapped(text.slice(0, half), text.slice(-half), text.length - 2 * half);
}

function joinCapped(head: string, tail: string, omitted: number): string {
  return `${head}\n\n[... ${omitted} characters omitted ...]\n\n${tail}`;
}

/** Collects a stream's text in bounded memory: the first and the last `maxChars / 2`. */
export interface OutputCollector {
  push(chunk: string): void;
  text(): string;
}

/** A collector that never holds more than `maxChars` of a stream. */
export function createOutputCollector(maxChars: number): OutputCollector {
  const half = Math.floor(maxChars / 2);
  let head = '';
  let tail = '';
  let total = 0;
  return {
    push(chunk) {
      total += chunk.length;
      const room = half - head.length;
      if (room > 0) {
        head += chunk.slice(0, room);
        chunk = chunk.slice(room);
      }
      if (chunk) tail = (tail + chunk).slice(-half);
    },
    text() {
      const omitted = total - head.length - tail.length;
      return omitted > 0 ? joinCapped(head, tail, omitted) : head + tail;
    },
  };
}
