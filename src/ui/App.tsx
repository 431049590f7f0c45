import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import type { ConsentState } from '../core/state.js'
import type { UiActions } from './actions.js'
import { Banner } from './Banner.js'
import { Preferences } from './Preferences.js'
import type { View } from './view.js'

export interface AppProps {
  view: View
  consent: ConsentState
  config: Resolved
  texts: TextTree
  actions: UiActions
}

/** A pure function of the stores' values: mount.tsx re-renders it on every change. */
export function App({ view, consent, config, texts, actions }: AppProps) {
  const ui = config.source.ui ?? {}
  if (view === 'preferences') return <Preferences config={config} texts={texts} consent={consent} actions={actions} />
  if (view === 'banner')
    return (
      <Banner
        texts={texts}
        layout={ui.layout ?? 'bar'}
        position={ui.position ?? 'bottom'}
        blocking={!!ui.blocking}
        policyUrl={config.policyUrl}
        actions={actions}
      />
    )
  return null
}
