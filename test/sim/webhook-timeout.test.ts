import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { machineLimit } from '../../sim/machine-time.js';
import { Faults } from '../../sim/server/faults.js';
import { WebhookSender } from '../../sim/server/webhooks.js';

/**
 * GitHub's 10 seconds for an app's answer, counted in the machine's time: on a
 * machine whose load gives the app a twelfth of a core, a delivery is not
 * counted lost until 120 s of the wall have passed. The test's clock moves only
 * when the test moves it; the sender looks at it on its own timer.
 */
describe('a webhook delivery the app does not answer', () => {
  const closing: (() => void)[] = [];
  afterEach(() => {
    for (const close of closing.splice(0)) close();
  });

  it("is lost after GitHub's 10 s of the machine's time, not of the wall", async () => {
    // An app that reads the request and never answers.
    const held: IncomingMessage[] = [];
    const server = createServer((request) => {
      held.push(request);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closing.push(() => server.close());
    closing.push(() => server.closeAllConnections());
    const wall = { ms: 0, looks: 0 };
    const sender = new WebhookSender({
      gh: { outbox: [{ name: 'issues', payload: { action: 'labeled' } }], fullName: 'o/r' },
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      secret: 'secret',
      faults: new Faults(),
      // Twenty-four runnable processes on two cores: a twelfth of a core each.
      deliveryLimit: () =>
        machineLimit(10_000, {
          now: () => {
            wall.looks++;
            return wall.ms;
          },
          load: () => ({ cores: 2, load: 24 }),
        }),
    });
    closing.push(() => sender.close());
    sender.pump();
    await expect.poll(() => held.length).toBe(1);
    const [record] = sender.deliveries;
    // 60 s of the wall are 5 s of the machine's: several looks later, still waiting.
    wall.ms = 60_000;
    const looked = wall.looks;
    await expect.poll(() => wall.looks > looked + 2 || record?.status !== 'pending').toBe(true);
    expect(record?.status).toBe('pending');
    // 121 s of the wall are past 10 s of the machine's: lost.
    wall.ms = 121_000;
    await expect.poll(() => record?.status).not.toBe('pending');
    expect(String(record?.status)).toMatch(
      /the app’s answer: ran out of 10 s of the machine's time/,
    );
  });
});
