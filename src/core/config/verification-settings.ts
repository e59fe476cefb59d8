/**
 * `verification` of `.github/baton.yml` (docs/verification.md): here, what a
 * milestone's validation session runs on. It wrote none of the code; it may
 * also run on another engine or model than the work did.
 */
import { z } from 'zod';
import { Engine } from '../sessions/engines.js';

/** `verification.validation`: the engine and model of validation sessions; absent, the review role's. */
const Validation = z.strictObject({
  /** The coding engine of validation sessions; absent, the one `session.engine` gives reviews. */
  engine: Engine.optional(),
  /** The model id of validation sessions; absent, `models.review` (`models.openai.review` on Codex). */
  model: z.string().min(1).optional(),
});

export const Verification = z.strictObject({
  validation: Validation.prefault({}),
});
export type Verification = z.infer<typeof Verification>;
