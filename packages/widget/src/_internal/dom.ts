type Child = Node | string | null | undefined | false
type AttrValue = string | boolean | null | undefined | ((event: Event) => void)

/**
 * Creates an element: string attributes are set, `on…` functions become listeners, text children
 * become text nodes (never HTML, so card data from the server cannot inject markup).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2), value)
    else if (value != null && value !== false) el.setAttribute(name, value === true ? '' : value)
  }
  for (const child of children) if (child) el.append(child)
  return el
}
