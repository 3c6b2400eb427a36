// Date ranges as the API takes them: `from` inclusive, `to` exclusive, both either plain dates
// (YYYY-MM-DD, days in the site's time zone) or ISO instants. Pure functions over strings; the time
// zone and "now" are parameters so the unit tests can fix them.

import { writeFilters } from './filters.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Presets and the number of days, today included, that each covers. */
export const PRESETS = { today: 1, '7d': 7, '30d': 30 };
export const INTERVALS = ['hour', 'day', 'week', 'month'];
/** Longest range that the automatic interval shows by the hour. */
const HOURLY_UP_TO_HOURS = 48;

/** A real calendar date in YYYY-MM-DD form (2026-02-30 is not). */
export function isDate(s) {
  const m = DATE.exec(s ?? '');
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** An ISO-8601 instant with an explicit offset, e.g. 2026-11-02T00:00:00Z. */
export const isInstant = (s) => INSTANT.test(s ?? '') && !Number.isNaN(Date.parse(s));

const dayNumber = (date) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** Calendar arithmetic on plain dates: addDays('2026-11-30', 1) -> '2026-12-01'. */
export const addDays = (date, days) => new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);

/** The calendar date that it is at `now` in `timeZone`. */
export function todayIn(timeZone, now = new Date()) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** A preset as the API range of whole days in the site's zone, ending with today (partial) included. */
export function presetRange(preset, timeZone, now = new Date()) {
  const today = todayIn(timeZone, now);
  return { from: addDays(today, 1 - PRESETS[preset]), to: addDays(today, 1) };
}

/** The custom form names the first and the last day shown; the API's `to` is the day after. */
export function daysRange(firstDay, lastDay) {
  if (!isDate(firstDay) || !isDate(lastDay)) throw new RangeError('pick both the first and the last day');
  if (lastDay < firstDay) throw new RangeError('the last day comes before the first day');
  return { from: firstDay, to: addDays(lastDay, 1) };
}

/** Why an API range is unusable, or null when it is fine. */
export function rangeProblem({ from, to }) {
  const bothDates = isDate(from) && isDate(to);
  if (!bothDates && !(isInstant(from) && isInstant(to))) return 'from and to must both be dates (YYYY-MM-DD) or both instants';
  const start = bothDates ? dayNumber(from) : Date.parse(from);
  const end = bothDates ? dayNumber(to) : Date.parse(to);
  return start < end ? null : 'from must come before to';
}

/** Length in hours; a day is taken as 24 hours (the configured zones have no daylight saving). */
export function rangeHours({ from, to }) {
  if (isDate(from) && isDate(to)) return (dayNumber(to) - dayNumber(from)) * 24;
  return (Date.parse(to) - Date.parse(from)) / HOUR_MS;
}

/** The interval "auto" stands for: hourly for short ranges, daily otherwise. */
export const autoInterval = (range) => (rangeHours(range) <= HOURLY_UP_TO_HOURS ? 'hour' : 'day');

/** One line for the range the numbers cover, with the last day of a days range shown inclusive. */
export function describeRange({ from, to }, timeZone) {
  if (isDate(from) && isDate(to)) {
    const last = addDays(to, -1);
    const days = dayNumber(to) - dayNumber(from);
    return `${last === from ? from : `${from} – ${last}`} (${days === 1 ? '1 day' : `${days} days`}, ${timeZone})`;
  }
  return `${from} – ${to} (end excluded)`;
}

/**
 * The view the page URL asks for: ?site=clozette-id&range=7d&interval=day, or a custom range as
 * ?from=..&to=.. (dates or instants, API semantics: to is exclusive). Anything unusable falls back
 * to the defaults (last 7 days, automatic interval).
 */
export function parseView(search) {
  const params = new URLSearchParams(search);
  const site = params.get('site') || null;
  const interval = INTERVALS.includes(params.get('interval')) ? params.get('interval') : 'auto';
  const custom = { from: params.get('from'), to: params.get('to') };
  let range = { preset: '7d' };
  if (custom.from && custom.to && rangeProblem(custom) === null) range = { preset: 'custom', ...custom };
  else if (Object.hasOwn(PRESETS, params.get('range') ?? '')) range = { preset: params.get('range') };
  return { site, range, interval };
}

/** The page URL query for a view: the inverse of parseView (and of parseFilters for its filters). */
export function viewQuery({ site, range, interval, filters = [] }) {
  const params = new URLSearchParams();
  if (site) params.set('site', site);
  if (range.preset === 'custom') {
    params.set('from', range.from);
    params.set('to', range.to);
  } else {
    params.set('range', range.preset);
  }
  if (interval !== 'auto') params.set('interval', interval);
  writeFilters(params, filters);
  return `?${params}`;
}

/** The API range of a view at `now`. */
export const resolveRange = (range, timeZone, now = new Date()) =>
  range.preset === 'custom' ? { from: range.from, to: range.to } : presetRange(range.preset, timeZone, now);
