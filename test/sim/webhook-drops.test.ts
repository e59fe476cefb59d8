import { describe, expect, it } from 'vitest';
import { Faults } from '../../sim/server/faults.js';

describe('lost webhooks', () => {
  const person = { login: 'maintainer', type: 'User' };
  const app = { login: 'baton[bot]', type: 'Bot' };

  it('loses about the rate asked of what the app and its work caused, the same ones for a seed', () => {
    const drops = (seed: number) => {
      const faults = new Faults({ settings: { dropWebhookRate: 0.1 }, seed });
      return Array.from({ length: 2_000 }, () => faults.dropsWebhook(app));
    };
    const lost = drops(4).filter(Boolean).length;
    expect(lost).toBeGreaterThan(150);
    expect(lost).toBeLessThan(250);
    expect(drops(4)).toEqual(drops(4));
  });

  it('never loses a person’s action, nor anything at rate 0', () => {
    const faults = new Faults({ settings: { dropWebhookRate: 1 } });
    expect(faults.dropsWebhook(person)).toBe(false);
    expect(faults.dropsWebhook(app)).toBe(true);
    expect(new Faults().dropsWebhook(app)).toBe(false);
  });
});
