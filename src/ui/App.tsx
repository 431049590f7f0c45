import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { $consent } from '../core/state.js'
import type { UiActions } from './actions.js'
import { Banner } from './Banner.js'
import { Preferences } from './Preferences.js'
import { useStore } from './use-store.js'
import { $view } from './view.js'

export interface AppProps {
  config: Resolved
  texts: TextTree
  actions: UiActions
}

export function App({ config, texts, actions }: AppProps) {
  const view = useStore($view)
  const consent = useStore($consent)
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
