import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replay } from '../../src/queue.js';

// The stub exactly as the README's snippet defines it: what pages run before t.js loads.
const snippetStub = () => {
  const window = {};
  window.czTrack =
    window.czTrack ||
    function () {
      (window.czTrack.q = window.czTrack.q || []).push(arguments);
    };
  return window.czTrack;
};

test('replays the calls the snippet stub queued, in order, with their arguments', () => {
  const stub = snippetStub();
  stub('add_to_closet', { look: 1 });
  stub('share');
  const calls = [];
  replay(stub, (...args) => calls.push(args));
  assert.deepEqual(calls, [['add_to_closet', { look: 1 }], ['share']]);
});

test('replays nothing when no stub exists or it was never called', () => {
  const calls = [];
  replay(undefined, (...args) => calls.push(args));
  replay(snippetStub(), (...args) => calls.push(args));
  assert.deepEqual(calls, []);
});
