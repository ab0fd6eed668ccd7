/**
 * `querySelectorAll` as an array. The project's TS lib has DOM but not DOM.Iterable, so
 * NodeLists cannot be iterated directly; an array is also safe to iterate while removing nodes.
 */
export function queryAll(root: ParentNode, selector: string): Element[] {
  return Array.from(root.querySelectorAll(selector));
}
