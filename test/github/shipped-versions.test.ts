import { describe, expect, it } from 'vitest';
import {
  fingerprintTemplate,
  readShippedVersions,
  SHIPPED_VERSIONS_FILE,
} from '../../src/github/setup/setup-templates.js';
import { renderTemplates } from '../../src/templates.js';

const SOURCE = { repository: 'baton-dev/baton', ref: '0123456789abcdef0123456789abcdef01234567' };

/** Every template, the server-less conductor's included. */
function render(source = SOURCE) {
  return renderTemplates({
    batonRepository: source.repository,
    batonRef: source.ref,
    serverless: true,
  });
}

describe(`templates/${SHIPPED_VERSIONS_FILE}`, () => {
  it.each(render().map((file) => [file.path, file.content] as const))(
    'records the current version of %s (after changing a template, add the fingerprint this test prints)',
    (path, content) => {
      const fingerprint = fingerprintTemplate(content, SOURCE);
      expect(readShippedVersions()[path] ?? [], `add "${fingerprint}" under "${path}"`).toContain(
        fingerprint,
      );
    },
  );

  it('lists only files Baton installs', () => {
    const paths = render().map((file) => file.path);
    expect(Object.keys(readShippedVersions()).filter((path) => !paths.includes(path))).toEqual([]);
  });
});

describe('fingerprintTemplate', () => {
  it('gives a template the same fingerprint whichever commit it pins', () => {
    const other = { ...SOURCE, ref: 'fedcba9876543210fedcba9876543210fedcba98' };
    const pinned = render().map((file) => fingerprintTemplate(file.content, SOURCE));
    const repinned = render(other).map((file) => fingerprintTemplate(file.content, other));
    expect(repinned).toEqual(pinned);
    expect(render(other).map((file) => file.content)).not.toEqual(render().map((f) => f.content));
  });

  it('tells a workflow pointed at another source from Baton’s own', () => {
    const [workflow] = render();
    const fork = render({ ...SOURCE, repository: 'someone/baton-fork' })[0];
    expect(fingerprintTemplate(fork?.content ?? '', SOURCE)).not.toBe(
      fingerprintTemplate(workflow?.content ?? '', SOURCE),
    );
  });

  it('leaves the commit SHAs that pin actions alone', () => {
    const [workflow] = render();
    const content = workflow?.content ?? '';
    const action = /uses: actions\/checkout@([0-9a-f]{40})/.exec(content)?.[1] ?? '';
    expect(action).not.toBe('');
    const moved = content.replace(action, 'f'.repeat(40));
    expect(fingerprintTemplate(moved, SOURCE)).not.toBe(fingerprintTemplate(content, SOURCE));
  });
});
