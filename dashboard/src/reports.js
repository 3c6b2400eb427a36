// What each panel reads, from the endpoint that can answer it. Without filters the lists, entry and
// exit pages and the time series come from /api/v1 as they always did; with filters everything comes
// from POST /api/v2/query under those filters; the headline figures come from /api/v2/query with the
// previous period beside them, from either store (docs/QUERY.md, "At scale" for store: druid).
// Every answer is given in the shape of the /api/v1 answer the page already draws.
import { TOP_ROWS } from './api.js';
import { queryFilters } from './filters.js';
import { addDays, isDate } from './range.js';

export const HEADLINE_METRICS = ['pageviews', 'visitors', 'sessions', 'avgSessionSeconds', 'avgTimePerVisitorSeconds', 'bounceRate'];
// The counts /api/v1/breakdown gives each dimension (report/Dimension.java), asked of the query API
// for the same table; the first is the order (most first).
const BREAKDOWN_METRICS = {
  page: ['pageviews', 'visitors'],
  entry: ['sessions', 'visitors'],
  exit: ['sessions', 'visitors'],
  referrer: ['sessions', 'visitors'],
  utm_source: ['sessions', 'visitors'],
  platform: ['pageviews', 'visitors', 'sessions'],
  device: ['pageviews', 'visitors', 'sessions'],
  browser: ['pageviews', 'visitors', 'sessions'],
  os: ['pageviews', 'visitors', 'sessions'],
};
// The query API's largest page of rows; a time series has at most 2232 buckets, so at most 3 pages.
const MAX_QUERY_ROWS = 1000;

/** The query API's dateRange for an /api/v1 range: a days range names its last day, instants stay half-open. */
export const dateRange = ({ from, to }) => (isDate(from) && isDate(to) ? [from, addDays(to, -1)] : [from, to]);

/** An answer row's metrics as an object keyed by the metric names asked. */
const named = (metrics, values) => Object.fromEntries(metrics.map((metric, i) => [metric, values?.[i] ?? 0]));

/** The panels' requests; `filters` are those of filters.js. */
export function createReports(api) {
  const ask = ({ site, from, to }, filters, body) => api.query({ site, dateRange: dateRange({ from, to }), filters: queryFilters(filters), ...body });

  async function rows(query, filters, dimension, { offset = 0, limit = TOP_ROWS, metrics = BREAKDOWN_METRICS[dimension], extra = [] } = {}) {
    const answer = await ask(query, filters, {
      metrics,
      dimensions: [dimension],
      orderBy: [[metrics[0], 'desc']],
      limit,
      offset,
      filters: [...queryFilters(filters), ...extra],
    });
    return {
      rows: (answer.results ?? []).map((row) => ({ key: row.dimensions[0], ...named(metrics, row.metrics) })),
      total: answer.totalRows,
    };
  }

  return {
    /**
     * The headline figures, with `previous`: the same figures over the period as long just before, and
     * its range; and whether visitors are a sketch's estimate (store: druid), as the answer says.
     */
    async headline(query, filters) {
      const answer = await ask(query, filters, { metrics: HEADLINE_METRICS, compare: 'previous_period' });
      const [row] = answer.results ?? [];
      return {
        ...named(HEADLINE_METRICS, row?.metrics),
        previous: named(HEADLINE_METRICS, row?.comparison?.metrics),
        compareFrom: answer.compareFrom,
        compareTo: answer.compareTo,
        visitorsApprox: answer.visitorsApprox,
        visitorsRelativeStandardError: answer.visitorsRelativeStandardError,
      };
    },

    /** The top entry pages ({path, sessions}) and exit pages ({path, sessions, exitRate}). */
    async pages(query, filters) {
      if (filters.length === 0) return api.report(query);
      const [entries, exits] = await Promise.all([rows(query, filters, 'entry', { metrics: ['sessions'] }), rows(query, filters, 'exit', { metrics: ['sessions'] })]);
      // The exit rate is a page's: its row under the same filters (narrowed to these pages, which
      // leaves their rows as they are). A page that no pageview under the filters shows has none.
      const paths = exits.rows.map((row) => row.key);
      const rates = paths.length
        ? await rows(query, filters, 'page', { metrics: ['exitRate'], extra: [['is', 'page', paths]] })
        : { rows: [] };
      const rateOf = new Map(rates.rows.map((row) => [row.key, row.exitRate]));
      return {
        entryPages: entries.rows.map((row) => ({ path: row.key, sessions: row.sessions })),
        exitPages: exits.rows.map((row) => ({ path: row.key, sessions: row.sessions, exitRate: rateOf.get(row.key) })),
      };
    },

    /** Pageviews and visitors per bucket, as /api/v1/timeseries answers them. */
    async timeseries(query, interval, filters) {
      if (filters.length === 0) return api.timeseries({ ...query, interval });
      const metrics = ['pageviews', 'visitors'];
      const buckets = [];
      let answer;
      do {
        answer = await ask(query, filters, { metrics, dimensions: [`time:${interval}`], limit: MAX_QUERY_ROWS, offset: buckets.length });
        const page = answer.results ?? [];
        buckets.push(...page.map((row) => ({ start: row.dimensions[0], ...named(metrics, row.metrics) })));
        if (page.length === 0) break;
      } while (buckets.length < answer.totalRows);
      return { interval, timeZone: answer.timeZone, buckets };
    },

    /** One page of a dimension's rows, as /api/v1/breakdown answers them. */
    async breakdown(query, by, offset, filters) {
      if (filters.length === 0) return api.breakdown({ ...query, by, offset });
      return rows(query, filters, by, { offset });
    },
  };
}
