import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import {
  kindOfGitHub,
  readGitHubKind,
  unsupportedGitHub,
} from '../../src/github/client/github-kind.js';
import { mountEachTest } from '../support/app-tests.js';
import { API } from '../support/mount-nock.js';

describe('which GitHub the app talks to', () => {
  it.each([
    ['github.com', {}, { verifiable_password_authentication: false }, { kind: 'cloud' }],
    [
      'Enterprise Server, by its meta',
      {},
      { installed_version: '3.17.2' },
      { kind: 'enterprise-server', version: '3.17.2' },
    ],
    [
      'Enterprise Server, by its header',
      { 'x-github-enterprise-version': '3.20.0' },
      {},
      { kind: 'enterprise-server', version: '3.20.0' },
    ],
  ])('reads %s', (_, headers, data, kind) => {
    expect(kindOfGitHub({ headers, data })).toEqual(kind);
  });

  it('refuses every Enterprise Server with a message that says why and where to read more', () => {
    expect(unsupportedGitHub({ kind: 'cloud' })).toBeNull();
    const message = unsupportedGitHub({ kind: 'enterprise-server', version: '3.21.0' });
    expect(message).toContain('GitHub Enterprise Server 3.21.0 is not supported');
    expect(message).toContain('upload-artifact');
    expect(message).toContain('docs/github-versions.md');
  });

  describe('against the simulated GitHub', () => {
    let gh: FakeGitHub;
    mountEachTest((repo) => {
      gh = repo;
    });
    it('tells github.com from an Enterprise Server of a version', async () => {
      expect(await readGitHubKind(API)).toEqual({ kind: 'cloud' });
      gh.enterpriseVersion = '3.17';
      expect(await readGitHubKind(API)).toEqual({
        kind: 'enterprise-server',
        version: '3.17.0',
      });
    });

    it('answers null when GitHub does not answer as either', async () => {
      gh.faults.push({ route: 'GET /meta', response: { status: 503, body: { message: 'down' } } });
      expect(await readGitHubKind(API)).toBeNull();
    });
  });
});
