// reports.js over the real api.js, with a stand-in for the browser's fetch: the seam between the
// page and the server. What each endpoint answers here is what the server's contract says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApi } from '../../src/api.js';
import { createReports } from '../../src/reports.js';

const WEEK = { site: 'clozette-id', from: '2026-11-02', to: '2026-11-09' };
/** A fetch that records each request and answers with `answer(path, query body)`: {status, body}. */
function fakeServer(answer) {
  const calls = [];
  const fetch = async (url, init) => {
    const body = init.body === undefined ? undefined : JSON.parse(init.body);
    calls.push({ url, method: init.method, body });
    const { status = 200, body: reply } = answer(url.split('?')[0], body);
    return new Response(JSON.stringify(reply), { status, headers: { 'Content-Type': 'application/json' } });
  };
  return { api: createApi({ fetch, token: () => 't' }), calls };
}

/** A server whose query API answers `answer` and whose /api/v1 refuses: what reads /api/v1 fails. */
const queryServer = (answer) =>
  fakeServer((path) => (path === '../api/v2/query' ? { body: answer } : { status: 404, body: { error: 'not_found', message: path } }));

test('without filters the headline still comes from the query API with the previous period beside it', async () => {
  const { api, calls } = queryServer({
    compareFrom: '2026-10-26',
    compareTo: '2026-11-02',
    results: [{ dimensions: [], metrics: [40, 9, 12, 61.5, 82, 0.25], comparison: { dimensions: [], metrics: [20, 8, 10, 30, 40, 0.5] } }],
    totalRows: 1,
  });
  const headline = await createReports(api).headline(WEEK, []);
  assert.deepEqual(calls.map((c) => [c.method, c.url]), [['POST', '../api/v2/query']]);
  assert.deepEqual(calls[0].body.filters, []);
  assert.equal(calls[0].body.compare, 'previous_period');
  assert.equal(headline.pageviews, 40);
  assert.equal(headline.previous.pageviews, 20);
});

test('a headline whose visitors the store estimated with a sketch says so, as the query API answered', async () => {
  const { api } = queryServer({
    visitorsApprox: true,
    visitorsRelativeStandardError: 0.01625,
    results: [{ dimensions: [], metrics: [40, 239, 12, 61.5, 82, 0.25], comparison: { dimensions: [], metrics: [20, 200, 10, 30, 40, 0.5] } }],
    totalRows: 1,
  });
  const headline = await createReports(api).headline(WEEK, []);
  assert.equal(headline.visitors, 239);
  assert.equal(headline.visitorsApprox, true);
  assert.equal(headline.visitorsRelativeStandardError, 0.01625);
});

test('the headline asks the query API for the previous period beside the range, its last day named', async () => {
  const { api, calls } = fakeServer(() => ({
    body: {
      compareFrom: '2026-10-25T17:00:00Z',
      compareTo: '2026-11-01T17:00:00Z',
      results: [{ dimensions: [], metrics: [40, 9, 12, 61.5, 82, 0.25], comparison: { dimensions: [], metrics: [20, 0, 10, 30, 40, 0.5] } }],
      totalRows: 1,
    },
  }));
  const headline = await createReports(api).headline(WEEK, [{ dimension: 'page', value: '/looks/1' }]);
  assert.deepEqual(calls[0].body, {
    site: 'clozette-id',
    dateRange: ['2026-11-02', '2026-11-08'],
    filters: [['is', 'page', ['/looks/1']]],
    metrics: ['pageviews', 'visitors', 'sessions', 'avgSessionSeconds', 'avgTimePerVisitorSeconds', 'bounceRate'],
    compare: 'previous_period',
  });
  assert.equal(calls[0].method, 'POST');
  assert.equal(headline.bounceRate, 0.25);
  assert.deepEqual(headline.previous, { pageviews: 20, visitors: 0, sessions: 10, avgSessionSeconds: 30, avgTimePerVisitorSeconds: 40, bounceRate: 0.5 });
  assert.equal(headline.compareFrom, '2026-10-25T17:00:00Z');
});

