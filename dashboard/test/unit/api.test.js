import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, apiUrl, createApi, refusalMessage, tokenProblem } from '../../src/api.js';

/** A fetch that records each call and answers with the given status and body text. */
function fakeFetch(status, body) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    return new Response(body, { status, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch, calls };
}

const WEEK = { site: 'clozette-id', from: '2026-11-02', to: '2026-11-09' };

test('API URLs are relative to the dashboard and leave out missing parameters', () => {
  assert.equal(apiUrl('sites'), '../api/v1/sites');
  assert.equal(apiUrl('realtime', { site: 'clozette-id', interval: undefined, by: null }), '../api/v1/realtime?site=clozette-id');
});

test('API URLs encode hostile values as query data', () => {
  assert.equal(apiUrl('report', { site: 'a&b=c #d' }), '../api/v1/report?site=a%26b%3Dc+%23d');
});

test('every call sends the current token as a bearer token', async () => {
  const { fetch, calls } = fakeFetch(200, '{"sites":[]}');
  let token = 'first-token-0123456789';
  const api = createApi({ fetch, token: () => token });
  await api.sites();
  token = 'second-token-0123456789';
  await api.sites();
  assert.deepEqual(
    calls.map((c) => c.init.headers.Authorization),
    ['Bearer first-token-0123456789', 'Bearer second-token-0123456789'],
  );
});

test('each endpoint asks for its contract parameters', async () => {
  const { fetch, calls } = fakeFetch(200, '{}');
  const api = createApi({ fetch, token: () => 't' });
  await api.report(WEEK);
  await api.timeseries({ ...WEEK, interval: 'day' });
  await api.breakdown({ ...WEEK, by: 'referrer', offset: 20 });
  await api.visitors(WEEK);
  await api.realtime({ site: 'clozette-id' });
  await api.bots(WEEK);
  assert.deepEqual(
    calls.map((c) => c.url),
    [
      '../api/v1/report?site=clozette-id&from=2026-11-02&to=2026-11-09&top=10',
      '../api/v1/timeseries?site=clozette-id&from=2026-11-02&to=2026-11-09&interval=day',
      '../api/v1/breakdown?site=clozette-id&from=2026-11-02&to=2026-11-09&by=referrer&limit=10&offset=20',
      '../api/v1/visitors?site=clozette-id&from=2026-11-02&to=2026-11-09',
      '../api/v1/realtime?site=clozette-id',
      '../api/v1/bots?site=clozette-id&from=2026-11-02&to=2026-11-09&limit=10',
    ],
  );
});

test('an error answer becomes an ApiError with the server code and message', async () => {
  const { fetch } = fakeFetch(400, '{"error":"invalid_parameter","message":"from must come before to"}');
  const api = createApi({ fetch, token: () => 't' });
  await assert.rejects(api.report(WEEK), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_parameter');
    assert.equal(error.message, 'from must come before to');
    assert.equal(error.refusesToken, false);
    return true;
  });
});

test('401 and 403 answers mean the token is refused', async () => {
  for (const status of [401, 403]) {
    const { fetch } = fakeFetch(status, '{"error":"unauthorized","message":"no"}');
    const api = createApi({ fetch, token: () => 't' });
    await assert.rejects(api.sites(), (error) => error.refusesToken === true);
  }
});

test('an error answer that is not JSON still reports its status', async () => {
  const { fetch } = fakeFetch(502, '<html>Bad Gateway</html>');
  const api = createApi({ fetch, token: () => 't' });
  await assert.rejects(api.sites(), { status: 502, code: 'http_502', message: 'the server answered 502' });
});

test('a 200 answer that is not JSON is an error, not data', async () => {
  const { fetch } = fakeFetch(200, '<html>login page</html>');
  const api = createApi({ fetch, token: () => 't' });
  await assert.rejects(api.sites(), { code: 'bad_response' });
});

test('an unreachable server is an ApiError with status 0', async () => {
  const api = createApi({
    fetch: async () => {
      throw new TypeError('Failed to fetch');
    },
    token: () => 't',
  });
  await assert.rejects(api.sites(), { status: 0, code: 'network', message: 'the server could not be reached (Failed to fetch)' });
});

test('the sign-in message tells an unknown token from one without staff rights', () => {
  assert.equal(refusalMessage(new ApiError(401, 'unauthorized', 'unknown token')), 'This token is not known to the server (401: unknown token).');
  assert.equal(refusalMessage(new ApiError(403, 'forbidden', '')), 'This token is not allowed to read staff reports (403).');
});

test('a token must be typed, and be sendable as a header value', () => {
  assert.equal(tokenProblem('staff-token-0123456789'), null);
  assert.match(tokenProblem(''), /Enter/);
  assert.match(tokenProblem('two words'), /no spaces/);
  assert.match(tokenProblem('tökén'), /ASCII/);
});
