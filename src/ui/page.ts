import type { TextTree } from '../config/types.js'
import { loadExtras } from '../lazy/index.js'
import type { UiActions } from './actions.js'

export interface PageUi {
  /** Texts and styles arrived (or the language changed): placeholders render or re-render. */
  setTexts(texts: TextTree, styles: CSSStyleSheet): void
  /** The gate holds this iframe back. */
  blocked(frame: HTMLIFrameElement): void
  /** The gate released it. */
  released(frame: HTMLIFrameElement): void
  stop(): void
}

const ACTIONS = ['preferences', 'accept-all', 'reject-all'] as const

/**
 * What Consentry puts in the host page itself, outside its shadow root:
 * placeholders for blocked embeds, and `data-consentry="preferences" |
 * "accept-all" | "reject-all"` on any element as a way back to the choice
 * (withdrawal as easy as giving, GDPR Art. 7(3)).
 */
export function pageUi(actions: UiActions, allowService: (name: string) => void): PageUi {
  let texts: TextTree | undefined
  let styles: CSSStyleSheet
  const frames = new Map<HTMLIFrameElement, HTMLElement | undefined>()

  // The placeholder code comes with the extras chunk; the empty iframe keeps its
  // box meanwhile, so the swap shifts no layout.
  const show = (frame: HTMLIFrameElement) => {
    frames.get(frame)?.remove()
    frames.set(frame, undefined)
    if (!texts || !frame.isConnected) return
    const category = frame.getAttribute('data-category')!
    const service = frame.getAttribute('data-service')
    const shown = texts
    loadExtras().then(({ placeholder }) => {
      if (texts !== shown || !frames.has(frame) || frames.get(frame) || !frame.getAttribute('data-src')) return
      const host = placeholder(frame, shown, styles, () => allowService(service ? `${category}:${service}` : category))
      frame.hidden = true
      frame.before(host)
      frames.set(frame, host)
    }, (error: Error) => console.error(error.message))
  }

  const onClick = (event: MouseEvent) => {
    const trigger = (event.target as Element | null)?.closest?.('[data-consentry]')
    const action = trigger?.getAttribute('data-consentry') as (typeof ACTIONS)[number] | undefined
    if (!action || !ACTIONS.includes(action)) return
    event.preventDefault()
    if (action === 'preferences') actions.openPreferences()
    else if (action === 'accept-all') actions.acceptAll('api')
    else actions.rejectAll('api')
  }
  document.addEventListener('click', onClick)

  return {
    setTexts(tree, sheet) {
      texts = tree
      styles = sheet
      frames.forEach((_, frame) => show(frame))
    },
    blocked: show,
    released(frame) {
      frames.get(frame)?.remove()
      frames.delete(frame)
      frame.hidden = false
    },
    stop() {
      document.removeEventListener('click', onClick)
      frames.forEach((host, frame) => {
        host?.remove()
        frame.hidden = false
      })
    },
  }
}