test('a range of instants is sent half-open as it is', async () => {
  const { api, calls } = fakeServer(() => ({ body: { results: [], totalRows: 0 } }));
  const headline = await createReports(api).headline({ site: 'clozette-id', from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z' }, []);
  assert.deepEqual(calls[0].body.dateRange, ['2026-11-02T00:00:00Z', '2026-11-09T00:00:00Z']);
  assert.equal(headline.pageviews, 0, 'no row is zeros');
});

test('under filters a list is one page of the query API rows, most first, in the breakdown shape', async () => {
  const { api, calls } = fakeServer(() => ({ body: { results: [{ dimensions: ['Phone'], metrics: [30, 7, 9] }], totalRows: 11 } }));
  const reports = createReports(api);
  const answer = await reports.breakdown(WEEK, 'device', 10, [{ dimension: 'platform', value: 'app' }]);
  assert.deepEqual(answer, { rows: [{ key: 'Phone', pageviews: 30, visitors: 7, sessions: 9 }], total: 11 });
  const { metrics, dimensions, orderBy, limit, offset, filters } = calls[0].body;
  assert.deepEqual({ metrics, dimensions, orderBy, limit, offset, filters }, {
    metrics: ['pageviews', 'visitors', 'sessions'],
    dimensions: ['device'],
    orderBy: [['pageviews', 'desc']],
    limit: 10,
    offset: 10,
    filters: [['is', 'platform', ['app']]],
  });
  await reports.breakdown(WEEK, 'device', 0, []);
  assert.match(calls[1].url, /^\.\.\/api\/v1\/breakdown\?/, 'without filters the list is /api/v1 as before');
});

test('a filtered time series is read page by page until every bucket is in', async () => {
  const buckets = Array.from({ length: 2232 }, (_, i) => new Date(Date.UTC(2026, 8, 1) + i * 3_600_000).toISOString());
  const { api, calls } = fakeServer((path, body) => ({
    body: { timeZone: 'Asia/Jakarta', totalRows: buckets.length, results: buckets.slice(body.offset, body.offset + body.limit).map((start) => ({ dimensions: [start], metrics: [2, 1] })) },
  }));
  const answer = await createReports(api).timeseries(WEEK, 'hour', [{ dimension: 'device', value: 'Phone' }]);
  assert.deepEqual(calls.map((c) => [c.body.dimensions[0], c.body.offset, c.body.limit]), [['time:hour', 0, 1000], ['time:hour', 1000, 1000], ['time:hour', 2000, 1000]]);
  assert.equal(answer.buckets.length, 2232);
  assert.deepEqual(answer.buckets[1], { start: buckets[1], pageviews: 2, visitors: 1 });
  assert.equal(answer.timeZone, 'Asia/Jakarta');
});

test('filtered exit pages take each page exit rate from its page row under the same filters', async () => {
  const { api, calls } = fakeServer((path, body) => {
    const [dimension] = body.dimensions;
    if (dimension === 'entry') return { body: { results: [{ dimensions: ['/'], metrics: [5] }], totalRows: 1 } };
    if (dimension === 'exit') return { body: { results: [{ dimensions: ['/a'], metrics: [4] }, { dimensions: ['/b'], metrics: [2] }], totalRows: 2 } };
    return { body: { results: [{ dimensions: ['/a'], metrics: [0.5] }], totalRows: 1 } };
  });
  const pages = await createReports(api).pages(WEEK, [{ dimension: 'referrer', value: '(direct)' }]);
  assert.deepEqual(pages.entryPages, [{ path: '/', sessions: 5 }]);
  assert.deepEqual(pages.exitPages, [{ path: '/a', sessions: 4, exitRate: 0.5 }, { path: '/b', sessions: 2, exitRate: undefined }]);
  assert.deepEqual(calls[2].body.filters, [['is', 'referrer', ['(direct)']], ['is', 'page', ['/a', '/b']]]);
  assert.deepEqual(calls[2].body.metrics, ['exitRate']);
});
