/**
 * package.json's `engines` (`^22.12.0 || >=24`) as the one line every entry
 * point says on an older Node: the CLI (`bin/baton.js`), `npm start` and the
 * app (`src/main.ts`), the demos. Node 20 reached its end of life on
 * 2026-04-30. Pure; `refuse-old-node.ts` says it and exits.
 */
export function nodeFloorRefusal(version: string): string | null {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 12)) return null;
  return `Baton needs Node 22 or 24 (22.12 or later); this is Node ${version.replace(/^v/, '')}: install Node 24 (https://nodejs.org/en/download, or \`nvm install 24\`)`;
}
