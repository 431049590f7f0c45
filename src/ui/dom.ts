type Child = Node | string | false | undefined | null
type Attrs = Record<string, string | false | undefined | ((event: Event) => void)>

/**
 * `el("button", { "data-action": "save", onclick }, "Save")`. Strings become text
 * nodes, so config texts are never parsed as HTML (docs/architecture.md, "Rules a change must keep").
 */
export function el(tag: string, attrs: Attrs, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag)
  for (const name in attrs) {
    const value = attrs[name]
    if (typeof value === 'function') node.addEventListener(name.slice(2), value)
    else if (value !== undefined && value !== false) node.setAttribute(name, value)
  }
  node.append(...(children.filter((c) => c || c === '') as (Node | string)[]))
  return node
}
