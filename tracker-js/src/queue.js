// The command queue: pages may call czTrack before t.js has loaded. The snippet's stub
//   window.czTrack = window.czTrack || function () { (czTrack.q = czTrack.q || []).push(arguments) }
// keeps those calls in czTrack.q; once loaded, the tracker replays them in order.
export const replay = (stub, run) => (stub?.q || []).map((args) => run(...args));
