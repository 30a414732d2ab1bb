import type { ReactNode } from 'react';
import { durationText } from '../lib/time.js';
import { ScrollArea } from './ScrollArea.js';
import { axisMax, dayLabel, labelledDays, waitPoints, type AnalyticsDay } from './shape.js';

/* Drawn by hand like the heatmap (Heatmap.tsx says why): bars and a line on shared axes. */

const width = 600;
const height = 160;
const left = 36;
const bottom = 22;
const top = 8;
const plotWidth = width - left - 8;
const plotHeight = height - top - bottom;

interface Axes {
  readonly max: number;
  readonly slot: number;
  readonly y: (value: number) => number;
}

function axesFor(days: readonly AnalyticsDay[], values: readonly (number | null)[]): Axes {
  const max = axisMax(values);
  return { max, slot: plotWidth / Math.max(1, days.length), y: (value) => top + plotHeight - (value / max) * plotHeight };
}

/** The value axis (0 and its top) and the day labels under the plot. */
function Frame({ days, axes }: { days: readonly AnalyticsDay[]; axes: Axes }): ReactNode {
  return (
    <>
      <line className="chart__axis" x1={left} x2={width - 8} y1={top + plotHeight} y2={top + plotHeight} />
      <line className="chart__grid" x1={left} x2={width - 8} y1={top} y2={top} />
      <text className="chart__label" x={left - 4} y={top + 5} textAnchor="end">
        {axes.max}
      </text>
      <text className="chart__label" x={left - 4} y={top + plotHeight} textAnchor="end">
        0
      </text>
      {labelledDays(days.length).map((index, i, all) => (
        <text
          key={index}
          className="chart__label"
          x={left + (index + 0.5) * axes.slot}
          y={height - 4}
          textAnchor={i === 0 ? 'start' : i === all.length - 1 ? 'end' : 'middle'}
        >
          {dayLabel(days[index]?.date ?? '')}
        </text>
      ))}
    </>
  );
}

/** Parties per day: a bar each, its seated part solid and the parties that dropped off above it. */
export function PartiesChart({ days }: { days: readonly AnalyticsDay[] }): ReactNode {
  const axes = axesFor(
    days,
    days.map((d) => d.parties),
  );
  const busiest = days.reduce<AnalyticsDay | null>((best, d) => (best === null || d.parties > best.parties ? d : best), null);
  const label =
    busiest === null || busiest.parties === 0
      ? 'Parties per day: none.'
      : `Parties per day, at most ${busiest.parties} on ${dayLabel(busiest.date)}.`;
  const barWidth = Math.max(1, axes.slot * 0.7);
  return (
    <ScrollArea label={label}>
      <svg className="trend" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <Frame days={days} axes={axes} />
        {days.map((d, index) => {
          const x = left + index * axes.slot + (axes.slot - barWidth) / 2;
          return (
            <g key={d.date}>
              <title>{`${dayLabel(d.date)}: ${d.parties} parties, ${d.seated} seated`}</title>
              <rect className="trend__dropped" x={x} width={barWidth} y={axes.y(d.parties)} height={axes.y(d.seated) - axes.y(d.parties)} />
              <rect className="trend__seated" x={x} width={barWidth} y={axes.y(d.seated)} height={top + plotHeight - axes.y(d.seated)} />
            </g>
          );
        })}
      </svg>
    </ScrollArea>
  );
}

/** The average wait of each day's seated parties, as a line with a dot per day (days without a seating are gaps). */
export function WaitChart({ days }: { days: readonly AnalyticsDay[] }): ReactNode {
  const points = waitPoints(days);
  const axes = axesFor(
    days,
    points.map((p) => p.minutes),
  );
  const x = (index: number): number => left + (index + 0.5) * axes.slot;
  const longest = points.reduce((most, p) => Math.max(most, p.minutes), 0);
  const label = points.length === 0 ? 'Average wait per day: no seatings.' : `Average wait per day, at most ${durationText(longest)}.`;
  // A gap where a day had no seating: the path restarts (M) after it.
  const path = points
    .map((p, i) => `${i > 0 && points[i - 1]?.index === p.index - 1 ? 'L' : 'M'}${x(p.index)},${axes.y(p.minutes)}`)
    .join(' ');
  return (
    <ScrollArea label={label}>
      <svg className="trend" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <Frame days={days} axes={axes} />
        <path className="trend__line" d={path} />
        {points.map((p) => (
          <circle key={p.index} className="trend__dot" cx={x(p.index)} cy={axes.y(p.minutes)} r={3}>
            <title>{`${dayLabel(days[p.index]?.date ?? '')}: ${durationText(p.minutes)}`}</title>
          </circle>
        ))}
      </svg>
    </ScrollArea>
  );
}

/** The days behind both trend charts, for screen readers and anyone who wants the numbers. */
export function DaysTable({ days }: { days: readonly AnalyticsDay[] }): ReactNode {
  return (
    <details className="chart__table">
      <summary>Each day, as a table</summary>
      <ScrollArea label="Table of each day">
        <table>
          <caption className="visually-hidden">Parties and waits per day</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Parties</th>
              <th scope="col">Seated</th>
              <th scope="col">No-shows</th>
              <th scope="col">Cancelled</th>
              <th scope="col">Average wait</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.date}>
                <th scope="row">{dayLabel(d.date)}</th>
                <td>{d.parties}</td>
                <td>{d.seated}</td>
                <td>{d.noShow}</td>
                <td>{d.cancelled}</td>
                <td>{d.averageWaitMinutes === null ? '–' : durationText(d.averageWaitMinutes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
    </details>
  );
}
