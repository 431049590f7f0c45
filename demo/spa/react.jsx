// React example (docs/spa.md). Bundle with your app's tooling; `npm install consentry @nanostores/react`.
import { useStore } from '@nanostores/react'
import { $consent, init, showPreferences } from 'consentry'
import { createRoot } from 'react-dom/client'
import config from '../consent.json'

init(config)

function Video({ id }) {
  const consent = useStore($consent)
  if (!consent.categories.functional)
    return (
      <button type="button" onClick={showPreferences}>
        Allow videos
      </button>
    )
  return <iframe title="Video" src={`/vendor/video.html?${id}`} />
}

createRoot(document.getElementById('app')).render(<Video id="demo" />)
