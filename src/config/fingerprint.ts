import { SDK_VERSION } from '../version.js'
import type { Config } from './types.js'

/**
 * A config's fingerprint: FNV-1a (32 bits, base 36) of this SDK version and the config's JSON.
 * The consent cookie carries the fingerprint of the config that passed its check when the cookie
 * was written (src/core/record.ts), so a returning visitor's page view of an unchanged config
 * starts with no check to wait for (src/instance.ts). The version is in it because a newer SDK
 * may check more. Whoever can write the cookie could claim a wrong fingerprint, but could as well
 * write a decision: the cookie is the page's to trust either way.
 *
 * The config's own `checked` key, written by `npx consentry validate --stamp` (src/cli/main.ts),
 * vouches the same way for every visitor, a first one included: it is left out of the hash
 * (JSON.stringify skips an undefined value), so a stamped config hashes to its stamp.
 */
export const fingerprint = (config: Config): string => {
  const text = SDK_VERSION + JSON.stringify({ ...config, checked: undefined })
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619)
  return (hash >>> 0).toString(36)
}
