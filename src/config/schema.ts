import type { Rule } from './rules.js'
import { configShape, POSITIONS, texts } from './shape.js'

export type JsonSchema = { [key: string]: unknown }

/** Paths are written like the validator's, with `*` for any key or list item. */
export type Describe = (path: string) => JsonSchema | undefined

/**
 * JSON Schema (draft 2020-12) for a rule tree. consentry.schema.json is
 * `configSchema()`'s output, so the published schema and the run-time validator
 * come from one description. Not part of the browser bundle.
 */
function convert(rule: Rule, describe: Describe, path: string, stack: Rule[]): JsonSchema {
  // Nested text groups refer to themselves: the one recursive rule becomes a $ref.
  if (stack.includes(rule) && rule === texts) return { $ref: '#/$defs/texts' }
  const inner = [...stack, rule]
  const child = (r: Rule, key: string) => convert(r, describe, path ? `${path}.${key}` : key, inner)
  const doc = (schema: JsonSchema): JsonSchema => ({ ...describe(path), ...schema })
  switch (rule.t) {
    case 'string':
      return doc({ type: 'string', ...(rule.re ? { pattern: rule.re.source } : {}) })
    case 'integer':
      return doc({ type: rule.t, ...(rule.min !== undefined ? { minimum: rule.min } : {}), ...(rule.max !== undefined ? { maximum: rule.max } : {}) })
    case 'boolean':
      return doc({ type: 'boolean' })
    case 'enum':
      return doc({ enum: [...rule.values] })
    case 'array':
      return doc({ type: 'array', items: child(rule.items, '*') })
    case 'anyOf':
      // The branches' own properties (a described cookie's `name`) keep their docs; the
      // alternatives themselves share the description given on the anyOf.
      return doc({ anyOf: rule.rules.map((r) => convert(r, (p) => (p === path ? undefined : describe(p)), path, inner)) })
    case 'record':
      return doc({ type: 'object', propertyNames: { pattern: rule.key.source }, additionalProperties: child(rule.value, '*') })
    case 'object':
      return doc({
        type: 'object',
        properties: Object.fromEntries(Object.entries(rule.props).map(([key, r]) => [key, child(r, key)])),
        ...(rule.required ? { required: rule.required } : {}),
        additionalProperties: false,
      })
  }
}

/**
 * The positions a layout allows, as JSON Schema conditions on `ui` (the validator's own
 * check is in validate.ts): an editor marks a bar in a corner as it types. A missing
 * `layout` is the first one (`bar`), so only the others need `layout` present to apply.
 */
function layoutPairs(): JsonSchema[] {
  const [first] = Object.keys(POSITIONS)
  return Object.entries(POSITIONS)
    .filter(([, places]) => places.length < POSITIONS.box.length)
    .map(([layout, places]) => ({
      if: { properties: { layout: { const: layout } }, ...(layout === first ? {} : { required: ['layout'] }) },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's own keyword (if/then), never awaited
      then: { properties: { position: { enum: places } } },
    }))
}

export function configSchema(describe: Describe = () => undefined): JsonSchema {
  const root = convert(configShape, describe, '', [])
  const ui = (root.properties as Record<string, JsonSchema>).ui
  ui.allOf = layoutPairs()
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://unpkg.com/consentry/consentry.schema.json',
    title: 'Consentry configuration',
    ...root,
    $defs: { texts: convert(texts, () => undefined, 'translations.*', []) },
  }
}
