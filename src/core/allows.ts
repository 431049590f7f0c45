import { splitSubject } from '../config/subject.js'
import type { ConsentState } from './state.js'

/** `has("analytics")` / `has("analytics:ga4")`; a service the config does not list follows its category. */
export function allows(state: ConsentState, name: string): boolean {
  if (name === 'necessary') return true
  if (name in state.services) return state.services[name]
  return !!state.categories[splitSubject(name)[0]]
}
