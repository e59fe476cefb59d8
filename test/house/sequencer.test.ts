import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { LongestFirst, measuredSeconds } from '../sequencer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A file to run as the sequencer sees it: its path and its project's group. */
function spec(file: string, groupOrder = 1): TestSpecification {
  return {
    moduleId: path.join(ROOT, file),
    project: { config: { sequence: { groupOrder } } },
  } as unknown as TestSpecification;
}

const sequencer = new LongestFirst({ config: { root: ROOT } } as unknown as Vitest);
const order = async (specs: TestSpecification[]) =>
  (await sequencer.sort(specs)).map((one) => path.relative(ROOT, one.moduleId));

describe('the order test files start in', () => {
  const seconds = measuredSeconds(ROOT);
  const measured = [...seconds].sort((a, b) => b[1] - a[1]);
  const [longest, , ...rest] = measured;
  const shortest = rest.at(-1);

  it("starts the longest measured first, whatever vitest's own order would be", async () => {
    expect(longest && shortest && longest[1] > shortest[1]).toBe(true);
    const files = [shortest?.[0], longest?.[0]].map((file) => spec(file ?? ''));
    expect(await order(files)).toEqual([longest?.[0], shortest?.[0]]);
  });

  it('starts a file not measured yet before every measured one', async () => {
    const files = [spec(longest?.[0] ?? ''), spec('test/e2e/not-measured.test.ts')];
    expect(await order(files)).toEqual(['test/e2e/not-measured.test.ts', longest?.[0]]);
  });

  it('keeps each group before the next: the fast tier first however short', async () => {
    const files = [spec(longest?.[0] ?? '', 1), spec(shortest?.[0] ?? '', 0)];
    expect(await order(files)).toEqual([shortest?.[0], longest?.[0]]);
  });
});
