// The report API client. The page is served at /dashboard/ by the same server, so URLs are relative
// to it ("../api/v1/..."), which also keeps working behind a proxy that mounts the system under a prefix.
// Questions under filters go to POST ../api/v2/query (docs/QUERY.md).

export const TOP_ROWS = 10;
export const QUERY_URL = '../api/v2/query';

/** A request that did not answer 2xx JSON: status 0 when the server could not be reached at all. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /** 401 or 403: the token is unknown or not a staff token, so the user must sign in again. */
  get refusesToken() {
    return this.status === 401 || this.status === 403;
  }
}

/** The URL of an endpoint; parameters that are null or undefined are left out. */
export function apiUrl(endpoint, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) query.set(name, String(value));
  }
  const qs = query.toString();
  return `../api/v1/${endpoint}${qs ? `?${qs}` : ''}`;
}

/** What the sign-in form says when the server refuses a token. */
export function refusalMessage(error) {
  const why = error.status === 403 ? 'is not allowed to read staff reports' : 'is not known to the server';
  return `This token ${why} (${error.status}${error.message ? `: ${error.message}` : ''}).`;
}

/**
 * The endpoints the dashboard reads. `fetch` is the browser's (or a test's stand-in); `token` is
 * asked for on every call so that signing out takes effect at once.
 */
export function createApi({ fetch, token }) {
  const get = (endpoint, params) => call(apiUrl(endpoint, params), {});

  async function call(url, { method = 'GET', json }) {
    let response;
    const headers = { Authorization: `Bearer ${token()}`, Accept: 'application/json' };
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    try {
      response = await fetch(url, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), cache: 'no-store' });
    } catch (error) {
      throw new ApiError(0, 'network', `the server could not be reached (${error.message})`);
    }
    const text = await response.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: a proxy's error page, say. Reported below by status.
    }
    if (!response.ok) {
      throw new ApiError(response.status, body?.error ?? `http_${response.status}`, body?.message ?? `the server answered ${response.status}`);
    }
    if (body === null || typeof body !== 'object') throw new ApiError(response.status, 'bad_response', 'the server answered something that is not JSON');
    return body;
  }

  return {
    sites: () => get('sites'),
    report: ({ site, from, to }) => get('report', { site, from, to, top: TOP_ROWS }),
    timeseries: ({ site, from, to, interval }) => get('timeseries', { site, from, to, interval }),
    breakdown: ({ site, from, to, by, offset = 0 }) => get('breakdown', { site, from, to, by, limit: TOP_ROWS, offset }),
    visitors: ({ site, from, to }) => get('visitors', { site, from, to }),
    realtime: ({ site }) => get('realtime', { site }),
    bots: ({ site, from, to }) => get('bots', { site, from, to, limit: TOP_ROWS }),
    /** POST /api/v2/query with a query of docs/QUERY.md. */
    query: (query) => call(QUERY_URL, { method: 'POST', json: query }),
  };
}

/**
 * Why a typed token cannot be sent, or null. A header value must be visible ASCII: anything else
 * would make fetch itself throw, which would read as an unreachable server.
 */
export function tokenProblem(token) {
  if (!token) return 'Enter your staff token.';
  return /^[\x21-\x7e]+$/.test(token) ? null : 'A token has no spaces and only ASCII letters, digits and symbols.';
}
