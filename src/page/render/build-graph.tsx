/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { scalePoint } from 'd3-scale';
import type { BuildDetail } from '../../core/overview/build-detail.js';
import { waveOf } from '../../core/plan/plan.js';

const WIDTH = 900;
const NODE = { width: 150, height: 34 };

/**
 * A build's plan as a graph: a column per wave, a box per worker (outlined by
 * its state, its repository under its id), an arrow per dependency. Across a
 * change set's repositories the boxes name theirs; only the repositories the
 * viewer may read are in it.
 */
export function BuildGraph({ graph }: { graph: BuildDetail['graph'] }) {
  if (graph.length === 0) return <p class="muted">No plan yet.</p>;
  const waves = [...new Set(graph.map((node) => waveOf(node.id)))].sort((a, b) => a - b);
  const rows = Math.max(
    ...waves.map((wave) => graph.filter((node) => waveOf(node.id) === wave).length),
  );
  const height = rows * (NODE.height + 16) + 24;
  const x = scalePoint<number>()
    .domain(waves)
    .range([NODE.width / 2 + 8, WIDTH - NODE.width / 2 - 8])
    .padding(waves.length === 1 ? 0.5 : 0);
  const place = new Map<string, { x: number; y: number }>();
  for (const wave of waves) {
    const column = graph.filter((node) => waveOf(node.id) === wave);
    for (const [index, node] of column.entries()) {
      place.set(node.id, { x: x(wave) ?? 0, y: 12 + index * (NODE.height + 16) });
    }
  }
  const repositories = new Set(graph.map((node) => node.repository)).size;
  return (
    <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label="The plan's graph">
      {graph.flatMap((node) =>
        node.dependsOn.map((from) => {
          const a = place.get(from);
          const b = place.get(node.id);
          if (!a || !b) return null;
          return (
            <path
              class="edge"
              d={`M${a.x + NODE.width / 2},${a.y + NODE.height / 2} C${(a.x + b.x) / 2},${a.y + NODE.height / 2} ${(a.x + b.x) / 2},${b.y + NODE.height / 2} ${b.x - NODE.width / 2},${b.y + NODE.height / 2}`}
            />
          );
        }),
      )}
      {graph.map((node) => {
        const at = place.get(node.id) ?? { x: 0, y: 0 };
        return (
          <g>
            <rect
              class={`node ${node.state}`}
              x={at.x - NODE.width / 2}
              y={at.y}
              width={NODE.width}
              height={NODE.height}
              rx={5}
            >
              <title>{`${node.id} ${node.title} (${node.state}) in ${node.repository}`}</title>
            </rect>
            <text x={at.x - NODE.width / 2 + 6} y={at.y + 14}>
              {`${node.id} ${node.title.length > 18 ? `${node.title.slice(0, 17)}…` : node.title}`}
            </text>
            <text class="axis" x={at.x - NODE.width / 2 + 6} y={at.y + 28}>
              {repositories > 1 ? node.repository : node.state}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
