// The dashboard page: sign-in, the view controls, and one panel per API answer. Every panel loads on
// its own, so one failing endpoint shows its error in its panel and leaves the others readable.
// Clicking a row of a list filters the whole view by that row (reports.js asks the query API then);
// the filters show as removable chips and live in the page URL beside the range.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { ApiError, TOP_ROWS, createApi, refusalMessage, tokenProblem } from './api.js';
import { createChart } from './chart.js';
import { byTestId, h } from './dom.js';
import { FILTER_DIMENSIONS, filterProblem, parseFilters, withFilter, withoutFilter } from './filters.js';
import { exactSeconds, formatChange, formatClock, formatCount, formatDuration, formatEstimate, formatKey, formatMean, formatPage, formatPercent } from './format.js';
import { autoInterval, daysRange, describeRange, addDays, isDate, parseView, resolveRange, viewQuery } from './range.js';
import { createReports } from './reports.js';

// sessionStorage: the token lives as long as the tab, and is never sent anywhere but the API header.
const TOKEN_KEY = 'clozette.dashboard.token';
const REALTIME_EVERY_MS = 10_000;

const BREAKDOWNS = [
  { testid: 'top-pages', by: 'page', keyLabel: 'Page' },
  { testid: 'platforms', by: 'platform', keyLabel: 'Platform' },
  { testid: 'referrers', by: 'referrer', keyLabel: 'Referrer' },
  { testid: 'devices', by: 'device', keyLabel: 'Device' },
];
// Breakdown fields in the order they are shown; a dimension shows those its rows carry.
const BREAKDOWN_METRICS = [
  { field: 'pageviews', label: 'Pageviews' },
  { field: 'visitors', label: 'Visitors' },
  { field: 'sessions', label: 'Sessions' },
];

const storage = window.sessionStorage;
const api = createApi({ fetch: (url, init) => window.fetch(url, init), token: () => storage.getItem(TOKEN_KEY) ?? '' });
const find = (id) => byTestId(document, id);
const ui = {
  signin: document.getElementById('signin'),
  signinForm: document.getElementById('signin-form'),
  token: find('token'),
  signInButton: find('sign-in'),
  signinError: find('signin-error'),
  dashboard: document.getElementById('dashboard'),
  viewForm: document.getElementById('view-form'),
  site: find('site'),
  range: find('range'),
  custom: document.getElementById('custom'),
  firstDay: find('first-day'),
  lastDay: find('last-day'),
  interval: find('interval'),
  rangeSummary: find('range-summary'),
  rangeError: find('range-error'),
  signOut: find('sign-out'),
  realtime: find('realtime'),
  headline: find('headline'),
  frequency: find('frequency'),
  timeseries: find('timeseries'),
  timeseriesTitle: find('timeseries-title'),
  chart: find('chart'),
  entryPages: find('entry-pages'),
  bots: find('bots'),
  exitPages: find('exit-pages'),
  filterNotice: find('filter-notice'),
  filterBar: find('filter-bar'),
  chips: find('filters'),
};
const chart = createChart(ui.chart);

const view = parseView(window.location.search);
const linked = parseFilters(window.location.search);
view.filters = linked.filters;
// What the page says about filters it could not apply: those of the link, once.
let filterNotices = linked.ignored.map((why) => `Ignored a filter of the link: ${why}.`);
const reports = createReports(api);
let sites = [];
// Bumped at sign-out, so that answers still in flight for the old session are dropped.
let session = 0;
// The latest request of each panel: an older answer arriving late must not overwrite a newer one.
const latest = new WeakMap();
let realtimeTimer;

const timeZone = () => sites.find((site) => site.id === view.site)?.timeZone ?? 'UTC';
const currentQuery = () => ({ site: view.site, ...resolveRange(view.range, timeZone()) });

/**
 * Runs one panel's request and renders its answer, unless a newer request for the panel or a
 * sign-out came first. A refused token signs out; any other failure shows in the panel. Answers
 * whether the panel is still current (the request was not superseded).
 */
async function fill(panel, request, render) {
  const mine = { session };
  latest.set(panel, mine);
  const current = () => latest.get(panel) === mine && session === mine.session;
  const error = panel.querySelector(':scope > .error');
  panel.dataset.state = 'loading';
  try {
    const answer = await request();
    if (!current()) return false;
    render(answer);
    error.hidden = true;
    panel.dataset.state = 'ready';
  } catch (failure) {
    if (!current()) return false;
    if (failure.refusesToken) {
      signOut(refusalMessage(failure));
      return false;
    }
    // A rendering bug is no API answer: the console keeps its stack.
    if (!(failure instanceof ApiError)) console.error(failure);
    error.textContent = `Could not load this: ${failure.message}`;
    error.hidden = false;
    panel.dataset.state = 'error';
  }
  return true;
}

