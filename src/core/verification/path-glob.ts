/**
 * Path globs of `verification.securityPaths` and `interfacePaths`: `*` and `?`
 * within one folder name, `**` across folders (`src/auth/**`, `**\/*.proto`).
 * A glob without a `/` names a file or folder anywhere (`secrets.ts`).
 */

/** Whether a repository path (no leading `/`) matches a glob. */
export function matchesGlob(glob: string, path: string): boolean {
  const pattern = glob.replace(/^\.?\/+/, '');
  const anchored = pattern.includes('/') ? pattern : `**/${pattern}`;
  return globRegex(anchored).test(path) || globRegex(`${anchored}/**`).test(path);
}

/** Whether any of the globs matches the path. */
export function matchesAny(globs: readonly string[], path: string): boolean {
  return globs.some((glob) => matchesGlob(glob, path));
}

function globRegex(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] ?? '';
    if (char === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:[^/]+/)*' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}
