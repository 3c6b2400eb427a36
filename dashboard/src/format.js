// How the dashboard writes numbers. Pure functions, so the unit tests pin every format.

const NONE = '–';
const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1008 -> "1,008". */
export const formatCount = (n) => (Number.isFinite(n) ? counts.format(n) : NONE);

/**
 * A count that may be an estimate. At scale (store: druid) unique visitors come from a sketch and the
 * answer says so (visitorsApprox, visitorsRelativeStandardError): the number is marked "≈" and its
 * tooltip states the error, so nobody reads 239 as exact when it is 239 ± 1.6 %.
 */
export function formatEstimate(n, answer) {
  if (!answer?.visitorsApprox) return { text: formatCount(n), title: undefined };
  const rse = answer.visitorsRelativeStandardError;
  const error = Number.isFinite(rse) ? ` ±${(rse * 100).toFixed(1)}% (relative standard error)` : '';
  return { text: `≈${formatCount(n)}`, title: `estimated from a sketch of visitor ids${error}` };
}

/**
 * Seconds as a clock: 342.2 -> "5:42", 3725 -> "1:02:05". Rounded to the nearest second, so the
 * exact value must be shown beside it (see exactSeconds).
 */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return NONE;
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

/** The unrounded value behind a formatDuration, for a tooltip: 342.210891 -> "342.210891 s". */
export const exactSeconds = (seconds) => (Number.isFinite(seconds) ? `${seconds} s` : NONE);

/** A share as a percentage with one decimal: 0.493797 -> "49.4%". */
export const formatPercent = (ratio) => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : NONE);

/** A mean such as sessions per visitor: 1.6861 -> "1.69". */
export const formatMean = (x) => (Number.isFinite(x) ? x.toFixed(2) : NONE);

/** The wall-clock time of an instant in a time zone, 24-hour: "14:05:09". */
export function formatClock(instant, timeZone) {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return NONE;
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(date);
}

/** How a breakdown key reads in a table: platforms by their product names, no key as "(none)". */
export function formatKey(by, key) {
  if (key === null || key === undefined || key === '') return by === 'referrer' ? '(direct / none)' : '(none)';
  if (by === 'platform') return { web: 'Site', app: 'App' }[key] ?? key;
  return String(key);
}

/** Which rows of a paginated table are shown: "11–20 of 37"; without a total, "11–20". */
export function formatPage(offset, shown, total) {
  const rows = shown === 0 ? 'none' : `${offset + 1}–${offset + shown}`;
  return Number.isFinite(total) ? `${rows} of ${formatCount(total)}` : rows;
}

/**
 * The change of a headline figure against the previous period: a count (or a mean) as a signed
 * percentage of the previous value, a rate as percentage points. Nothing to compare against when the
 * previous value is 0: "new" when there is something now, else "–". `direction` is up, down or
 * same (null without a change).
 */
export function formatChange(current, previous, { rate = false } = {}) {
  if (!Number.isFinite(current) || !Number.isFinite(previous)) return { text: NONE, direction: null };
  if (previous === 0) return { text: current === 0 ? NONE : 'new', direction: null };
  const change = rate ? (current - previous) * 100 : ((current - previous) / previous) * 100;
  const shown = Math.abs(change).toFixed(1);
  const unit = rate ? ' pp' : '%';
  if (Number(shown) === 0) return { text: `= 0.0${unit}`, direction: 'same' };
  return change > 0 ? { text: `▲ +${shown}${unit}`, direction: 'up' } : { text: `▼ −${shown}${unit}`, direction: 'down' };
}
