import { useMutation } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import { useApi } from '../api/context.js';
import { useWaitlists } from '../api/queries.js';
import { describeError } from '../app/describe-error.js';
import type { Restaurant, ScreenProps } from '../app/screens.js';
import { dayIn, durationText } from '../lib/time.js';
import { downloadPartiesCsv, useAnalytics } from './api.js';
import { Heatmap } from './Heatmap.js';
import { dayLabel, percentText, presetRange, presets, rangeProblem, type Analytics, type DateRange, type Preset } from './shape.js';
import { DaysTable, PartiesChart, WaitChart } from './TrendCharts.js';
import './analytics.css';

type Choice = Preset | 'custom';

/** The from–to days of a custom range (checked by rangeProblem before it is asked for). */
function CustomRange({ custom, onCustom }: { custom: DateRange; onCustom: (range: DateRange) => void }): ReactNode {
  const id = useId();
  return (
    <div className="analytics__custom">
      <div className="field">
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="date"
          value={custom.from}
          onChange={(event) => {
            onCustom({ ...custom, from: event.target.value });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="date"
          value={custom.to}
          onChange={(event) => {
            onCustom({ ...custom, to: event.target.value });
          }}
        />
      </div>
    </div>
  );
}

/** Which waitlist (null: the whole restaurant) and which days, as the host picked them. */
function RangePicker({
  restaurant,
  waitlistId,
  onWaitlist,
  choice,
  onChoice,
  custom,
  onCustom,
}: {
  restaurant: Restaurant;
  waitlistId: string | null;
  onWaitlist: (id: string | null) => void;
  choice: Choice;
  onChoice: (choice: Choice) => void;
  custom: DateRange;
  onCustom: (range: DateRange) => void;
}): ReactNode {
  const id = useId();
  const waitlists = useWaitlists(restaurant.id);
  return (
    <div className="analytics__controls">
      <div className="field">
        <label htmlFor={`${id}-waitlist`}>Waitlist</label>
        <select
          id={`${id}-waitlist`}
          value={waitlistId ?? ''}
          onChange={(event) => {
            onWaitlist(event.target.value === '' ? null : event.target.value);
          }}
        >
          <option value="">The whole restaurant</option>
          {waitlists.data?.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        </select>
      </div>
      <div className="analytics__days" role="group" aria-label="Days">
        {[...presets, 'custom' as const].map((option) => (
          <button
            key={option}
            type="button"
            className="button choice-chip"
            aria-pressed={choice === option}
            onClick={() => {
              onChoice(option);
            }}
          >
            {option === 'custom' ? 'Custom' : `Last ${option} days`}
          </button>
        ))}
      </div>
      {choice === 'custom' ? <CustomRange custom={custom} onCustom={onCustom} /> : null}
    </div>
  );
}

function Figure({ term, value, detail }: { term: string; value: string | number; detail?: string }): ReactNode {
  return (
    <div>
      <dt>{term}</dt>
      <dd>
        {value}
        {detail === undefined ? null : <span className="analytics__detail">{detail}</span>}
      </dd>
    </div>
  );
}

const waitText = (minutes: number | null): string => (minutes === null ? 'No seatings' : durationText(minutes));

function Headline({ figures }: { figures: Analytics }): ReactNode {
  return (
    <dl className="analytics__figures analytics__figures--headline" aria-label="Headline figures">
      <Figure term="Parties" value={figures.parties} />
      <Figure term="Seated" value={figures.seated} detail={percentText(figures.rates.seated)} />
      <Figure
        term="Drop-off rate"
        value={percentText(figures.rates.dropOff)}
        detail={`${figures.cancelled} cancelled, ${figures.noShow} no-shows`}
      />
      <Figure term="Average wait" value={waitText(figures.wait.averageMinutes)} />
      <Figure term="Median wait" value={waitText(figures.wait.medianMinutes)} />
      <Figure term="90th percentile wait" value={waitText(figures.wait.p90Minutes)} detail="9 in 10 waited this long or less" />
    </dl>
  );
}

/** How far quotes were off, and a bar of the share of parties seated within their quoted range. */
function QuoteAccuracy({ accuracy }: { accuracy: Analytics['quoteAccuracy'] }): ReactNode {
  const share = accuracy.withinRangeShare;
  return (
    <section className="analytics__panel" aria-labelledby="analytics-quotes">
      <h2 id="analytics-quotes">Quote accuracy</h2>
      {accuracy.quoted === 0 || share === null || accuracy.meanAbsoluteErrorMinutes === null ? (
        <p className="analytics__none">No quotes yet: accuracy shows once seated parties had a quoted wait.</p>
      ) : (
        <>
          <dl className="analytics__figures">
            <Figure term="Off by, on average" value={durationText(accuracy.meanAbsoluteErrorMinutes)} detail="mean absolute error" />
            <Figure
              term="Seated within the quoted range"
              value={percentText(share)}
              detail={`of ${accuracy.quoted} quoted ${accuracy.quoted === 1 ? 'party' : 'parties'}`}
            />
          </dl>
          <svg className="meter" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
            <rect className="meter__track" width={100} height={8} rx={2} />
            <rect className="meter__fill" width={share * 100} height={8} rx={2} />
          </svg>
        </>
      )}
    </section>
  );
}

function Texts({ texts }: { texts: Analytics['texts'] }): ReactNode {
  return (
    <section className="analytics__panel" aria-labelledby="analytics-texts">
      <h2 id="analytics-texts">Texts</h2>
      <dl className="analytics__figures">
        <Figure term="Sent" value={texts.sent} />
        <Figure term="Delivered" value={texts.delivered} />
        <Figure term="Failed" value={texts.failed} />
      </dl>
    </section>
  );
}

function Figures({ figures }: { figures: Analytics }): ReactNode {
  if (figures.parties === 0)
    return (
      <>
        <p className="analytics__none analytics__empty">
          No parties in these days yet. The figures and charts fill in as parties leave the line: seated, cancelled or no-show.
        </p>
        <Texts texts={figures.texts} />
      </>
    );
  return (
    <>
      <Headline figures={figures} />
      <section className="analytics__panel" aria-labelledby="analytics-heatmap">
        <h2 id="analytics-heatmap">Busy hours</h2>
        <Heatmap heatmap={figures.heatmap} />
      </section>
      <section className="analytics__panel" aria-labelledby="analytics-trends">
        <h2 id="analytics-trends">Trends</h2>
        <div className="analytics__trends">
          <figure className="chart">
            <figcaption>
              <h3>Parties per day</h3>
              <ul className="legend">
                <li>
                  <span className="legend__swatch trend__seated" aria-hidden="true" /> Seated
                </li>
                <li>
                  <span className="legend__swatch trend__dropped" aria-hidden="true" /> Cancelled or no-show
                </li>
              </ul>
            </figcaption>
            <PartiesChart days={figures.days} />
          </figure>
          <figure className="chart">
            <figcaption>
              <h3>Average wait per day (minutes)</h3>
            </figcaption>
            <WaitChart days={figures.days} />
          </figure>
        </div>
        <DaysTable days={figures.days} />
      </section>
      <QuoteAccuracy accuracy={figures.quoteAccuracy} />
      <Texts texts={figures.texts} />
    </>
  );
}

/** Owners only (the API refuses staff): the parties of the range as a CSV file. */
function CsvDownload({ restaurantId, range }: { restaurantId: string; range: DateRange }): ReactNode {
  const api = useApi();
  const download = useMutation({ mutationFn: () => downloadPartiesCsv(api, restaurantId, range) });
  return (
    <div className="analytics__csv">
      <button
        type="button"
        className="button"
        disabled={download.isPending}
        onClick={() => {
          download.mutate();
        }}
      >
        Download CSV
      </button>
      {download.isSuccess ? <span role="status">Saved {download.data}.</span> : null}
      {download.isError ? (
        <span className="message message--error" role="alert">
          {describeError(download.error, 'restaurant')}
        </span>
      ) : null}
    </div>
  );
}

/** The Analytics screen: headline figures, the week's busy hours, daily trends, quote accuracy and texts. */
export function AnalyticsView({ restaurant }: ScreenProps): ReactNode {
  const today = dayIn(restaurant.timeZone, new Date());
  const [waitlistId, setWaitlistId] = useState<string | null>(null);
  const [choice, setChoice] = useState<Choice>(28);
  const [custom, setCustom] = useState<DateRange>(() => presetRange(28, today));
  const problem = choice === 'custom' ? rangeProblem(custom) : null;
  const range = choice === 'custom' ? (problem === null ? custom : null) : presetRange(choice, today);
  const figures = useAnalytics(restaurant.id, waitlistId, range);
  return (
    <section className="analytics" aria-labelledby="analytics-title">
      <h1 id="analytics-title" tabIndex={-1}>
        Analytics
      </h1>
      <RangePicker
        restaurant={restaurant}
        waitlistId={waitlistId}
        onWaitlist={setWaitlistId}
        choice={choice}
        onChoice={setChoice}
        custom={custom}
        onCustom={setCustom}
      />
      {problem === null ? null : (
        <p className="message message--error" role="alert">
          {problem}
        </p>
      )}
      {range === null ? null : (
        <div className="analytics__range">
          <p>
            {dayLabel(range.from)} – {dayLabel(range.to)}, in the restaurant&apos;s time ({restaurant.timeZone})
            {figures.isPlaceholderData ? <span role="status"> · Updating…</span> : null}
          </p>
          {restaurant.myRole === 'owner' ? <CsvDownload restaurantId={restaurant.id} range={range} /> : null}
        </div>
      )}
      {range !== null && figures.isPending ? <p role="status">Loading analytics…</p> : null}
      {figures.isError ? (
        <p className="message message--error" role="alert">
          {describeError(figures.error, waitlistId === null ? 'restaurant' : 'waitlist')}
        </p>
      ) : null}
      {figures.data === undefined || range === null ? null : <Figures figures={figures.data} />}
    </section>
  );
}
