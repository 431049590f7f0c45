import { Fragment, h } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { Resolved } from '../config/resolve.js'
import type { CookieInfo, TextTree } from '../config/types.js'
import type { ConsentState } from '../core/state.js'
import { lookup } from '../i18n/lookup.js'
import { serviceText } from '../i18n/service-text.js'
import type { UiActions } from './actions.js'
import { CookieTable } from './cookie-table.js'
import { formats } from './formats.js'
import { trapTab } from './focus.js'

export interface PreferencesProps {
  config: Resolved
  /** The UI's language, for numbers and dates. */
  lang: string
  texts: TextTree
  consent: ConsentState
  actions: UiActions
}

interface Draft {
  categories: Record<string, boolean>
  services: Record<string, boolean>
}

/** Offers the visitor's receipts as a JSON file (EDPB 05/2020: consent must be demonstrable to them too). */
function download(receipts: unknown[]): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(receipts, null, 2)], { type: 'application/json' }))
  const link = document.createElement('a')
  link.href = url
  link.download = 'consent-history.json'
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

const cookieRows = (cookies: (string | CookieInfo)[] = []): CookieInfo[] => cookies.map((c) => (typeof c === 'string' ? { name: c } : c))

/**
 * The preference centre: a modal dialog (docs/architecture.md; WCAG 2.1.2) listing every category
 * with a switch, and under it each service with its own switch, provider, policy
 * link, retention and cookie table. Switches start from the current state, so in
 * opt-in mode nothing is pre-ticked. A category whose services are partly on
 * shows as mixed. Escape and ✕ close without deciding anything; second-layer.tsx moves
 * focus in and back out.
 */
