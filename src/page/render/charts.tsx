/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { scaleBand, scaleLinear, scaleTime } from 'd3-scale';
import { curveStepAfter, line } from 'd3-shape';
import type { BuildDetail, TimelineLane } from '../../core/overview/build-detail.js';
import type { BurndownPoint } from '../../core/overview/set-row.js';
import type { CapView, SpendGroup } from '../../core/overview/spend.js';
import { duration, safeHref, usd, when } from './format.js';

/**
 * The page's pictures, drawn on the server as inline SVG: d3's scales place
 * them and d3-shape draws their lines, the JSX renderer escapes every text in
 * them. No script runs in the page to draw them.
 */

const WIDTH = 900;

/** A chart's horizontal grid: a line at each of `ticks` on the `y` scale, labelled at the left. */
function Grid({
  ticks,
  y,
  margin,
  label,
}: {
  ticks: number[];
  y: (value: number) => number;
  margin: { left: number; right: number };
  label: (tick: number) => string;
}) {
  return (
    <>
      {ticks.map((tick) => (
        <g>
          <line class="grid" x1={margin.left} x2={WIDTH - margin.right} y1={y(tick)} y2={y(tick)} />
          <text class="axis" x={margin.left - 6} y={y(tick) + 4} text-anchor="end">
            {label(tick)}
          </text>
        </g>
      ))}
    </>
  );
}