/** A headline number: formatted text, the raw value in data-value, and optionally a tooltip. */
function showMetric(testid, value, text, title) {
  const element = find(testid);
  element.textContent = text;
  element.dataset.value = String(value ?? '');
  if (title) element.title = title;
  else element.removeAttribute('title');
}

/**
 * A table in a panel. Each column has a label, the cell text, and optionally the raw value
 * (data-value) and a tooltip; `footer` follows the table (a pager).
 */
function showRows(panel, columns, rows, footer = null, filter = null) {
  const target = panel.querySelector('.rows');
  if (rows.length === 0) {
    target.replaceChildren(h('p', { class: 'muted' }, 'No data in this range.'), ...(footer ? [footer] : []));
    return;
  }
  const cellClass = (column) => (column.numeric ? 'num' : 'key');
  const table = h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col', class: cellClass(column) }, column.label)))),
    h(
      'tbody',
      {},
      ...rows.map((row) => {
        const tr = h(
          'tr',
          {},
          ...columns.map((column) =>
            h('td', { class: cellClass(column), 'data-value': column.raw?.(row), title: column.title?.(row) }, column.text(row)),
          ),
        );
        filter?.(tr, row);
        return tr;
      }),
    ),
  );
  target.replaceChildren(table, ...(footer ? [footer] : []));
}

/** Makes the rows of a list filter the view by `dimension` on a click (or Enter), with the value in the row's `field`. */
function rowFilter(dimension, field) {
  return (tr, row) => {
    const value = row[field];
    if (typeof value !== 'string' || filterProblem({ dimension, value })) return;
    tr.classList.add('filterable');
    tr.tabIndex = 0;
    tr.title = `Filter the view: ${FILTER_DIMENSIONS[dimension]} is ${value}`;
    tr.addEventListener('click', () => setFilters(withFilter(view.filters, dimension, value)));
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') setFilters(withFilter(view.filters, dimension, value));
    });
  };
}

/** What each rule that flags a bot is called on the dashboard. */
const BOT_SOURCES = { yauaa: 'Yauaa', list: 'crawler list', unknown: '(not recorded)' };
const keyColumn = (label, by, field) => ({ label, text: (row) => formatKey(by, row[field]), title: (row) => String(row[field] ?? '') });
const countColumn = (label, field) => ({ label, numeric: true, text: (row) => formatCount(row[field]), raw: (row) => row[field] });

/**
 * A headline figure's change against the previous period, beside it; hidden without a comparison.
 * The raw previous value is in data-previous, the change's direction in data-direction.
 */
function showChange(testid, current, previous, { rate = false, format }) {
  const element = find(`${testid}-change`);
  element.hidden = !previous;
  if (!previous) return;
  const change = formatChange(current, previous.value, { rate });
  element.textContent = change.text;
  element.dataset.previous = String(previous.value);
  element.dataset.direction = change.direction ?? 'none';
  element.title = `${format(previous.value)} in the previous period (${previous.range})`;
}

/** The headline figures, each with its format and whether its change is in percentage points. */
const HEADLINE = [
  { testid: 'pageviews', field: 'pageviews', format: formatCount },
  { testid: 'visitors', field: 'visitors', format: formatCount },
  { testid: 'sessions', field: 'sessions', format: formatCount },
  { testid: 'avg-session', field: 'avgSessionSeconds', format: formatDuration, title: exactSeconds },
  { testid: 'avg-time-per-visitor', field: 'avgTimePerVisitorSeconds', format: formatDuration, title: exactSeconds },
  { testid: 'bounce-rate', field: 'bounceRate', format: formatPercent, title: String, rate: true },
];

function loadHeadline(query) {
  fill(ui.headline, () => reports.headline(query, view.filters), (r) => {
    const range = r.previous ? describeRange({ from: r.compareFrom, to: r.compareTo }, timeZone()) : null;
    for (const { testid, field, format, title, rate } of HEADLINE) {
      const shown = field === 'visitors' ? formatEstimate(r.visitors, r) : { text: format(r[field]), title: title?.(r[field]) };
      showMetric(testid, r[field], shown.text, shown.title);
      showChange(testid, r[field], r.previous && { value: r.previous[field], range }, { rate, format });
    }
  });
  // One answer feeds the entry and exit tables.
  const pages = reports.pages(query, view.filters);
  fill(ui.entryPages, () => pages, (r) => showRows(ui.entryPages, [keyColumn('Page', 'page', 'path'), countColumn('Sessions', 'sessions')], r.entryPages ?? [], null, rowFilter('entry', 'path')));
  fill(ui.exitPages, () => pages, (r) =>
    showRows(
      ui.exitPages,
      [
        keyColumn('Page', 'page', 'path'),
        countColumn('Exits', 'sessions'),
        { label: 'Exit rate', numeric: true, text: (row) => formatPercent(row.exitRate), raw: (row) => row.exitRate, title: (row) => String(row.exitRate ?? '') },
      ],
      r.exitPages ?? [],
      null,
      rowFilter('exit', 'path'),
    ),
  );
}

