// Pageviews and visitors over time, drawn with uPlot in the site's time zone.
import uPlot from 'uplot';
import { formatCount } from './format.js';

const HEIGHT = 280;
const HOUR = 3600;
const DAY = 24 * HOUR;
// Tick spacings in seconds. uPlot treats 30 and 365 days as calendar months and years. Ticks are
// never closer than the buckets: a daily chart has no tick at 08:00.
const TIME_STEPS = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY, 365 * DAY];
const SMALLEST_STEP = { hour: HOUR, day: DAY, week: DAY, month: 30 * DAY };
// Counts are whole numbers: the y axis must never tick at 0.5.
const COUNT_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2.5e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7];
// How the hovered bucket's start reads in the legend.
const BUCKET_LABEL = {
  hour: { label: 'Hour', format: '{YYYY}-{MM}-{DD} {HH}:00' },
  day: { label: 'Day', format: '{WWW} {YYYY}-{MM}-{DD}' },
  week: { label: 'Week of', format: '{YYYY}-{MM}-{DD}' },
  month: { label: 'Month', format: '{MMMM} {YYYY}' },
};
const tickTime = uPlot.fmtDate('{HH}:{mm}');
const tickDay = uPlot.fmtDate('{D} {MMM}');
const tickMonth = uPlot.fmtDate('{MMM} {YYYY}');
const countValue = (u, value) => (value === null || value === undefined ? '–' : formatCount(value));

/** x-axis ticks on a 24-hour clock, with the date at midnight; dates alone once ticks are days apart. */
const timeTicks = (timeZone) => (u, ticks, axis, space, step) =>
  ticks.map((seconds) => {
    const date = uPlot.tzDate(new Date(seconds * 1000), timeZone);
    if (step >= 30 * DAY) return tickMonth(date);
    if (step >= DAY || (date.getHours() === 0 && date.getMinutes() === 0)) return tickDay(date);
    return tickTime(date);
  });

/** A chart in `container` that redraws for each time series answer and follows the container's width. */
export function createChart(container) {
  let plot = null;
  const resize = new ResizeObserver(() => {
    if (plot && container.clientWidth > 0) plot.setSize({ width: container.clientWidth, height: HEIGHT });
  });
  resize.observe(container);

  return {
    /** Draws the buckets of a /api/v1/timeseries answer. */
    show({ buckets, interval, timeZone }) {
      plot?.destroy();
      const options = {
        width: container.clientWidth,
        height: HEIGHT,
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), timeZone),
        scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
        series: [
          { label: BUCKET_LABEL[interval].label, value: BUCKET_LABEL[interval].format },
          { label: 'Pageviews', stroke: '#b0306a', fill: 'rgba(176, 48, 106, 0.10)', width: 2, value: countValue },
          { label: 'Visitors', stroke: '#2a62b8', width: 2, value: countValue },
        ],
        axes: [
          { incrs: TIME_STEPS.filter((step) => step >= SMALLEST_STEP[interval]), values: timeTicks(timeZone) },
          { incrs: COUNT_STEPS, values: (u, ticks) => ticks.map((tick) => formatCount(tick)) },
        ],
      };
      const data = [buckets.map((bucket) => Date.parse(bucket.start) / 1000), buckets.map((b) => b.pageviews), buckets.map((b) => b.visitors)];
      plot = new uPlot(options, data, container);
    },
    clear() {
      plot?.destroy();
      plot = null;
    },
  };
}
