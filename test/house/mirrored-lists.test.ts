/**
 * Every list that mirrors a type covers it (docs/development.md, "The house's
 * bars"). Tables in TypeScript are keyed by their union (`Record<RiskClass, …>`,
 * `Record<SessionRole, …>`, `Record<CodingEngine, …>`), or are the union's
 * source (`COMMANDS`, which the `Command` type is read off; its tests and
 * docs/usage.md are held by test/core/commands.test.ts and command-docs.test.ts),
 * so the compiler refuses a member left out. This test holds the lists the
 * compiler cannot see: an order read at run time, and the words of the
 * workflow, the settings template and the docs.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/source-files.js';
import { RiskClass } from '../../src/core/config/verification-settings.js';
import { ENGINE_TRAITS } from '../../src/core/sessions/engines.js';
import { SESSION_ROLES } from '../../src/core/sessions/session.js';
import { readFirst } from '../../src/core/verification/read-first.js';
import { RISK_ORDER, riskText, riskWeight } from '../../src/core/verification/risk.js';
import { DEFAULT_ENGINE, ENGINES } from '../../src/core/vocabulary/engine-names.js';
import { ENGINE_KITS } from '../../src/session/agent/engines/engine-registry.js';
import { templateText } from '../support/workflow-yaml.js';

function read(path: string): string {
  return readFileSync(`${ROOT}/${path}`, 'utf8');
}

/** The names of a list written in prose, `a, b, c (why), or d`: parentheses dropped. */
function namesOf(prose: string): string[] {
  return prose
    .replace(/\([^)]*\)/g, '')
    .split(/,|\bor\b/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

const sorted = (names: Iterable<string>) => [...names].sort();

/** The session workflow's `workflow_dispatch` input `name`'s description. */
function dispatchInput(name: string): string {
  const workflow = yaml.load(templateText('.github/workflows/baton.yml')) as {
    on: { workflow_dispatch: { inputs: Record<string, { description: string }> } };
  };
  const input = workflow.on.workflow_dispatch.inputs[name];
  if (!input) throw new Error(`the session workflow has no input ${name}`);
  return input.description;
}

describe('the risk classes', () => {
  const classes = RiskClass.options;

  it('are ranked, every one once, the worst the heaviest', () => {
    expect(sorted(RISK_ORDER)).toEqual(sorted(classes));
    const weights = RISK_ORDER.map(riskWeight);
    expect(weights).toEqual(RISK_ORDER.map((_, place) => RISK_ORDER.length - place));
    expect(Math.min(...classes.map(riskWeight))).toBeGreaterThan(0);
  });

  it('rank a worker of each class above one of the class after it', () => {
    const risk = (worker: string, risk: RiskClass) => ({
      worker,
      evidence: 'current' as const,
      classes: [risk],
      files: [],
      lines: 0,
      recordLines: 0,
      riskyLines: 0,
      rounds: 0,
    });
    for (const [place, lower] of RISK_ORDER.entries()) {
      const higher = RISK_ORDER[place - 1];
      if (!higher) continue;
      const ranked = readFirst([risk('W1.1', lower), risk('W1.2', higher)]).ranked;
      expect(
        ranked.map((one) => one.worker),
        `${higher} over ${lower}`,
      ).toEqual(['W1.2', 'W1.1']);
    }
  });

  it('each say why in words of their own', () => {
    const texts = classes.map(riskText);
    expect(texts.every((text) => text.length > 0)).toBe(true);
    expect(new Set(texts).size).toBe(classes.length);
  });

  it('each have a row in docs/verification.md and a word in the settings template', () => {
    const docs = read('docs/verification.md');
    const rows = [...docs.matchAll(/^\| `([a-z-]+)` \| [^|]*\|$/gm)].map((row) => row[1] ?? '');
    expect(sorted(rows.filter((name) => (classes as readonly string[]).includes(name)))).toEqual(
      sorted(classes),
    );
    const choices =
      /`baton check` refuses a class it does not know and names the choices:\s*([^.]*)\./.exec(
        docs,
      )?.[1];
    expect(sorted(namesOf((choices ?? '').replaceAll('`', '')))).toEqual(sorted(classes));
    const template = read('templates/baton.yml');
    const listed = /risk classes waits for a person's\s*#\s*#[^:]*:([^.]*)\./.exec(template)?.[1];
    expect(sorted(namesOf((listed ?? '').replace(/#/g, '')))).toEqual(sorted(classes));
  });
});

describe('the session roles', () => {
  it("are each named by the session workflow's role input, beside doctor", () => {
    const named = namesOf(dispatchInput('role'));
    expect(sorted(named)).toEqual(sorted([...SESSION_ROLES, 'doctor']));
  });
});

describe('the engines', () => {
  it('each have their traits and, but Baton’s own loop, a kit', () => {
    expect(sorted(Object.keys(ENGINE_TRAITS))).toEqual(sorted(ENGINES));
    expect(sorted(Object.keys(ENGINE_KITS))).toEqual(
      sorted(ENGINES.filter((engine) => engine !== DEFAULT_ENGINE)),
    );
  });

  it("are each named by the session workflow's engine input, the default left empty", () => {
    const named = namesOf(dispatchInput('engine').replace(/^The coding engine,|;.*$/g, ''));
    expect(sorted(named)).toEqual(sorted(ENGINES.filter((engine) => engine !== DEFAULT_ENGINE)));
  });

  it('each have a row in docs/costs.md', () => {
    const rows = [...read('docs/costs.md').matchAll(/^\| `([a-z-]+)`/gm)].map(
      (row) => row[1] ?? '',
    );
    expect(sorted(new Set(rows))).toEqual(sorted(ENGINES));
  });
});
