// The filters of the view: at most one `is` filter per dimension (clicking a row of a list sets its
// dimension's filter; filters on different dimensions all hold). They live in the page URL as
// Plausible writes them, `f=is,page,/looks/1` once per filter, so a reload or a shared link shows
// the same view. Pure functions over strings, so the unit tests pin them.

/** The dimensions the query API filters on (docs/QUERY.md), with what a chip calls them. */
export const FILTER_DIMENSIONS = {
  page: 'Page',
  entry: 'Entry page',
  exit: 'Exit page',
  referrer: 'Referrer',
  utm_source: 'UTM source',
  platform: 'Platform',
  device: 'Device',
  browser: 'Browser',
  os: 'OS',
};
/** The longest value the query API takes in a filter. */
export const MAX_VALUE_LENGTH = 1000;
const PARAM = 'f';

/** Why a filter cannot be used, or null. */
export function filterProblem({ dimension, value }) {
  if (!Object.hasOwn(FILTER_DIMENSIONS, dimension)) return `unknown dimension '${dimension}'`;
  if (value === '') return 'no value';
  if (value.length > MAX_VALUE_LENGTH) return `a value longer than ${MAX_VALUE_LENGTH} characters`;
  return null;
}

/**
 * The filters of a page URL's query string, and a line for each `f` parameter left out (an
 * operator other than `is`, an unknown dimension, no or too long a value, a second filter on a
 * dimension): the view still loads, without those.
 */
export function parseFilters(search) {
  const filters = [];
  const ignored = [];
  for (const raw of new URLSearchParams(search).getAll(PARAM)) {
    const [op, dimension = '', ...rest] = raw.split(',');
    const filter = { dimension, value: rest.join(',') };
    const problem =
      op !== 'is'
        ? `only 'is' filters are shown, not '${op}'`
        : (filterProblem(filter) ?? (filters.some((f) => f.dimension === dimension) ? `a second filter on ${dimension}` : null));
    if (problem) ignored.push(`${raw.length > 80 ? `${raw.slice(0, 80)}…` : raw} (${problem})`);
    else filters.push(filter);
  }
  return { filters, ignored };
}

/** Appends the filters to URLSearchParams of the page URL: the inverse of parseFilters. */
export function writeFilters(params, filters) {
  for (const { dimension, value } of filters) params.append(PARAM, `is,${dimension},${value}`);
}

/** The filters with `dimension` set to `value` (a filter on it already is replaced). */
export const withFilter = (filters, dimension, value) => [...filters.filter((f) => f.dimension !== dimension), { dimension, value }];

/** The filters without the one on `dimension`. */
export const withoutFilter = (filters, dimension) => filters.filter((f) => f.dimension !== dimension);

/** The filters in the query API's form: [["is", "page", ["/looks/1"]], ...]. */
export const queryFilters = (filters) => filters.map(({ dimension, value }) => ['is', dimension, [value]]);
