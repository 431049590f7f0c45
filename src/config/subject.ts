// What consent is asked for, by one name everywhere (README, "API": `has()`): a category
// ("analytics") or one of its services ("analytics:ga4"). Markup names it with
// data-category, narrowed by data-service (README, gating markup).

export const subjectKey = (category: string, service?: string | null): string => (service ? `${category}:${service}` : category)

/** The subject an element of gating markup names. */
export const subjectOf = (el: Element): string => subjectKey(el.getAttribute('data-category')!, el.getAttribute('data-service'))

/** "analytics:ga4" → ["analytics", "ga4"]; a category alone → [category, undefined]. */
export const splitSubject = (key: string): [category: string, service?: string] => key.split(':') as [string, string?]
