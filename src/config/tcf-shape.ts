import { WORDS } from './messages.js'
import { anyOf, bool, int, list, obj, oneOf, str, type Rule } from './rules.js'
import { isSafeUrl } from './url.js'

// The `tcf` key (docs/tcf.md). Its own module: the plain script-tag builds leave it
// out (rollup.config.mjs), so a site without TCF pays no byte for it; sites with
// TCF load consentry-tcf.iife.js.

const url = str(WORDS.url, undefined, isSafeUrl)

export const tcfShape: Record<string, Rule> = {
  tcf: obj(
    {
      cmpId: int(2, 4095),
      cmpVersion: int(0, 4095),
      vendorList: url,
      vendors: anyOf(WORDS.vendors, list(int(1, 65535)), oneOf('all')),
      publisherCountryCode: str(WORDS.countryCode, /^[A-Z]{2}$/),
      enableAdvertiserConsentMode: bool,
      additionalConsent: list(obj({ id: int(1, 65535), name: str(), policyUrl: url }, ['id', 'name'])),
    },
    ['cmpId', 'vendorList'],
  ),
}
