import { h } from 'preact'
import type { CookieInfo, TextTree } from '../config/types.js'
import { lookup } from '../i18n/lookup.js'

/**
 * How a cookie name reads in the table: a `/regex/` of the config that only says
 * "starts with", "ends with" or "is" becomes the wildcard a visitor understands
 * ("/^_ga_/" → "_ga_*", "/^_gac_.*$/" → "_gac_*", "/_fbp$/" → "*_fbp"); a richer
 * pattern is shown as written.
 */
export function cookieLabel(name: string): string {
  const [, start, body, any, end] = /^\/(\^?)((?:[\w-]|\\[-.])*?)(\.\*)?(\$?)\/[a-z]*$/.exec(name) ?? []
  if (body === undefined) return name
  return (start ? '' : '*') + body.replace(/\\/g, '') + (end && !any ? '' : '*')
}

export interface CookieRow extends CookieInfo {
  /** Shown when the cookie names none of its own. */
  fallbackProvider?: string
}

/**
 * A service's cookies: name, provider, purpose, duration. Provider, purpose and duration
 * can be translated per cookie (`translations.<lang>.cookies.<name>.purpose`…). On a
 * phone the rows stack, each cell under its column's name (preferences.css).
 */
export function CookieTable({ rows, texts }: { rows: CookieRow[]; texts: TextTree }) {
  const t = (key: string) => lookup(texts, key) ?? key
  const columns = ['cookieName', 'cookieProvider', 'cookiePurpose', 'cookieDuration'].map((key) => t(`preferences.${key}`))
  const field = (c: CookieRow, key: 'provider' | 'purpose' | 'duration') => lookup(texts, `cookies.${c.name}.${key}`) ?? c[key] ?? ''
  return (
    <div class="table">
      <table>
        <caption>{t('preferences.cookies')}</caption>
        <thead>
          <tr>
            {columns.map((label) => (
              <th scope="col" key={label}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.name}>
              {[cookieLabel(c.name), field(c, 'provider') || (c.fallbackProvider ?? ''), field(c, 'purpose'), field(c, 'duration')].map((value, i) => (
                <td data-label={columns[i]} key={columns[i]}>
                  {value}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