function loadFrequency(query) {
  fill(ui.frequency, () => api.visitors(query), (v) => {
    showMetric('new-visitors', v.newVisitors, formatCount(v.newVisitors));
    const returning = formatEstimate(v.returningVisitors, v);
    showMetric('returning-visitors', v.returningVisitors, returning.text, returning.title);
    showMetric('sessions-per-visitor', v.sessionsPerVisitor, formatMean(v.sessionsPerVisitor), String(v.sessionsPerVisitor));
  });
}

function loadTimeseries(query) {
  const interval = view.interval === 'auto' ? autoInterval(query) : view.interval;
  ui.interval.options[0].textContent = `Auto (${autoInterval(query)})`;
  fill(ui.timeseries, () => reports.timeseries(query, interval, view.filters), (t) => {
    const buckets = t.buckets ?? [];
    const zone = t.timeZone ?? timeZone();
    ui.timeseriesTitle.textContent = `Pageviews and visitors per ${t.interval ?? interval} (${zone})`;
    ui.chart.dataset.interval = t.interval ?? interval;
    ui.chart.dataset.buckets = String(buckets.length);
    ui.chart.dataset.pageviews = String(buckets.reduce((sum, bucket) => sum + (bucket.pageviews ?? 0), 0));
    chart.show({ buckets, interval: t.interval ?? interval, timeZone: zone });
  });
}

function loadBreakdown(breakdown, query, offset) {
  const panel = find(breakdown.testid);
  fill(panel, () => reports.breakdown(query, breakdown.by, offset, view.filters), (b) => {
    const rows = b.rows ?? [];
    const metrics = BREAKDOWN_METRICS.filter(({ field }) => rows.some((row) => typeof row[field] === 'number'));
    const more = Number.isFinite(b.total) ? offset + rows.length < b.total : rows.length === TOP_ROWS;
    const pager =
      offset > 0 || more
        ? h(
            'nav',
            { class: 'pager', 'aria-label': 'pages' },
            h('span', {}, formatPage(offset, rows.length, b.total)),
            pageButton('Previous', offset === 0, () => loadBreakdown(breakdown, query, Math.max(0, offset - TOP_ROWS))),
            pageButton('Next', !more, () => loadBreakdown(breakdown, query, offset + TOP_ROWS)),
          )
        : null;
    showRows(
      panel,
      [keyColumn(breakdown.keyLabel, breakdown.by, 'key'), ...metrics.map(({ field, label }) => countColumn(label, field))],
      rows,
      pager,
      rowFilter(breakdown.by, 'key'),
    );
  });
}

/** Bot pageviews, left out of every other number, by bot and by the rule that flagged it. */
function loadBots(query) {
  fill(ui.bots, () => api.bots(query), (b) =>
    showRows(
      ui.bots,
      [
        { label: 'Bot', text: (row) => row.name, title: (row) => row.name },
        { label: 'Flagged by', text: (row) => BOT_SOURCES[row.source] ?? row.source, title: (row) => row.source },
        countColumn('Pageviews', 'pageviews'),
      ],
      b.bots ?? [],
    ),
  );
}

function pageButton(label, disabled, onClick) {
  const button = h('button', { type: 'button', class: 'quiet', disabled }, label);
  button.addEventListener('click', onClick);
  return button;
}

/** Visitors and pageviews of the last 5 minutes, asked again 10 s after each answer. */
async function pollRealtime() {
  clearTimeout(realtimeTimer);
  const site = view.site;
  const current = await fill(ui.realtime, () => api.realtime({ site }), (r) => {
    showMetric('realtime-visitors', r.visitors, formatCount(r.visitors));
    showMetric('realtime-pageviews', r.pageviews, formatCount(r.pageviews));
    find('realtime-as-of').textContent = r.asOf ? `as of ${formatClock(r.asOf, timeZone())}` : '';
  });
  if (current) realtimeTimer = setTimeout(pollRealtime, REALTIME_EVERY_MS);
}

/** The custom form's days for a range of dates (a range of instants leaves them as they are). */
function showDays(query) {
  if (!isDate(query.from)) return;
  ui.firstDay.value = query.from;
  ui.lastDay.value = addDays(query.to, -1);
}