export function Preferences({ config, lang, texts, consent, actions }: PreferencesProps) {
  const t = (key: string) => lookup(texts, key) ?? key
  const [draft, setDraft] = useState<Draft>({ categories: { ...consent.categories }, services: { ...consent.services } })
  const [history, setHistory] = useState<unknown[]>([])
  useEffect(() => {
    actions.receipts().then(setHistory, () => setHistory([]))
  }, [consent])

  const setCategory = (name: string, on: boolean) => {
    const services = { ...draft.services }
    for (const s of config.categories.find((c) => c.name === name)!.services) services[s.key] = on
    setDraft({ categories: { ...draft.categories, [name]: on }, services })
  }
  const setService = (category: string, key: string, on: boolean) => {
    const services = { ...draft.services, [key]: on }
    const own = config.categories.find((c) => c.name === category)!.services
    setDraft({ categories: { ...draft.categories, [category]: own.some((s) => services[s.key]) }, services })
  }

  const consentCookie = {
    name: config.cookie.name,
    provider: location.hostname,
    purpose: t('preferences.consentCookie'),
    duration: formats(lang).days.format(config.cookie.expiresDays),
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      actions.closePreferences()
    } else trapTab(event, event.currentTarget as HTMLElement)
  }

  return (
    <>
      <div class="backdrop" />
      <div
        part="preferences"
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="cs-prefs-title"
        aria-describedby="cs-prefs-desc"
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <div class="head">
          <h2 id="cs-prefs-title">{t('preferences.title')}</h2>
          <button type="button" part="button close" class="close" data-action="close" aria-label={t('preferences.close')} onClick={actions.closePreferences}>
            ×
          </button>
        </div>
        <p id="cs-prefs-desc">{t('preferences.description')}</p>
        {/* CCPA regulations §7025(c)(6): show that the opt-out preference signal was processed. */}
        {consent.source === 'gpc' && (
          <p class="notice" part="gpc-notice">
            {t('preferences.gpcHonoured')}
          </p>
        )}
        {config.categories.map(({ name, required, services }) => {
          const id = `cs-cat-${name}`
          const description = lookup(texts, `categories.${name}.description`)
          const on = services.filter((s) => draft.services[s.key]).length
          const mixed = !required && on > 0 && on < services.length
          return (
            <div class="category" part="category" key={name}>
              <div class="row">
                <label for={id}>{lookup(texts, `categories.${name}.title`) ?? name}</label>
                {required && <span class="locked">{t('preferences.alwaysOn')}</span>}
                <input
                  id={id}
                  type="checkbox"
                  // A partly-on category is a tri-state checkbox; ARIA switches have no "mixed".
                  role={mixed ? undefined : 'switch'}
                  checked={required || !!draft.categories[name]}
                  indeterminate={mixed}
                  aria-checked={mixed ? 'mixed' : undefined}
                  disabled={required}
                  aria-describedby={description ? `${id}-desc` : undefined}
                  onChange={(event) => setCategory(name, (event.currentTarget as HTMLInputElement).checked)}
                />
              </div>
              {description && <p id={`${id}-desc`}>{description}</p>}
              {/* The consent cookie is a necessary cookie too, and says so. */}
              {name === 'necessary' && (
                <details>
                  <summary>{t('preferences.cookies')} (1)</summary>
                  <CookieTable rows={[consentCookie]} texts={texts} />
                </details>
              )}
              {services.length > 0 && (
                <details>
                  <summary>
                    {t('preferences.services')} ({services.length})
                  </summary>
                  {services.map((s) => {
                    const sid = `cs-svc-${name}-${s.name}`
                    const info = s.config
                    const cookies = cookieRows(info.cookies)
                    return (
                      <div class="service" key={s.key}>
                        <div class="row">
                          <label for={sid}>{serviceText(texts, s.key, 'title') ?? s.name}</label>
                          <input
                            id={sid}
                            type="checkbox"
                            // biome-ignore lint/a11y/useAriaPropsForRole: a checkbox's native checked state is its aria-checked (ARIA in HTML forbids both)
                            role="switch"
                            checked={required || !!draft.services[s.key]}
                            disabled={required}
                            onChange={(event) => setService(name, s.key, (event.currentTarget as HTMLInputElement).checked)}
                          />
                        </div>
                        {serviceText(texts, s.key, 'description') && <p>{serviceText(texts, s.key, 'description')}</p>}
                        <dl>
                          {info.provider && (
                            <>
                              <dt>{t('preferences.provider')}</dt>
                              <dd>{info.provider}</dd>
                            </>
                          )}
                          {info.retention && (
                            <>
                              <dt>{t('preferences.retention')}</dt>
                              <dd>{info.retention}</dd>
                            </>
                          )}
                          {info.policyUrl && (
                            <>
                              <dt>{t('preferences.policy')}</dt>
                              <dd>
                                <a href={info.policyUrl} target="_blank" rel="noopener noreferrer">
                                  {info.policyUrl.replace(/^https?:\/\//, '')}
                                </a>
                              </dd>
                            </>
                          )}
                        </dl>
                        {cookies.length > 0 && <CookieTable rows={cookies.map((c) => ({ ...c, fallbackProvider: info.provider }))} texts={texts} />}
                      </div>
                    )
                  })}
                </details>
              )}
            </div>
          )
        })}
        {consent.decided && (
          <dl class="record">
            <dt>{t('preferences.consentId')}</dt>
            <dd>
              <code>{consent.id}</code>
            </dd>
            <dt>{t('preferences.decidedAt')}</dt>
            <dd>{formats(lang).date.format(new Date(consent.updatedAt!))}</dd>
          </dl>
        )}
        {history.length > 0 && (
          <button type="button" part="button history" class="link" data-action="history" onClick={() => download(history)}>
            {t('preferences.history')}
          </button>
        )}
        <div class="actions">
          <button type="button" part="button accept-all" data-action="accept-all" onClick={() => actions.acceptAll('preferences')}>
            {t('preferences.acceptAll')}
          </button>
          <button type="button" part="button reject-all" data-action="reject-all" onClick={() => actions.rejectAll('preferences')}>
            {t('preferences.rejectAll')}
          </button>
          <button type="button" part="button save" data-action="save" onClick={() => actions.save({ ...draft.categories, ...draft.services }, 'preferences')}>
            {t('preferences.save')}
          </button>
        </div>
      </div>
    </>
  )
}
