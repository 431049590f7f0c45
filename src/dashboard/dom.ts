// Element building without innerHTML: every text from the collector (keys, claims) stays text.

type Child = Node | string | number | null | undefined | false
type Attrs = Record<string, string | number | boolean | undefined>

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue
    if (name === 'class') el.className = String(value)
    else el.setAttribute(name, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    el.append(typeof child === 'object' ? child : String(child))
  }
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id)
  if (!el) throw new Error(`console: #${id} is missing from the page`)
  return el as T
}

const integer = new Intl.NumberFormat('en')
export const count = (n: number): string => integer.format(n)
export const percent = (part: number, whole: number): string => (whole === 0 ? '–' : `${((part / whole) * 100).toFixed(1)} %`)

/** A table of numbers: a caption, a header row, rows whose first cell is a row header. */
export function dataTable(caption: string, head: string[], rows: (string | number)[][]): HTMLTableElement {
  return h(
    'table',
    { class: 'data' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((label, i) => h('th', { scope: 'col', class: i === 0 ? '' : 'num' }, label)))),
    h(
      'tbody',
      {},
      ...rows.map((row) =>
        h(
          'tr',
          {},
          ...row.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: 'num' }, typeof cell === 'number' ? count(cell) : cell))),
        ),
      ),
    ),
  )
}

/**
 * A table that may be wider than a phone: scrolls on its own, reachable by keyboard. Its caption
 * is shown above the scrolling part (a caption inside it would be cut off on a phone) and stays
 * in the table for assistive technology.
 */
export function scrollable(label: string, table: HTMLElement): HTMLElement {
  const caption = table.querySelector('caption')?.textContent
  return h(
    'div',
    { class: 'scroll-wrap' },
    caption ? h('p', { class: 'caption', 'aria-hidden': 'true' }, caption) : null,
    h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': label }, table),
  )
}
