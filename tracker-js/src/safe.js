// The tracker runs inside pages we do not control: nothing it does may throw into them. The script
// body and send (where every later entry point, listeners, history hooks and czTrack, ends) go
// through this.
export const safe =
  (fn) =>
  (...args) => {
    try {
      fn(...args);
    } catch (e) {
      // Swallowed on purpose: a lost beacon is better than a broken page.
    }
  };
