import { safe } from './safe.js';
import { pixelQuery } from './url.js';

// Sends one event to the collector at base (ending in '/'), by the best transport the browser has:
//  1. navigator.sendBeacon, as text/plain so no CORS preflight is needed, and it survives page unload;
//  2. fetch with keepalive (also survives unload), mode no-cors since we never read the answer;
//  3. the GIF pixel, which every browser can load.
// sendBeacon answers false when the browser refuses to queue the body; fetch rejects when the
// collector cannot be reached (or a blocker cancels /collect): both fall through to the next
// transport. Every browser that parses this ES2020 script has fetch; sendBeacon can be missing
// (disabled, or removed by privacy tools).
export const send = safe((base, event, nav, win) => {
  const body = JSON.stringify(event);
  const url = base + 'collect';
  const pixel = () => {
    new win.Image().src = base + 'p.gif?' + pixelQuery(event);
  };
  if (nav.sendBeacon?.(url, body)) return;
  // The catch also keeps a failed fetch from surfacing as an unhandled rejection in the page.
  win.fetch(url, { method: 'POST', body, keepalive: true, mode: 'no-cors' }).catch(pixel);
});
