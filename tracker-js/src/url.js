// URL handling: where the collector is, which URL is a "new page", and the pixel's query string.

// The collector serves t.js from its own root, so /collect and /p.gif sit beside the script: sites
// need no second setting, and a collector mounted under a path prefix still works.
export const collectorBase = (scriptSrc) => new URL('.', scriptSrc).href;

// A fragment change is an in-page jump (#comments), not a new page view; reports drop it anyway.
export const pageKey = (href) => href.split('#')[0];

// The event as GET /p.gif reads it: one parameter per field, props as JSON; absent and empty fields
// are left out.
export const pixelQuery = (event) =>
  new URLSearchParams(
    Object.entries(event)
      .filter(([, value]) => value)
      .map(([field, value]) => [field, typeof value == 'object' ? JSON.stringify(value) : value]),
  );
