import { Fragment, h } from 'preact'
import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import type { ConsentState } from '../core/state.js'
import { lookup } from '../i18n/lookup.js'
import type { UiActions } from './actions.js'
import { trapTab } from './focus.js'

export interface PreferencesProps {
  config: Resolved
  texts: TextTree
  consent: ConsentState
  actions: UiActions
}

/** The switches' current positions, read from the dialog when the visitor saves. */
function readSwitches(from: Element): Record<string, boolean> {
  const choice: Record<string, boolean> = {}
  for (const input of Array.from(from.querySelectorAll<HTMLInputElement>('input[data-name]'))) choice[input.dataset.name!] = input.checked
  return choice
}

/**
 * The preference centre: a modal dialog (DESIGN.md §11) listing every category
 * with a switch. Switches start from the current state, so in opt-in mode
 * nothing is pre-ticked. Escape and ✕ close without deciding anything.
 * Focus moves in and back out in mount.tsx.
 */
export function Preferences({ config, texts, consent, actions }: PreferencesProps) {
  const t = (key: string) => lookup(texts, key) ?? key
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
          <button part="button close" class="close" data-action="close" aria-label={t('preferences.close')} onClick={actions.closePreferences}>
            ×
          </button>
        </div>
        <p id="cs-prefs-desc">{t('preferences.description')}</p>
        {config.categories.map(({ name, required }) => {
          const id = `cs-cat-${name}`
          const description = lookup(texts, `categories.${name}.description`)
          return (
            <div class="category" part="category" key={name}>
              <div class="row">
                <label for={id}>{lookup(texts, `categories.${name}.title`) ?? name}</label>
                {required && <span class="locked">{t('preferences.alwaysOn')}</span>}
                <input
                  id={id}
                  data-name={name}
                  type="checkbox"
                  role="switch"
                  checked={required || !!consent.categories[name]}
                  disabled={required}
                  aria-describedby={description ? `${id}-desc` : undefined}
                />
              </div>
              {description && <p id={`${id}-desc`}>{description}</p>}
            </div>
          )
        })}
        <div class="actions">
          <button part="button accept-all" data-action="accept-all" onClick={() => actions.acceptAll('preferences')}>
            {t('preferences.acceptAll')}
          </button>
          <button part="button reject-all" data-action="reject-all" onClick={() => actions.rejectAll('preferences')}>
            {t('preferences.rejectAll')}
          </button>
          <button
            part="button save"
            data-action="save"
            onClick={(event) => actions.save(readSwitches((event.currentTarget as Element).closest('[role=dialog]')!), 'preferences')}
          >
            {t('preferences.save')}
          </button>
        </div>
      </div>
    </>
  )
}