/** What the sessions cost per day: a bar a day. */
export function SpendOverTime({ days: all }: { days: readonly SpendGroup[] }) {
  // Spend no run dates (read from a report of before usage records) is in the totals, not on a day.
  const days = all.filter((day) => day.key !== 'undated');
  if (days.length === 0) return <p class="muted">No spend recorded yet.</p>;
  const height = 180;
  const margin = { top: 10, right: 10, bottom: 28, left: 48 };
  const x = scaleBand<string>()
    .domain(days.map((day) => day.key))
    .range([margin.left, Math.min(WIDTH - margin.right, margin.left + days.length * 70)])
    .padding(0.2);
  const top = Math.max(...days.map((day) => day.usd), 0.01);
  const y = scaleLinear()
    .domain([0, top])
    .nice()
    .range([height - margin.bottom, margin.top]);
  return (
    <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label="Spend per day">
      <Grid ticks={y.ticks(4)} y={y} margin={margin} label={usd} />
      {days.map((day) => (
        <g>
          <rect
            class="bar"
            x={x(day.key)}
            y={y(day.usd)}
            width={x.bandwidth()}
            height={Math.max(0, height - margin.bottom - y(day.usd))}
          >
            <title>{`${day.key}: ${usd(day.usd)}, ${day.sessions} sessions`}</title>
          </rect>
          <text
            class="axis"
            x={(x(day.key) ?? 0) + x.bandwidth() / 2}
            y={height - 10}
            text-anchor="middle"
          >
            {day.key.slice(5)}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** A build's sessions over time: a lane per worker, a bar per session, coloured by how it ended. */
export function Timeline({ detail, now }: { detail: BuildDetail; now: string }) {
  const { lanes, span } = detail;
  if (!span || lanes.length === 0) return <p class="muted">No session has run yet.</p>;
  const laneHeight = 26;
  const margin = { top: 8, right: 12, bottom: 26, left: 80 };
  const height = margin.top + lanes.length * laneHeight + margin.bottom;
  const x = scaleTime()
    .domain([new Date(span.from), new Date(span.to)])
    .range([margin.left, WIDTH - margin.right]);
  const y = scaleBand<string>()
    .domain(lanes.map((lane) => lane.lane))
    .range([margin.top, height - margin.bottom])
    .padding(0.15);
  return (
    <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label="Sessions over time">
      {timeTicks(x.ticks(6)).map(({ tick, label }) => (
        <g>
          <line
            class="grid"
            x1={x(tick)}
            x2={x(tick)}
            y1={margin.top}
            y2={height - margin.bottom}
          />
          <text class="axis" x={x(tick)} y={height - 8} text-anchor="middle">
            {label}
          </text>
        </g>
      ))}
      {lanes.map((lane) => (
        <LaneBars
          lane={lane}
          x={x}
          y={y(lane.lane) ?? 0}
          height={y.bandwidth()}
          now={now}
          left={margin.left}
        />
      ))}
    </svg>
  );
}

/**
 * The time axis's labels, UTC: to the second where ticks are under a minute
 * apart, with the day where they span days; a tick whose label repeats the one
 * before it is left out, so no axis reads the same minute twice.
 */
export function timeTicks(ticks: readonly Date[]): { tick: Date; label: string }[] {
  const [first, second] = ticks;
  const last = ticks.at(-1);
  const step = first && second ? second.getTime() - first.getTime() : Number.POSITIVE_INFINITY;
  const days =
    first && last && first.toISOString().slice(0, 10) !== last.toISOString().slice(0, 10);
  const labelOf = (tick: Date) => {
    const iso = tick.toISOString();
    const time = step < 60_000 ? iso.slice(11, 19) : iso.slice(11, 16);
    return days ? `${iso.slice(5, 10)} ${time}` : time;
  };
  const shown: { tick: Date; label: string }[] = [];
  for (const tick of ticks) {
    const label = labelOf(tick);
    if (shown.at(-1)?.label !== label) shown.push({ tick, label });
  }
  return shown;
}

function LaneBars({
  lane,
  x,
  y,
  height,
  now,
  left,
}: {
  lane: TimelineLane;
  x: (date: Date) => number;
  y: number;
  height: number;
  now: string;
  left: number;
}) {
  return (
    <g>
      <text class="axis" x={left - 6} y={y + height / 2 + 4} text-anchor="end">
        {lane.lane}
      </text>
      {lane.sessions.map((bar) => {
        const start = x(new Date(bar.startedAt));
        const end = x(new Date(bar.endedAt ?? now));
        const label = `${bar.role} #${bar.runId}: ${bar.outcome}, ${duration(bar.seconds)}, ${bar.engine}, ${bar.model ?? 'model unknown'}, ${usd(bar.costUsd)}${bar.estimated ? ' (estimated)' : ''}, from ${when(bar.startedAt)}`;
        return (
          <a href={safeHref(bar.url)}>
            <rect
              class={`o-${bar.outcome}`}
              x={start}
              y={y}
              width={Math.max(2, end - start)}
              height={height}
              rx={3}
            >
              <title>{label}</title>
            </rect>
          </a>
        );
      })}
    </g>
  );
}

/** A change set's workers left over time. */
export function Burndown({ points }: { points: readonly BurndownPoint[] }) {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return <p class="muted">No worker has started yet.</p>;
  const height = 160;
  const margin = { top: 10, right: 12, bottom: 26, left: 36 };
  const x = scaleTime()
    .domain([new Date(first.at), new Date(last.at)])
    .range([margin.left, WIDTH - margin.right]);
  const y = scaleLinear()
    .domain([0, first.remaining])
    .range([height - margin.bottom, margin.top]);
  const path = line<BurndownPoint>()
    .x((point) => x(new Date(point.at)))
    .y((point) => y(point.remaining))
    .curve(curveStepAfter)(points as BurndownPoint[]);
  return (
    <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label="Workers left">
      <Grid ticks={y.ticks(Math.min(4, first.remaining))} y={y} margin={margin} label={String} />
      <path class="line" d={path ?? ''} />
      <text class="axis" x={margin.left} y={height - 8}>
        {when(first.at)}
      </text>
      <text class="axis" x={WIDTH - margin.right} y={height - 8} text-anchor="end">
        {`${last.remaining} left`}
      </text>
    </svg>
  );
}

/** Each cap as a bar: how much of it is spent. */
export function CapBars({ caps }: { caps: readonly CapView[] }) {
  if (caps.length === 0) return <p class="muted">No cap is set on what is shown.</p>;
  const row = 22;
  const left = 320;
  const x = scaleLinear()
    .domain([0, 1])
    .range([left, WIDTH - 90])
    .clamp(true);
  return (
    <svg viewBox={`0 0 ${WIDTH} ${caps.length * row + 6}`} role="img" aria-label="Caps">
      {caps.map((cap, index) => {
        const y = index * row + 3;
        const level = cap.share >= 1 ? ' over' : cap.share >= 0.8 ? ' near' : '';
        return (
          <g>
            <text class="axis" x={left - 8} y={y + 13} text-anchor="end">
              {`${cap.scope} ${cap.name}`}
            </text>
            <rect class="cap" x={left} y={y} width={x(1) - left} height={16} />
            <rect class={`used${level}`} x={left} y={y} width={x(cap.share) - left} height={16} />
            <text class="axis" x={x(1) + 6} y={y + 13}>
              {`${usd(cap.spentUsd)} / ${usd(cap.capUsd)}`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
