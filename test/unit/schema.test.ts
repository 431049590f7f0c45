// @vitest-environment node
// consentry.schema.json is generated from the validator's rules (src/config/shape.ts)
// with the hover texts and @example tags of src/config/types.ts (src/config/docs-types.ts). These tests fail when the file, the
// rules and the TypeScript types drift apart. `npm run schema` rewrites the file.

import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { describeFromTypes, typeDocs } from '../../src/config/docs-types.js'
import { configSchema, type JsonSchema } from '../../src/config/schema.js'

/** Every property path of a JSON Schema. */
function schemaPaths(schema: JsonSchema, path = '', out = new Set<string>()): Set<string> {
  if (path.startsWith('translations.*')) return out
  const join = (key: string) => (path ? `${path}.${key}` : key)
  for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    out.add(join(key))
    schemaPaths(sub, join(key), out)
  }
  if (typeof schema.additionalProperties === 'object') schemaPaths(schema.additionalProperties as JsonSchema, join('*'), out)
  if (schema.items) schemaPaths(schema.items as JsonSchema, join('*'), out)
  for (const branch of (schema.anyOf ?? []) as JsonSchema[]) schemaPaths(branch, path, out)
  return out
}

const docs = typeDocs()
const generated = configSchema(describeFromTypes(docs))

describe('consentry.schema.json', () => {
  test('the TypeScript Config type and the validator rules have the same properties', () => {
    expect([...schemaPaths(generated)].sort()).toEqual([...docs.keys()].sort())
  })

  test('the shipped file is what the rules generate (run `npm run schema` after changing them)', () => {
    const text = JSON.stringify(generated, null, 2) + '\n'
    if (process.env.UPDATE_SCHEMA) writeFileSync('consentry.schema.json', text)
    expect(readFileSync('consentry.schema.json', 'utf8')).toBe(text)
  })

  test('the schema marks the same impossible layout/position pairs as the validator (a bar in a corner, a cloud in one)', () => {
    const ui = (JSON.parse(readFileSync('consentry.schema.json', 'utf8')) as { properties: { ui: JsonSchema } }).properties.ui
    // JSON Schema's if/then, written as JSON text: an object literal with a `then` key reads like a thenable to the linter.
    expect(ui.allOf).toEqual(
      JSON.parse(`[
      { "if": { "properties": { "layout": { "const": "bar" } } }, "then": { "properties": { "position": { "enum": ["bottom", "top"] } } } },
      { "if": { "properties": { "layout": { "const": "cloud" } }, "required": ["layout"] }, "then": { "properties": { "position": { "enum": ["bottom", "top", "middle"] } } } }
    ]`),
    )
  })
})
