// Ids: the visitor id kept in a first-party cookie, and per-event ids that let the collector drop
// a beacon it already has when a transport retries.

// 128 random bits, four 32-bit words in base 36 (4..28 characters): collision-free in practice,
// within the collector's 1..128.
export const randomId = (crypto) => Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('');

// The cookie's value if it is one the collector would accept as a vid (what randomId writes, or any
// sane id an earlier tracker wrote); otherwise undefined, and the caller makes a new one. Cookie
// names are letters, digits, _ and - (they are matched as a pattern).
export const readVisitor = (cookies, name) => (cookies.match('(^|; )' + name + '=([\\w-]{1,128})(;|$)') || [])[2];

// Two years (browsers may cap it: Chromium keeps 400 days), so the tracker rewrites the cookie on
// every page load to keep it rolling. Lax: sent on top-level navigations into the site, never to
// third parties. Secure on https pages, where the cookie must not leak to plain http.
export const visitorCookie = (name, vid, secure) =>
  name + '=' + vid + ';path=/;max-age=63072000;samesite=lax' + (secure ? ';secure' : '');
