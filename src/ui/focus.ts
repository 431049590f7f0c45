// Focus handling for the modal preference centre (WCAG 2.1.2, 2.4.3; docs/architecture.md):
// Tab and Shift+Tab wrap at both ends explicitly, focus returns where it was.

const FOCUSABLE = 'button:not([disabled]),a[href],input:not([disabled]),[tabindex]:not([tabindex="-1"])'

/** The focused element, looking through shadow roots (ours included). */
export function activeElement(): Element | null {
  let el = document.activeElement
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
  return el
}

/** Keydown handler for a dialog: keeps Tab inside `container`. */
export function trapTab(event: KeyboardEvent, container: HTMLElement): void {
  if (event.key !== 'Tab') return
  const items = Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE))
  if (!items.length) return
  const first = items[0]
  const last = items[items.length - 1]
  const current = activeElement()
  if (event.shiftKey && (current === first || current === container)) {
    event.preventDefault()
    last.focus()
  } else if (!event.shiftKey && current === last) {
    event.preventDefault()
    first.focus()
  }
}
