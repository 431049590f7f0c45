// Google Consent Mode v2 (docs/google-consent-mode.md). `consent default` goes out
// before any gated tag can run, then `consent update` for the stored or changed
// choice, and a `consentry_consent_update` event for GTM triggers.

import type { GoogleConfig } from '../config/types.js'
import { gcmValues } from '../core/gcm.js'
import type { ConsentState } from '../core/state.js'

/** gtag() as Google writes it: it must push the `arguments` object, an Array is ignored. */
function gtag(..._: unknown[]): void {
  const w = window as unknown as { dataLayer?: unknown[] }
  // biome-ignore lint/complexity/noArguments: gtag.js reads an Arguments object and ignores an Array
  ;(w.dataLayer ??= []).push(arguments)
}

/** Pushes the defaults; returns the function that pushes an update for a state. */
export function consentMode(google: GoogleConfig): (state: ConsentState) => void {
  // Google's rule: the default before any tag. A gtag `config` or a GTM
  // container start already in the dataLayer means a tag came first: a snippet above
  // the Consentry tag, or a config fetched by data-config that arrived after the tag ran.
  // One warning per init(), however many tags came first.
  if ((window as unknown as { dataLayer?: Record<string, unknown>[] }).dataLayer?.some((e) => e?.[0] === 'config' || e?.event === 'gtm.js'))
    console.warn('Consentry: a Google tag ran before consent default')
  const base = { ...gcmValues({}, google.mapping), wait_for_update: google.waitForUpdate ?? 500 }
  gtag('consent', 'default', base)
  for (const region of google.regions ?? []) gtag('consent', 'default', { ...base, ...region })
  if (google.urlPassthrough) gtag('set', 'url_passthrough', true)
  if (google.adsDataRedaction) gtag('set', 'ads_data_redaction', true)
  return (state) => {
    gtag('consent', 'update', gcmValues(state.categories, google.mapping))
    ;(window as unknown as { dataLayer: unknown[] }).dataLayer.push({ event: 'consentry_consent_update', consentry: state })
  }
}
