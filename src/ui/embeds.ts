import type { TextTree } from '../config/types.js'
import { subjectOf } from '../config/subject.js'
import css from './embed.css?raw'
import { placeholder } from './placeholder.js'

/** What the UI shows at the moment: placeholders use the same language, texts and sheet. */
export interface Shown {
  lang: string
  texts: TextTree
  styles: CSSStyleSheet
}

export interface Embeds {
  /** The gate holds this iframe back: put a placeholder in its place (once: the gate says so at every pass). */
  blocked(frame: HTMLIFrameElement): void
  /** The language changed: placeholders render again. */
  refresh(): void
  stop(): void
}

/**
 * Placeholders for blocked embeds (in the extras chunk). `shown` gives the texts
 * and stylesheet of the moment; `allow("functional:video")` records consent.
 */
export function embeds(allow: (name: string) => void, shown: () => Shown | undefined): Embeds {
  // A frame held before the UI's texts are there waits (undefined) for refresh().
  const frames = new Map<HTMLIFrameElement, HTMLElement | undefined>()
  // The placeholder's own rules stay out of the sheet every page view parses (styles.css).
  const own = new CSSStyleSheet()
  own.replaceSync(css)
  const show = (frame: HTMLIFrameElement) => {
    frames.get(frame)?.remove()
    if (!frame.isConnected || !frame.getAttribute('data-src')) return
    const now = shown()
    if (!now) return void frames.set(frame, undefined)
    const host = placeholder(frame, now, own, () => allow(subjectOf(frame)))
    frame.hidden = true
    frame.before(host)
    frames.set(frame, host)
    // The gate releases a frame by giving it its data-src: then the placeholder goes.
    watch.observe(frame, { attributeFilter: ['src'] })
  }
  const release = (frame: HTMLIFrameElement) => {
    frames.get(frame)?.remove()
    frames.delete(frame)
    frame.hidden = false
  }
  const watch = new MutationObserver((records) =>
    records.forEach(({ target }) => {
      const frame = target as HTMLIFrameElement
      if (frames.has(frame) && frame.getAttribute('src') === frame.getAttribute('data-src')) release(frame)
    }),
  )
  return {
    blocked: (frame) => void (frames.has(frame) || show(frame)),
    refresh: () => frames.forEach((_, frame) => show(frame)),
    stop: () => {
      watch.disconnect()
      frames.forEach((_, frame) => release(frame))
    },
  }
}
