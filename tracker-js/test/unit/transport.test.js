import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { send } from '../../src/transport.js';

// Stand-ins for the browser's transports (navigator.sendBeacon, fetch, Image) that record what
// t.js hands them; the real ones are exercised in Chromium by test/e2e.
// beacon: what sendBeacon answers, or 'missing' for a navigator without it.
const browser = ({ beacon = true, fetchFails = false } = {}) => {
  const sent = { beacons: [], fetches: [], pixels: [] };
  const nav = beacon == 'missing' ? {} : { sendBeacon: (url, body) => (sent.beacons.push({ url, body }), beacon) };
  let settle;
  const settled = new Promise((resolve) => (settle = resolve));
  const win = {
    fetch: (url, init) => {
      sent.fetches.push({ url, init });
      const answer = fetchFails ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve({ status: 0 });
      answer.then(settle, () => setTimeout(settle));
      return answer;
    },
    Image: class {
      set src(url) {
        sent.pixels.push(url);
      }
    },
  };
  return { nav, win, sent, settled };
};

const BASE = 'https://collect.example/';
const event = () => ({ site: 'clozette-id', type: 'pageview', url: 'https://www.clozette.co.id/a?utm_source=ig', vid: 'v1', id: 'e1', props: { k: 1 } });

describe('send', () => {
  test('uses sendBeacon with the JSON body when the browser queues it', () => {
    const { nav, win, sent } = browser();
    send(BASE, event(), nav, win);
    assert.deepEqual(sent.beacons, [{ url: BASE + 'collect', body: JSON.stringify(event()) }]);
    assert.deepEqual(sent.fetches, []);
  });

  for (const [why, beacon] of [
    ['sendBeacon is missing', 'missing'],
    ['sendBeacon refuses the body', false],
  ]) {
    test(`falls back to a keepalive fetch when ${why}`, async () => {
      const { nav, win, sent, settled } = browser({ beacon });
      send(BASE, event(), nav, win);
      assert.equal(sent.fetches.length, 1);
      const { url, init } = sent.fetches[0];
      assert.equal(url, BASE + 'collect');
      assert.deepEqual(init, { method: 'POST', body: JSON.stringify(event()), keepalive: true, mode: 'no-cors' });
      await settled;
      assert.deepEqual(sent.pixels, []);
    });
  }

  test('falls back to the pixel when the fetch fails (the catch that sends it also keeps the rejection handled)', async () => {
    const { nav, win, sent, settled } = browser({ beacon: 'missing', fetchFails: true });
    send(BASE, event(), nav, win);
    await settled;
    assert.equal(sent.pixels.length, 1);
    const pixel = new URL(sent.pixels[0]);
    assert.equal(pixel.origin + pixel.pathname, BASE + 'p.gif');
    assert.deepEqual(Object.fromEntries(pixel.searchParams), { ...event(), props: '{"k":1}' });
  });

  test('does not throw when the event cannot be serialized', () => {
    const { nav, win, sent } = browser();
    const circular = event();
    circular.props.self = circular.props;
    assert.doesNotThrow(() => send(BASE, circular, nav, win));
    assert.deepEqual(sent.beacons, []);
  });
});
