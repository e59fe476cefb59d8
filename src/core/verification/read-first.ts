/**
 * Where a person's reading goes first: workers ranked by risk, and the risky
 * files of them all, "N of M changed lines" of the work, Baton's build records
 * apart (docs/verification.md, "The review guide"). Pure: the guide, the bench's attention figures and the tests read it.
 */
import { type RiskyFile, riskWeight, type WorkerRisk } from './risk.js';

/** A risky file, with its worker. */
export interface FirstRead extends RiskyFile {
  worker: string;
}

export interface ReadFirst {
  /** The workers, the riskiest first; those with no class last, in plan order. */
  ranked: WorkerRisk[];
  /** Every risky file, the riskiest worker's first, each worker's most lines first. */
  files: FirstRead[];
  /** Lines of `files`. */
  lines: number;
  /** Every changed line of the work the evidence counts. */
  total: number;
  /** Changed lines of Baton's build records, apart from `total`. */
  records: number;
}

/** How risky a worker is: its classes' weights added up. */
export function riskScore(risk: Pick<WorkerRisk, 'classes'>): number {
  return risk.classes.reduce((sum, one) => sum + riskWeight(one), 0);
}

/**
 * The workers ranked, the riskiest first (score, then risky lines, then plan
 * order), and what to read first.
 */
export function readFirst(risks: readonly WorkerRisk[]): ReadFirst {
  const order = new Map(risks.map((risk, index) => [risk.worker, index]));
  const ranked = [...risks].sort(
    (a, b) =>
      riskScore(b) - riskScore(a) ||
      b.riskyLines - a.riskyLines ||
      (order.get(a.worker) ?? 0) - (order.get(b.worker) ?? 0),
  );
  const files = ranked.flatMap((risk) =>
    risk.files.map((file): FirstRead => ({ ...file, worker: risk.worker })),
  );
  return {
    ranked,
    files,
    lines: files.reduce((sum, file) => sum + file.lines, 0),
    total: risks.reduce((sum, risk) => sum + risk.lines, 0),
    records: risks.reduce((sum, risk) => sum + risk.recordLines, 0),
  };
}