/** The filters as chips, each with a button that removes it; and what the page could not apply. */
function showFilters() {
  ui.chips.replaceChildren(
    ...view.filters.map(({ dimension, value }) => {
      const remove = h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove the filter ${FILTER_DIMENSIONS[dimension]} is ${value}` }, '×');
      remove.addEventListener('click', () => setFilters(withoutFilter(view.filters, dimension)));
      const label = formatKey(dimension, value);
      return h('span', { class: 'chip', 'data-testid': 'filter-chip', 'data-dimension': dimension, 'data-value': value, title: value }, `${FILTER_DIMENSIONS[dimension]} is `, h('strong', {}, label), remove);
    }),
  );
  ui.filterBar.hidden = view.filters.length === 0;
  ui.filterNotice.textContent = filterNotices.join(' ');
  ui.filterNotice.hidden = filterNotices.length === 0;
}

/** Shows the view under other filters. */
function setFilters(filters) {
  view.filters = filters;
  filterNotices = [];
  load();
}

/** Puts the view into the controls and the page URL, so a reload or a shared link shows the same. */
function showView(query) {
  window.history.replaceState(null, '', viewQuery(view));
  showFilters();
  ui.site.value = view.site;
  ui.range.value = view.range.preset;
  ui.interval.value = view.interval;
  ui.custom.hidden = view.range.preset !== 'custom';
  if (view.range.preset === 'custom') showDays(query);
  ui.rangeSummary.textContent = describeRange(query, timeZone());
  ui.rangeError.hidden = true;
}

/** Loads every panel for the current view. */
function load() {
  const query = currentQuery();
  showView(query);
  loadHeadline(query);
  loadFrequency(query);
  loadTimeseries(query);
  for (const breakdown of BREAKDOWNS) loadBreakdown(breakdown, query, 0);
  loadBots(query);
  pollRealtime();
}

/** Asks for the sites with the stored token: the sign-in check, and the start of the dashboard. */
async function enter() {
  const mine = session;
  let answer;
  try {
    answer = await api.sites();
  } catch (failure) {
    if (mine === session) signOut(failure.refusesToken ? refusalMessage(failure) : `Could not load the sites: ${failure.message}`);
    return;
  }
  if (mine !== session) return;
  sites = Array.isArray(answer.sites) ? answer.sites : [];
  if (sites.length === 0) {
    signOut('The server has no sites configured.');
    return;
  }
  ui.site.replaceChildren(...sites.map((site) => h('option', { value: site.id }, `${site.id} (${site.timeZone})`)));
  if (!sites.some((site) => site.id === view.site)) view.site = sites[0].id;
  ui.signInButton.disabled = false;
  ui.signin.hidden = true;
  ui.dashboard.hidden = false;
  load();
}

/** Forgets the token and every number shown, and returns to the sign-in form with `message`. */
function signOut(message) {
  session += 1;
  clearTimeout(realtimeTimer);
  storage.removeItem(TOKEN_KEY);
  for (const value of ui.dashboard.querySelectorAll('.value')) {
    value.textContent = '–';
    value.removeAttribute('data-value');
    value.removeAttribute('title');
  }
  for (const change of ui.dashboard.querySelectorAll('.change')) change.hidden = true;
  for (const rows of ui.dashboard.querySelectorAll('.rows')) rows.replaceChildren();
  for (const panel of ui.dashboard.querySelectorAll('[data-state]')) panel.removeAttribute('data-state');
  find('realtime-as-of').textContent = '';
  chart.clear();
  ui.dashboard.hidden = true;
  ui.signin.hidden = false;
  ui.signInButton.disabled = false;
  ui.signinError.textContent = message ?? '';
  ui.signinError.hidden = !message;
  ui.token.value = '';
  ui.token.focus();
}

ui.signinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = ui.token.value.trim();
  const problem = tokenProblem(token);
  if (problem) {
    ui.signinError.textContent = problem;
    ui.signinError.hidden = false;
    return;
  }
  storage.setItem(TOKEN_KEY, token);
  ui.signInButton.disabled = true;
  ui.signinError.hidden = true;
  enter();
});

ui.signOut.addEventListener('click', () => signOut(null));

ui.site.addEventListener('change', () => {
  view.site = ui.site.value;
  load();
});

ui.range.addEventListener('change', () => {
  if (ui.range.value === 'custom') {
    // Waits for Apply, starting from the range shown: a custom range needs both days first.
    showDays(currentQuery());
    ui.custom.hidden = false;
    ui.firstDay.focus();
    return;
  }
  view.range = { preset: ui.range.value };
  load();
});

ui.viewForm.addEventListener('submit', (event) => {
  event.preventDefault();
  try {
    view.range = { preset: 'custom', ...daysRange(ui.firstDay.value, ui.lastDay.value) };
  } catch (problem) {
    ui.rangeError.textContent = problem.message;
    ui.rangeError.hidden = false;
    return;
  }
  load();
});

ui.interval.addEventListener('change', () => {
  view.interval = ui.interval.value;
  const query = currentQuery();
  showView(query);
  loadTimeseries(query);
});

if (storage.getItem(TOKEN_KEY)) enter();
else signOut(null);
