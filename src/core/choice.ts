import type { Resolved } from '../config/resolve.js'

/** Allowed categories and services, every configured one explicit. */
export interface Choice {
  categories: Record<string, boolean>
  services: Record<string, boolean>
}

/** `{ analytics: true, "analytics:ga4": false }`, as `save()` takes it. */
export type PartialChoice = Record<string, boolean>

/** Everything on (`true`) or everything optional off (`false`). */
export function uniform(config: Resolved, allowed: boolean): Choice {
  const choice: Choice = { categories: {}, services: {} }
  for (const c of config.categories) {
    choice.categories[c.name] = allowed || c.required
    for (const s of c.services) choice.services[s.key] = allowed || c.required
  }
  return choice
}

/**
 * Applies `save(partial)` to the current choice (README, "API"): names not given
 * keep their value; naming a category sets its services too unless they are
 * named themselves; a category with services is on when any service is on.
 */
export function applyPartial(config: Resolved, current: Choice, partial: PartialChoice): Choice {
  const next: Choice = { categories: {}, services: {} }
  for (const c of config.categories) {
    const named = partial[c.name]
    let on = c.required || (typeof named === 'boolean' ? named : !!current.categories[c.name])
    for (const s of c.services) {
      const own = partial[s.key]
      next.services[s.key] = c.required || (typeof own === 'boolean' ? own : typeof named === 'boolean' ? named : (current.services[s.key] ?? on))
    }
    if (c.services.length && typeof named !== 'boolean') on = c.required || c.services.some((s) => next.services[s.key])
    next.categories[c.name] = on
  }
  return next
}

/**
 * `current` with the `names` allowed and nothing else decided: a placeholder's
 * "Always allow" before any decision. A service name allows that service only (its
 * category stays as it was, so category-wide markup still waits); a category name
 * allows the category and its services.
 */
export function grant(config: Resolved, current: Choice, names: string[]): Choice {
  const next: Choice = { categories: { ...current.categories }, services: { ...current.services } }
  for (const c of config.categories) for (const s of c.services) if (names.includes(c.name) || names.includes(s.key)) next.services[s.key] = true
  for (const name of names) if (name in next.categories) next.categories[name] = true
  return next
}

/**
 * Equal choices or states. They are plain data whose keys are built in config order
 * (uniform, applyPartial, choiceOf), so equal values stringify alike.
 */
export const same = <T extends Choice>(a: T, b: T): boolean => JSON.stringify(a) === JSON.stringify(b)

/** True when something allowed in `before` is not allowed in `after`. */
export const takesBack = (before: Choice, after: Choice): boolean =>
  Object.keys(before.categories).some((k) => before.categories[k] && !after.categories[k]) ||
  Object.keys(before.services).some((k) => before.services[k] && !after.services[k])
