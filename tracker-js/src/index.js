// t.js: the page tracker. Loaded by one tag:
//   <script async src="https://COLLECTOR/t.js" data-site="clozette-id"></script>
// Attributes: data-site (required), data-cookie (visitor cookie name, default _cz_vid),
// data-heartbeat (seconds between pings while the page is visible; off when absent).
import { collectorBase, pageKey } from './url.js';
import { randomId, readVisitor, visitorCookie } from './id.js';
import { replay } from './queue.js';
import { safe } from './safe.js';
import { send } from './transport.js';

// The site-level opt-out: any non-empty value under this localStorage key turns the tracker off in
// that browser.
const OPT_OUT_KEY = 'cz_optout';

safe(() => {
  const w = window;
  const d = document;
  const loc = location;
  const script = d.currentScript;
  const data = script.dataset;
  if (w.localStorage[OPT_OUT_KEY]) {
    // Calls the page makes still land somewhere harmless, and the stub's queue stops growing.
    w.czTrack = () => {};
    return;
  }
  const base = collectorBase(script.src);
  const cookieName = data.cookie || '_cz_vid';
  const vid = readVisitor(d.cookie, cookieName) || randomId(crypto);
  d.cookie = visitorCookie(cookieName, vid, loc.protocol == 'https:');
  let page; // the URL of the current page view, without its fragment
  // Engaged time is measured in visible stretches: since is when the current one began, 0 when none
  // is open. Each stretch is pinged once, so the pagehide that follows visibilitychange (or precedes
  // it, as Chromium orders them on close) sends no second ping.
  let since = 0;

  // Everything the listeners below do that could throw (JSON of the page's props, the transports)
  // happens in send, which swallows it. The opt-out is read again here, so that it holds at once in
  // the page where the visitor chose it, not only from the next page on.
  const track = (event) => w.localStorage[OPT_OUT_KEY] || send(base, { site: data.site, vid, id: randomId(crypto), platform: 'web', url: page, ...event }, navigator, w);
  const start = () => (since = since || Date.now());
  // The ping that ends a visible stretch carries its length, so the page's last event is not its page view.
  const flush = () => {
    if (since) track({ type: 'ping', props: { engagedMs: Date.now() - since } });
    since = 0;
  };
  // Ends the current stretch and starts the next: the engaged time goes to the page it was spent on.
  const lap = () => {
    if (!d.hidden) {
      flush();
      start();
    }
  };
  const pageview = () => {
    const key = pageKey(loc.href);
    if (key == page) return;
    lap();
    // The first page view carries where the visitor came from; later ones (SPA) the page before.
    track({ type: 'pageview', url: loc.href, ref: page || d.referrer });
    page = key;
  };

  for (const method of ['pushState', 'replaceState']) {
    const original = history[method];
    history[method] = function () {
      // The page's own call keeps its errors: they are the page's to see. pageview cannot throw.
      const result = original.apply(this, arguments);
      pageview();
      return result;
    };
  }
  w.addEventListener('popstate', pageview);
  d.addEventListener('visibilitychange', () => (d.hidden ? flush() : start()));
  w.addEventListener('pagehide', flush);
  if (data.heartbeat > 0) setInterval(lap, data.heartbeat * 1000);

  // name: a non-empty string; props: a JSON object. The collector checks both and answers 400.
  const czTrack = (name, props) => track({ type: 'event', name, props });
  pageview();
  replay(w.czTrack, czTrack);
  w.czTrack = czTrack;
})();
