/**
 * Imported first by each entry point (`src/main.ts`, `bin/baton.js`, the
 * demos): on a Node older than `engines` allows, says so in one line and ends
 * the process with code 2 before any other module runs (ES modules run in
 * the order they are imported).
 */
import { nodeFloorRefusal } from './node-floor.js';

const refusal = nodeFloorRefusal(process.versions.node);
if (refusal) {
  process.stderr.write(`baton: ${refusal}\n`);
  process.exit(2);
}
