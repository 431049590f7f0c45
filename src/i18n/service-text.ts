import type { TextTree } from '../config/types.js'
import { splitSubject } from '../config/subject.js'
import { lookup } from './lookup.js'

/**
 * A service's title or description (`key` is "category:service"): a translation for this
 * service (`services.<category:service>`), then one for every service of its name
 * (`services.<name>`), then the text written on the service in the config. Two categories
 * may each have a service of the same name; each keeps its own text.
 */
export const serviceText = (texts: TextTree, key: string, field: 'title' | 'description'): string | undefined =>
  lookup(texts, `services.${key}.${field}`) ?? lookup(texts, `services.${splitSubject(key)[1]}.${field}`) ?? lookup(texts, `declared.${key}.${field}`)
