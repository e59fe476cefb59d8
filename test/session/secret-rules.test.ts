import { afterEach, describe, expect, it } from 'vitest';
import { findSecrets } from '../../src/session/publish/checks/secrets/secret-rules.js';

// A token of GitHub's shape, made up.
const TOKEN = `ghp_${'x7Kq9ZpL2mN4vB8cR1tY6wE3uI0oPaSdFgHj'}`;

describe('findSecrets under a file name a session chose', () => {
  const rejections: unknown[] = [];
  const record = (reason: unknown) => rejections.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', record);
    rejections.length = 0;
  });

  it.each([
    ['a line break', 'docs/a\nb.md'],
    ['a carriage return', 'docs/a\rb.md'],
    ['a line separator', 'docs/a\u2028b.md'],
  ])(
    'finds the secret in a file whose name holds %s, and leaves no rejection to end the process',
    async (_name, path) => {
      process.on('unhandledRejection', record);
      const findings = await findSecrets(path, `token ${TOKEN}\n`);
      expect(findings.map((finding) => [finding.line, finding.value])).toEqual([[1, TOKEN]]);
      // A rejection no one handles is reported once the microtasks and timers of this turn ran.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(rejections.map(String)).toEqual([]);
    },
  );
});
