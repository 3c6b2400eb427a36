// The one way the dashboard builds DOM from data: strings become text nodes and attribute values,
// never markup, so a page path like `<img src=x onerror=...>` shows as those characters.

/** document.createElement with attributes (null, undefined and false are left out) and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

/** The element with this data-testid inside `root`; its absence is a bug in index.html. */
export function byTestId(root, id) {
  const element = root.querySelector(`[data-testid="${id}"]`);
  if (!element) throw new Error(`index.html has no data-testid="${id}"`);
  return element;
}
