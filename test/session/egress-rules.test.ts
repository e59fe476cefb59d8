import { describe, expect, it } from 'vitest';
import {
  applyEgressRules,
  chainName,
  EgressSetupError,
} from '../../src/session/agent/sandbox/rules.js';

/** A filter runner that records each command and answers as `answer` says. */
function recorder(answer: (program: string, args: readonly string[]) => boolean) {
  const calls: string[] = [];
  const exec = async (program: 'iptables' | 'ip6tables', args: readonly string[]) => {
    calls.push(`${program} ${args.join(' ')}`);
    return answer(program, args);
  };
  return { exec, calls };
}

describe('applyEgressRules', () => {
  it('sends the tools user’s packets to a chain of its own: DNS refused, loopback accepted, the rest refused; in both families', async () => {
    const { exec, calls } = recorder((_, args) => args[1] !== '-C');
    await applyEgressRules({ uid: 1234, exec });
    const chain = chainName(1234);
    expect(calls).toEqual([
      ...(['iptables', 'ip6tables'] as const).flatMap((program) => [
        `${program} -w -N ${chain}`,
        `${program} -w -A ${chain} -p udp --dport 53 -j REJECT`,
        `${program} -w -A ${chain} -p tcp --dport 53 -j REJECT --reject-with tcp-reset`,
        `${program} -w -A ${chain} -o lo -d ${program === 'iptables' ? '127.0.0.0/8' : '::1/128'} -j ACCEPT`,
        `${program} -w -A ${chain} -p tcp -j REJECT --reject-with tcp-reset`,
        `${program} -w -A ${chain} -j REJECT`,
        `${program} -w -C OUTPUT -m owner --uid-owner 1234 -j ${chain}`,
        `${program} -w -I OUTPUT 1 -m owner --uid-owner 1234 -j ${chain}`,
      ]),
    ]);
  });

  it('fails at once, saying what the runner needs and how to opt out, when a rule cannot be set', async () => {
    const { exec } = recorder(() => false);
    const setting = applyEgressRules({ uid: 1234, exec });
    await expect(setting).rejects.toThrow(EgressSetupError);
    await expect(setting).rejects.toThrow(/root or passwordless sudo.*session\.network: open/s);
  });

  it('removes what it set, a jump left by an earlier session too', async () => {
    let jumps = 2;
    const { exec, calls } = recorder((_, args) =>
      args[1] === '-D' ? jumps-- > 0 : args[1] !== '-C',
    );
    const remove = await applyEgressRules({ uid: 99, exec });
    calls.length = 0;
    await remove();
    expect(calls.filter((call) => call.includes(' -X '))).toEqual([
      `iptables -w -X ${chainName(99)}`,
      `ip6tables -w -X ${chainName(99)}`,
    ]);
    expect(calls.filter((call) => call.startsWith('iptables -w -D')).length).toBe(3);
  });
});
