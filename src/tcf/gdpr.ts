// Where TCF's `gdprApplies` is true (docs/tcf.md): GDPR and its UK and Swiss twins apply in
// the EEA, the UK and Switzerland, and, to be safe, where the region is unknown. The same
// groups as src/config/region.ts's rule keys (EU, EEA, UK), from its list of EU states, in
// fewer bytes than asking for every key of the region (the TCF chunk has a budget).

import { EU } from '../config/region.js'

/** `region` as the SDK resolved it (src/config/resolve.ts: trimmed, upper case); its country is its first two letters. */
export const gdprApplies = (region = ''): boolean => `${EU} IS LI NO GB UK CH`.includes(region.slice(0, 2))
