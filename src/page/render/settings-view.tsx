/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { SettingOrigin } from '../../core/config/org-policy.js';
import { POLICY_FILE } from '../../core/config/org-policy.js';
import { CONFIG_PATH } from '../../read-config.js';
import type { RepoSettings } from '../repo-settings.js';
import { when } from './format.js';
import { TableHead } from './layout.js';

/**
 * One repository's settings in effect: where they were read from, why there
 * is no config where there is none, the repository's settings the policy
 * ignored and the limit each loosens, then every setting, its value and where
 * it came from, as `baton check --effective` prints them.
 */
export function SettingsView({ settings }: { settings: RepoSettings }) {
  const { outcome } = settings;
  return (
    <section id="settings">
      <h1>{`Settings of ${settings.repository}`}</h1>
      <p class="muted">{`In effect for the next build, as Baton reads them for it; read ${when(settings.readAt)}.`}</p>
      <ul>
        <li>{fileLine(settings)}</li>
        <li>{policyLine(settings)}</li>
      </ul>
      {outcome.ok ? null : (
        <div class="warning">
          <strong>No build starts until this is fixed:</strong>
          <ul>
            {outcome.problems.map((problem) => (
              <li>
                <code>{problem.field}</code>
                {`${problem.line === undefined ? '' : ` (line ${problem.line})`}${problem.file ? ` in ${problem.file}` : ''}: ${problem.message}`}
              </li>
            ))}
          </ul>
        </div>
      )}
      {outcome.ok && outcome.ignored.length > 0 ? (
        <div class="note" id="ignored">
          <strong>Ignored: they loosen a limit of the policy</strong>
          <ul>
            {outcome.ignored.map((one) => (
              <li>
                <code>{`${one.field}: ${one.value}`}</code>
                {`: ${one.limit}`}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {outcome.ok ? (
        <table>
          <TableHead columns={['Setting', 'Value', 'From']} />
          <tbody>
            {outcome.settings.map((setting) => (
              <tr class={`origin-${setting.origin.replace(' ', '-')}`}>
                <td>
                  <code>{setting.field}</code>
                </td>
                <td>
                  <code>{setting.value}</code>
                </td>
                <td>{originText(setting.origin, settings)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** Where a setting came from, in words: the repository's file at its commit, the policy at its, a limit of it, Baton's default. */
export function originText(origin: SettingOrigin, settings: RepoSettings): string {
  switch (origin) {
    case 'repository':
      return filesText(settings);
    case 'policy':
      return policyText(settings);
    case 'policy limit':
      return `${policyText(settings)} (limit)`;
    case 'default':
      return 'Baton’s default';
    default: {
      const _: never = origin;
      return _;
    }
  }
}

function fileLine(settings: RepoSettings): string {
  return settings.files.length === 0
    ? `No ${CONFIG_PATH}: the policy’s defaults and Baton’s.`
    : `Read from ${filesText(settings)}.`;
}

function policyLine(settings: RepoSettings): string {
  const owner = settings.repository.split('/')[0] ?? '';
  return settings.policy
    ? `Under the organisation’s policy, ${policyText(settings)}.`
    : `No organisation policy (${POLICY_FILE} in ${owner}/.github).`;
}

/** The files the repository's settings came from: its own at its commit, then any other repository's. */
function filesText(settings: RepoSettings): string {
  const own = settings.repository.toLowerCase();
  const others = settings.files.filter((file) => file.toLowerCase() !== own);
  const parts = [
    ...(settings.files.length > others.length
      ? [`${CONFIG_PATH}${settings.fileCommit ? ` at ${settings.fileCommit.slice(0, 7)}` : ''}`]
      : []),
    ...others.map((file) => `${file}: ${CONFIG_PATH}`),
  ];
  return parts.join(' and ');
}

function policyText(settings: RepoSettings): string {
  const { policy } = settings;
  return policy ? `${policy.source}: ${POLICY_FILE} at ${policy.commit.slice(0, 7)}` : 'the policy';
}
