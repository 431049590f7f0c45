import type { TextTree } from '../config/types.js'
import { lookup } from '../i18n/texts.js'
import type { UiActions } from './actions.js'

export interface BannerProps {
  texts: TextTree
  layout: 'bar' | 'box'
  position: 'top' | 'bottom'
  blocking: boolean
  policyUrl?: string
  actions: UiActions
}

/**
 * The first layer: Accept all, Reject all and Manage preferences with the same
 * weight, in one row (EDPB Cookie Banner Taskforce, points A–F). A labelled
 * region, or a modal dialog when `ui.blocking` is set.
 */
export function Banner({ texts, layout, position, blocking, policyUrl, actions }: BannerProps) {
  const t = (key: string) => lookup(texts, key) ?? key
  return (
    <section
      part="banner"
      class={`banner ${layout} ${position}`}
      role={blocking ? 'dialog' : 'region'}
      aria-modal={blocking ? 'true' : undefined}
      aria-labelledby="cs-title"
      aria-describedby="cs-desc"
    >
      <div class="text">
        <h2 id="cs-title">{t('banner.title')}</h2>
        <p id="cs-desc">
          {t('banner.description')}
          {policyUrl && (
            <>
              {' '}
              <a part="link" href={policyUrl}>
                {t('banner.policyLink')}
              </a>
            </>
          )}
        </p>
      </div>
      <div class="actions">
        <button part="button accept-all" data-action="accept-all" onClick={() => actions.acceptAll('banner')}>
          {t('banner.acceptAll')}
        </button>
        <button part="button reject-all" data-action="reject-all" onClick={() => actions.rejectAll('banner')}>
          {t('banner.rejectAll')}
        </button>
        <button part="button show-preferences" data-action="preferences" onClick={actions.openPreferences}>
          {t('banner.preferences')}
        </button>
      </div>
    </section>
  )
}
