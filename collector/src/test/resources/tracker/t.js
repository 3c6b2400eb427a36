/* A stand-in for the tracker, for the collector's tests: the real one is built by tracker-js. */
(function () { window.cz = window.cz || function () {}; })();
