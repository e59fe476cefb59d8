/** A member chain in a file's JavaScript or TypeScript tokens (runner-reach.ts, assertion-modules.ts). */

/** A token as the reaches read it. */
interface Token {
  kind: 'name' | 'string' | 'punct' | 'number';
  value: string;
}

/** The index after a member chain following the token at `i` (`a.b["c"]?.d`). */
export function memberChainEnd(tokens: readonly Token[], i: number): number {
  let j = i + 1;
  for (;;) {
    const token = tokens[j];
    if ((token?.value === '.' || token?.value === '?.') && tokens[j + 1]?.kind === 'name') j += 2;
    else if (token?.value === '[') {
      let depth = 0;
      for (; j < tokens.length; j++) {
        if (tokens[j]?.value === '[') depth++;
        if (tokens[j]?.value === ']' && --depth === 0) break;
      }
      j++;
    } else return j;
  }
}

/** The tokens from `from` to `to` as the code has them, a string quoted; at most 60 characters. */
export function chainText(tokens: readonly Token[], from: number, to: number): string {
  return tokens
    .slice(from, to)
    .map((token) => (token.kind === 'string' ? JSON.stringify(token.value) : token.value))
    .join('')
    .slice(0, 60);
}
