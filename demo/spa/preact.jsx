// Preact example (docs/spa.md). `npm install consentry @nanostores/preact`.
import { useStore } from '@nanostores/preact'
import { $consent, init, showPreferences } from 'consentry'
import { render } from 'preact'
import config from '../consent.json'

init(config)

function Video() {
  const { categories } = useStore($consent)
  return categories.functional ? (
    <iframe title="Video" src="/vendor/video.html" />
  ) : (
    <button type="button" onClick={showPreferences}>
      Allow videos
    </button>
  )
}

render(<Video />, document.getElementById('app'))
