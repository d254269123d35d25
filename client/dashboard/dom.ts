/** Small DOM helpers for the dashboard. Data always goes in as text, never as HTML. */

/** The element with `id`; the page's markup guarantees it exists. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the dashboard page has no #${id}`);
  return element as T;
}

/** Shows or hides an element. */
export function show(element: HTMLElement, visible: boolean): void {
  element.hidden = !visible;
}

/** Shows `text` in `element`, or hides it when `text` is empty. */
export function say(element: HTMLElement, text: string): void {
  element.textContent = text;
  element.hidden = text === '';
}

/** A new element with text content and optional class. */
export function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text = '',
  className = '',
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (text !== '') element.textContent = text;
  if (className !== '') element.className = className;
  return element;
}
