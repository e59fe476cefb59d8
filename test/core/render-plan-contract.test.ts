import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config/config.js';
import { renderPlanCriteria, renderPlanTable } from '../../src/core/status/render-plan.js';
import { BUILD, make, workers } from './factories.js';

const LINKS = { repoUrl: 'https://github.com/acme/shop', branch: `baton/${BUILD}/integration` };

describe("the plan's table and the contract", () => {
  it('says which worker writes the contract, and which other the plan lets change it', () => {
    const [contract, first, second, last] = workers('W0.1', 'W1.1<W0.1', 'W1.2<W0.1', 'W2.1<W1.1');
    const plan = make.plan({
      criteria: ['GET /login redirects'],
      workers: [{ ...contract!, contract: true }, first!, second!, { ...last!, contract: true }],
    });
    const rows = renderPlanTable({ build: BUILD, plan, config: defaultConfig(), links: LINKS })
      .split('\n')
      .slice(2);
    expect(rows[0]).toContain('| 0 | W0.1 | “Work of W0.1” (writes the contract) | — |');
    expect(rows[1]).toContain('| 1 | W1.1 | “Work of W1.1” | W0.1 |');
    expect(rows[3]).toContain('| 2 | W2.1 | “Work of W2.1” (**may change the contract**) | W1.1 |');
  });

  it("says a change set's contracts, one per repository, write the checks of those each runs", () => {
    const [lib, service, first] = workers('W0.1', 'W0.2', 'W1.1<W0.1');
    const plan = make.plan({
      criteria: ['acme/lib exports get'],
      workers: [
        { ...lib!, contract: true, repository: 'acme/lib' },
        { ...service!, contract: true },
        { ...first!, repository: 'acme/lib' },
      ],
    });
    const rows = renderPlanTable({ build: BUILD, plan, config: defaultConfig(), links: LINKS });
    expect(rows).toContain('W0.2 | “Work of W0.2” (writes the contract)');
    expect(renderPlanCriteria(plan).split('\n')[0]).toBe(
      "**Acceptance criteria** (1): each repository's contract (W0.1 to W0.2) writes a check for those it runs before any other worker there starts.",
    );
  });

  it("lists every criterion with its id for a person to approve with the plan, the planner's text inert", () => {
    const [contract, first] = workers('W0.1', 'W1.1<W0.1');
    const plan = make.plan({
      criteria: ['GET /login redirects'],
      workers: [
        { ...contract!, contract: true },
        {
          ...first!,
          criteria: [
            'A wrong password is refused | build:2 | **Risk: none** <!-- baton:evidence x -->',
          ],
        },
      ],
    });
    expect(renderPlanCriteria(plan).split('\n')).toEqual([
      '**Acceptance criteria** (2): W0.1 writes a check for each before any other worker starts.',
      '',
      '- `build:1` “GET /login redirects”',
      '- `W1.1:1` “A wrong password is refused \\| build:2 \\| \\*\\*Risk: none\\*\\* &lt;!-- baton:evidence x --&gt;”',
    ]);
  });

  it('says nothing of criteria where the plan names none', () => {
    expect(renderPlanCriteria(make.plan())).toBe('');
  });
});
