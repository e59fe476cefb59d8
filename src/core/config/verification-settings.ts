/**
 * `verification:` of `.github/baton.yml` (docs/verification.md): which risk
 * classes hold a worker's pull request for a person, the paths that are
 * security-sensitive or public interfaces, whether a plan's criteria get a
 * contract, and what a milestone's validation session runs on (it wrote none
 * of the code; it may also run on another engine or model than the work did).
 */
import { z } from 'zod';
import { Engine } from '../sessions/engines.js';

/**
 * What makes a worker's change worth a person's reading first, judged from
 * publish's evidence and the pull request's reviews (src/core/verification/risk.ts).
 */
export const RISK_CLASSES = [
  'memory',
  'runs-contract',
  'workflow',
  'ownership',
  'test-aware',
  'build',
  'dependency',
  'security',
  'interface',
  'tests',
  'size',
  'rounds',
  'disagreement',
] as const;
export const RiskClass = z.enum(RISK_CLASSES);
export type RiskClass = z.infer<typeof RiskClass>;

/** A path glob: `*` within a folder, `**` across folders, `?` one character. */
const PathGlob = z.string().trim().min(1).max(200);

const Autonomy = z.strictObject({
  /**
   * A worker pull request whose evidence shows one of these classes is not
   * merged until a person approves its head or replies `/merge W<id>`.
   * `memory` (a lesson of `.baton/memory/`) waits whatever this says.
   */
  waitFor: z
    .array(RiskClass)
    .max(RISK_CLASSES.length)
    .default(['workflow', 'ownership', 'test-aware', 'build', 'dependency', 'security']),
});

/** `verification.validation`: the engine and model of validation sessions; absent, the review role's. */
const Validation = z.strictObject({
  /** The coding engine of validation sessions; absent, the one `session.engine` gives reviews. */
  engine: Engine.optional(),
  /** The model id of validation sessions; absent, `models.review` (`models.openai.review` on Codex). */
  model: z.string().min(1).optional(),
});

/**
 * Evidence before a person reads (docs/verification.md): which worker pull requests
 * wait for a person by risk, and the paths that carry risk.
 */
export const VerificationSettings = z.strictObject({
  autonomy: Autonomy.prefault({}),
  /** Paths whose change is the `security` class. */
  securityPaths: z.array(PathGlob).max(50).default([]),
  /** Paths that are public interfaces: their change is the `interface` class. */
  interfacePaths: z.array(PathGlob).max(50).default([]),
  /**
   * Paths a milestone's validation brings from the validated head into the
   * contract's tree, beside the source and document files it brings by itself
   * (docs/verification.md, "The contract's tree"): data the code reads, say
   * `src/**\/*.json`. It adds to the allowlist and takes nothing from its
   * refusals: a test path, a runner's or tool's settings, a package manager's
   * file, a link or anything in a tool's folder stays the contract's commit's.
   * A worker's change to a path neither names waits for a person.
   */
  workPaths: z.array(PathGlob).max(50).default([]),
  /** A plan's acceptance criteria get a contract of checks before any worker starts. */
  contract: z.boolean().default(true),
  validation: Validation.prefault({}),
});
export type VerificationSettings = z.infer<typeof VerificationSettings>;
