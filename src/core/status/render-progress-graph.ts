import { escapeMermaidLabel } from '../vocabulary/markdown.js';
import { STATE_LABELS } from './progress-format.js';
import type { WorkerDisplayState, WorkerRow } from './status-view.js';

/** Colours of the graph's nodes, one class per worker state. */
const STATE_STYLES: Record<WorkerDisplayState, string> = {
  waiting: 'fill:#f1f3f5,stroke:#868e96,color:#495057',
  ready: 'fill:#e7f5ff,stroke:#1c7ed6,color:#1864ab',
  queued: 'fill:#fff9db,stroke:#f59f00,color:#5c3c00',
  working: 'fill:#fff3bf,stroke:#f08c00,color:#5c3c00',
  reviewing: 'fill:#f3f0ff,stroke:#7048e8,color:#3b1f9e',
  fixing: 'fill:#fff4e6,stroke:#e8590c,color:#6e2a00',
  checks: 'fill:#e3fafc,stroke:#1098ad,color:#0b5563',
  approved: 'fill:#ebfbee,stroke:#37b24d,color:#1b5e20',
  'needs-human': 'fill:#fff0f6,stroke:#d6336c,color:#7a1238',
  partial: 'fill:#fff5f5,stroke:#f76707,color:#7a3b00,stroke-dasharray:6 3',
  'awaiting-budget': 'fill:#fff9db,stroke:#e67700,color:#5c3c00,stroke-dasharray:6 3',
  failed: 'fill:#ffe3e3,stroke:#e03131,color:#7d1111',
  impossible: 'fill:#fff0f6,stroke:#a61e4d,color:#5c0a2a,stroke-dasharray:6 3',
  merged: 'fill:#b2f2bb,stroke:#2f9e44,color:#0f3d17',
  skipped: 'fill:#e9ecef,stroke:#adb5bd,color:#495057,stroke-dasharray:4 3',
};

const TITLE_MAX = 40;

/** The plan's dependency graph with each worker coloured, marked and named by its state. */
export function renderProgressGraph(rows: WorkerRow[]): string {
  const lines = ['```mermaid', 'graph LR'];
  for (const row of rows) {
    const title =
      row.title.length > TITLE_MAX ? `${row.title.slice(0, TITLE_MAX - 1)}…` : row.title;
    // The state's icon and word too, so no node is told by its colour alone.
    const { emoji, text } = STATE_LABELS[row.state];
    lines.push(
      `  ${nodeId(row.id)}["${escapeMermaidLabel(`${emoji} ${row.id}: ${title} (${text})`)}"]:::${className(row.state)}`,
    );
  }
  for (const row of rows) {
    for (const dep of row.dependsOn) lines.push(`  ${nodeId(dep)} --> ${nodeId(row.id)}`);
  }
  const used = new Set(rows.map((row) => row.state));
  for (const state of Object.keys(STATE_STYLES) as WorkerDisplayState[]) {
    if (used.has(state)) lines.push(`  classDef ${className(state)} ${STATE_STYLES[state]}`);
  }
  lines.push('```');
  return lines.join('\n');
}

/** `W1.1` → `W1_1`: mermaid ids take no dots. */
function nodeId(worker: string): string {
  return worker.replace('.', '_');
}

/** `needs-human` → `needs_human`: class names take no dashes in every mermaid version. */
function className(state: WorkerDisplayState): string {
  return state.replace('-', '_');
}
