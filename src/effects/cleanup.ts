// Cookie clean-up on withdrawal (README, "Google Consent Mode, regions, GPC, clean-up"). Deleting a cookie needs
// the exact domain and path it was set with, which the page cannot read, so every
// candidate is tried: host-only, the host and each parent domain, "/", the
// current path and its parents, and `cleanup.paths`. A script that already ran
// keeps running: only a reload (`cleanup.reload`) stops it.

import type { Resolved } from '../config/resolve.js'
import type { CookieInfo } from '../config/types.js'
import { writeCookie } from '../core/cookie.js'
import type { ConsentState } from '../core/state.js'

/** Domain attributes to try for `host`: itself and its parents, never a bare TLD; none for an IP. */
export const domainCandidates = (host: string): string[] =>
  /^[\d.]+$|:/.test(host)
    ? []
    : host
        .split('.')
        .slice(1)
        .map((_, i) => host.split('.').slice(i).join('.'))

/** "/a/b" → ["/", "/a", "/a/b"]. */
export const pathCandidates = (path: string): string[] => path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/') || '/')

/** A name or `/regex/` as a test on names. */
const matcher = (pattern: string) => (name: string) => (/^\/.+\/$/.test(pattern) ? new RegExp(pattern.slice(1, -1)).test(name) : name === pattern)

/**
 * Deletes the cookies and storage keys of every service allowed in `before` and not in `after`.
 */
export function cleanUp(config: Resolved, before: ConsentState, after: ConsentState): void {
  const names = document.cookie.split(/; */).map((pair) => pair.split('=')[0])
  for (const category of config.categories)
    for (const { key, config: service } of category.services)
      if (before.services[key] && !after.services[key]) {
        for (const entry of service.cookies ?? []) {
          const pattern = (entry as CookieInfo).name ?? entry
          // A literal name is deleted even when this path cannot see it.
          for (const name of [pattern, ...names.filter(matcher(pattern))])
            for (const domain of ['', ...domainCandidates(location.hostname)])
              for (const path of [...pathCandidates(location.pathname), ...(config.source.cleanup?.paths ?? [])]) writeCookie(name, '', 0, { path, domain })
        }
        for (const pattern of service.storage ?? [])
          for (const store of [localStorage, sessionStorage])
            Object.keys(store)
              .filter(matcher(pattern))
              .forEach((k) => store.removeItem(k))
      }
}
