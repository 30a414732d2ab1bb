import type { ReactNode } from 'react';
import { ScrollArea } from './ScrollArea.js';
import { busiestCell, heatCells, heatSteps, hourSpan, weekdays, type Analytics } from './shape.js';

/*
 * The charts of this screen are small SVG components drawn here rather than a charting library:
 * a library would add more to the host stand's bundle than the whole screen, for three chart kinds.
 */

const cell = 20;
const gap = 2;
const labelWidth = 40;
const headerHeight = 18;
const width = labelWidth + 24 * (cell + gap);
const height = headerHeight + 7 * (cell + gap);

/** "Mon", "Tue": the row labels. */
const shortDay = (day: number): string => (weekdays[day] ?? '').slice(0, 3);

/** The heatmap's numbers, for screen readers and anyone who wants them. */
function HeatTable({ heatmap }: { heatmap: Analytics['heatmap'] }): ReactNode {
  return (
    <details className="chart__table">
      <summary>Parties by day and hour, as a table</summary>
      <ScrollArea label="Table of parties by day and hour">
        <table>
          <caption className="visually-hidden">Parties that joined, by day of the week (rows) and hour (columns)</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {heatmap[0]?.map((_, hour) => (
                <th key={hour} scope="col">
                  {String(hour).padStart(2, '0')}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {heatmap.map((hours, day) => (
              <tr key={day}>
                <th scope="row">{weekdays[day]}</th>
                {hours.map((count, hour) => (
                  <td key={hour}>{count}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
    </details>
  );
}

/** Parties by the day of the week and the hour they joined, darker for more, with a legend and the numbers as a table. */
export function Heatmap({ heatmap }: { heatmap: Analytics['heatmap'] }): ReactNode {
  const cells = heatCells(heatmap);
  const busiest = busiestCell(heatmap);
  const steps = heatSteps(busiest?.count ?? 0);
  const summary =
    busiest === null
      ? 'No parties in these days.'
      : `Busiest: ${weekdays[busiest.day] ?? ''} ${hourSpan(busiest.hour)}, ${busiest.count} ${busiest.count === 1 ? 'party' : 'parties'}.`;
  return (
    <figure className="chart">
      <ScrollArea label="Heatmap of parties by day and hour">
        <svg
          className="heatmap"
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-label={`Parties by day of the week and hour. ${summary}`}
        >
          {[0, 3, 6, 9, 12, 15, 18, 21].map((hour) => (
            <text key={hour} className="chart__label" x={labelWidth + hour * (cell + gap)} y={headerHeight - 5}>
              {String(hour).padStart(2, '0')}
            </text>
          ))}
          {weekdays.map((_, day) => (
            <text key={day} className="chart__label" x={0} y={headerHeight + day * (cell + gap) + cell * 0.7}>
              {shortDay(day)}
            </text>
          ))}
          {cells.map((c) => (
            <rect
              key={`${c.day}-${c.hour}`}
              className={`heatmap__cell heat--${c.level}`}
              x={labelWidth + c.hour * (cell + gap)}
              y={headerHeight + c.day * (cell + gap)}
              width={cell}
              height={cell}
              rx={3}
            >
              <title>{`${weekdays[c.day] ?? ''} ${hourSpan(c.hour)}: ${c.count}`}</title>
            </rect>
          ))}
        </svg>
      </ScrollArea>
      <figcaption>
        <p className="chart__hint">Swipe the chart sideways for every hour of the day.</p>
        <p className="chart__summary">{summary}</p>
        {steps.length === 0 ? null : (
          <ul className="legend" aria-label="Colour scale: parties in the hour">
            <li>
              <span className="legend__swatch heat--0" aria-hidden="true" /> None
            </li>
            {steps.map((step) => (
              <li key={step.level}>
                <span className={`legend__swatch heat--${step.level}`} aria-hidden="true" />{' '}
                {step.min === step.max ? step.min : `${step.min}–${step.max}`}
              </li>
            ))}
          </ul>
        )}
      </figcaption>
      <HeatTable heatmap={heatmap} />
    </figure>
  );
}
