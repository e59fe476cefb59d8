import { egressAllowlist } from '../../../core/sessions/egress.js';
import type { AgentContext } from '../agent-context.js';
import { sandboxOptionsForEngine } from '../engine-session.js';
import { gitRaw } from '../git/git.js';
import {
  type EgressOptions,
  openSandbox,
  type Sandbox,
  SandboxSetupError,
} from '../sandbox/sandbox.js';

/**
 * The sandbox a role's model commands run in: as the tools user, behind the
 * egress proxy, with what the engine needs (an engine that cannot be installed,
 * as an error), and `readOnly` more of Baton's folders the commands read and
 * cannot change. A cancelled run stops its commands at once: the session then
 * keeps what it did.
 */
export async function openRoleSandbox(
  ctx: AgentContext,
  { readOnly = [] }: { readOnly?: readonly string[] } = {},
): Promise<Sandbox | Error> {
  const forEngine = await sandboxOptionsForEngine(ctx);
  if (forEngine instanceof Error) return forEngine;
  const sandbox = await openSandbox({
    root: ctx.root,
    user: toolsUser(ctx),
    egress: await egressOptions(ctx),
    ...forEngine,
    readOnly: [...(forEngine.readOnly ?? []), ...readOnly],
  });
  ctx.onCancel(() => sandbox.stopAll());
  return sandbox;
}

/**
 * The tools user the sandbox runs the model's commands as (BATON_TOOL_USER),
 * or null where no sandbox is asked for and the config lets the commands run
 * unconfined: only with `session.network: open`, which then reaches any
 * host anyway (local runs). A limited network without a sandbox would be a
 * promise nothing keeps: the session stops, saying what to set.
 */
export function toolsUser(ctx: AgentContext): string | null {
  if (ctx.env.BATON_TOOL_USER) return ctx.env.BATON_TOOL_USER;
  if (ctx.config.session.network === 'open' || ctx.unconfined) {
    ctx.log(
      'the model’s commands run unconfined, as the job’s own user: no BATON_TOOL_USER, and session.network is open',
    );
    return null;
  }
  throw new SandboxSetupError(
    'session.network limits what the model’s commands reach, which needs the sandbox: set BATON_TOOL_USER on the session step (the Baton workflow sets baton-tools), or set `session.network: open` in .github/baton.yml to run them unconfined',
  );
}

/**
 * The sandbox's allowlist: the registries of the ecosystems the default
 * branch uses, the distribution's archive, and `session.network.allow`; with
 * the loopback ports of `session.network.ports`. Null with
 * `session.network: open` (or without a tools user, where nothing is limited).
 */
export async function egressOptions(ctx: AgentContext): Promise<EgressOptions | null> {
  const network = ctx.config.session.network;
  if (!ctx.env.BATON_TOOL_USER) return null;
  if (network === 'open') {
    ctx.log('egress: session.network is open; the model’s commands may reach any host');
    return null;
  }
  const allow = egressAllowlist(await steeringTree(ctx), network.allow);
  ctx.log(
    `egress: ${ctx.env.BATON_TOOL_USER}'s commands reach ${allow.length} allowed host patterns through the session's proxy; everything else is refused`,
  );
  return {
    allow,
    ports: network.ports,
    log: ctx.log,
    ...(ctx.egressHosts ? { hosts: ctx.egressHosts } : {}),
  };
}

/**
 * The files whose names say which ecosystems the session's network serves:
 * the default branch's tree as maintainers merged it, never the checkout's (a
 * worker branch or the build branch, trees a model writes, where a planted
 * `package.json` would open npm's registry to `npm publish`). Outside
 * Actions (no default branch to read) the checkout steers, as for settings.
 */
async function steeringTree(ctx: AgentContext): Promise<string[]> {
  const options = { root: ctx.root, env: ctx.toolEnv };
  const listing =
    ctx.steering.kind === 'default-branch'
      ? await gitRaw(options, ['ls-tree', '-r', '--name-only', '-z', ctx.steering.ref])
      : await gitRaw(options, ['ls-files', '-z']);
  return listing.split('\0').filter(Boolean);
}
